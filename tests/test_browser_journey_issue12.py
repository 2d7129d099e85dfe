"""Issue 12's journey, end to end in Chromium, every step through the pages a person would use
(menus, links, form fields, buttons), axe-core on every page visited:

1. the secretariat (in French) invites a new person from the People pages;
2. the invitee opens the link of the e-mail the outbox worker sends, chooses a password and
   signs in (in English);
3. the secretariat creates a working group, makes the invitee its co-chair and its
   representative on one council, and watches the liaison gap on the health page close;
4. the co-chair drafts and submits the group's first workplan, the secretariat accepts it (and
   brings it into the joint strategic plan: reopen, refresh from the workplans, adopt);
5. the co-chair marks one objective done with a note;
6. a member sees the dashboard's figure change by the arithmetic one can do by hand.
"""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail

from tests.browser import DEMO_PASSWORD, click, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Service-data-pilot-2026"  # noqa: S105 - a test password
EMAIL = "amara.okafor@example.gc.ca"
GROUP_EN = "Service Data Working Group"
GROUP_FR = "Groupe de travail sur les données de service"
FIRST_GOAL = "Common service standard indicators"
SECOND_GOAL = "Open service data catalogue"
NOTE = "Indicators adopted by both councils on 1 December."


def menu(page, label):
    return page.get_by_role("navigation", name=re.compile("Main menu|Menu principal")).get_by_role(
        "link", name=label, exact=True
    )


def sign_in_fr(page, base, username):
    """A demo account signs in, in French; axe checks the sign-in page and the home page."""
    visit(page, f"{base}/fr/accounts/login/")
    page.get_by_label("Nom d’utilisateur").fill(username)
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    click(page, page.get_by_role("button", name="Se connecter"))
    assert urlsplit(page.url).path == "/fr/"


def liaison_gaps(page):
    click(page, menu(page, "Santé des groupes"))
    section = page.locator("#rule-liaison_gap + ul")
    return section.inner_text() if section.count() else ""


def choose_person(page, typed, name):
    """Type part of a name in the person search; the matches appear as one types; choose."""
    page.locator("#id_user").fill(typed)
    match = page.locator(".person-search-choices label", has_text=name)
    match.first.wait_for()
    visit(page)
    match.first.click()


def plan_figure(page):
    """The headline figure of the dashboard, as a member reads it (French page)."""
    click(page, menu(page, "Plan stratégique"))
    return float(page.locator("#plan-progress").get_attribute("value").replace(",", "."))


def test_issue_12_journey(live_server, page, browser, demo_world, settings):
    from django.contrib.auth import get_user_model

    from councils.models import Council
    from notifications.models import Reminder
    from notifications.services import deliver
    from people.mail import INVITATION
    from strategy.models import PlanItem, StrategicPlan
    from strategy.models import Status as PlanStatus
    from strategy.selectors import plan_items, rollup_total
    from workinggroups.models import Group, GroupMembership, Objective, ObjectiveUpdate, Workplan

    base = live_server.url
    settings.PORTAL_BASE_URL = base
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    secretariat = page

    # --- 1. The secretariat, in French, invites a new person from the People pages. ---------
    sign_in_fr(secretariat, base, "secretariat")
    click(secretariat, menu(secretariat, "Personnes"))
    click(secretariat, secretariat.get_by_role("link", name="Inviter une personne"))
    secretariat.get_by_label("Prénom").fill("Amara")
    secretariat.get_by_label("Nom de famille").fill("Okafor")
    secretariat.get_by_label("Adresse courriel").fill(EMAIL)
    secretariat.get_by_label("Administration", exact=True).select_option(label="Nouveau-Brunswick")
    secretariat.get_by_label("Titre (anglais)").fill("Director of service data")
    secretariat.get_by_label("anglais", exact=True).check()
    # Her first role: a member of the service delivery council (CDPSSP), not of the CIO council.
    secretariat.get_by_label("Premier rôle", exact=True).select_option("council_member")
    secretariat.get_by_label("Conseil", exact=True).select_option(
        str(Council.objects.get(code="pssdc").pk)
    )
    click(secretariat, secretariat.get_by_role("button", name="Envoyer l’invitation"))
    assert "Amara Okafor" in secretariat.get_by_role("heading", level=1).inner_text()
    assert EMAIL in secretariat.locator(".messages").inner_text()
    invitee_user = get_user_model().objects.get(email=EMAIL)
    assert not invitee_user.has_usable_password()

    # --- 2. The outbox worker sends the e-mail; the invitee follows its link. ---------------
    # The request only queued the e-mail; the worker's step (deliver) mints the link and sends
    # it, here through Django's in-memory mail backend.
    assert mail.outbox == []
    (queued,) = Reminder.objects.filter(recipient=invitee_user, kind=INVITATION, sent_at=None)
    assert deliver(queued.pk)
    (message,) = mail.outbox
    assert message.to == [EMAIL]
    link = re.search(r"http://\S+/en/accounts/welcome/\S+/", message.body)[0]
    assert link.startswith(base)

    invitee_context = browser.new_context()
    cochair = invitee_context.new_page()
    visit(cochair, link)
    assert cochair.get_by_role("heading", level=1).inner_text() == "Choose your password"
    cochair.locator("#id_new_password1").fill(PASSWORD)
    cochair.locator("#id_new_password2").fill(PASSWORD)
    click(cochair, cochair.get_by_role("button", name="Set my password"))
    assert urlsplit(cochair.url).path == "/en/accounts/login/"
    assert cochair.get_by_label("Username").input_value() == invitee_user.username
    cochair.get_by_label("Password").fill(PASSWORD)
    click(cochair, cochair.get_by_role("button", name="Sign in"))
    assert urlsplit(cochair.url).path == "/en/"
    assert "Amara Okafor" in cochair.locator("header").inner_text()
    invitee_user.refresh_from_db()
    assert invitee_user.has_usable_password()

    # --- 3. The secretariat creates the group and its memberships; the liaison gap closes. --
    click(secretariat, menu(secretariat, "Groupes"))
    click(secretariat, secretariat.get_by_role("link", name="Nouveau groupe"))
    secretariat.locator("#id_kind").select_option("wg")
    secretariat.locator("#id_name_en").fill(GROUP_EN)
    secretariat.locator("#id_name_fr").fill(GROUP_FR)
    secretariat.locator("#id_mandate_en").fill("Define common service delivery indicators.")
    secretariat.locator("#id_mandate_fr").fill("Définir des indicateurs communs de prestation.")
    secretariat.get_by_label("CDPISP").check()  # reports to the CIO council only
    click(secretariat, secretariat.get_by_role("button", name="Créer le groupe"))
    group = Group.objects.get(name_en=GROUP_EN)
    assert group.status == "proposed"
    assert secretariat.locator("h1").inner_text().startswith("Membres et mandats")
    assert GROUP_FR in liaison_gaps(secretariat)

    # Co-chair: she does not sit on the CIO council, so the gap stays open.
    secretariat.go_back()
    visit(secretariat)
    click(secretariat, secretariat.get_by_role("link", name="Ajouter une personne", exact=True))
    choose_person(secretariat, "okaf", "Amara Okafor")
    secretariat.locator("#id_role").select_option("co_chair")
    click(secretariat, secretariat.get_by_role("button", name="Enregistrer"))
    assert GroupMembership.objects.filter(
        group=group, user=invitee_user, role="co_chair", end_date=None
    ).exists()
    assert GROUP_FR in liaison_gaps(secretariat)

    # Representative on the CIO council: the gap closes, on the group's page and on the
    # health page.
    secretariat.go_back()
    visit(secretariat)
    click(
        secretariat,
        secretariat.get_by_role("link", name="Ajouter une personne représentante au CDPISP"),
    )
    choose_person(secretariat, "okaf", "Amara Okafor")
    click(secretariat, secretariat.get_by_role("button", name="Enregistrer"))
    assert "Liaison manquante" not in secretariat.locator("#liaison-h").locator("..").inner_text()
    representative = GroupMembership.objects.get(group=group, role="representative")
    assert (representative.user, representative.council.code) == (invitee_user, "pscioc")
    assert GROUP_FR not in liaison_gaps(secretariat)

    # --- 4. The co-chair drafts and submits the first workplan; the secretariat accepts it. --
    click(cochair, menu(cochair, "Groups"))
    click(cochair, cochair.get_by_role("link", name=GROUP_EN))
    click(cochair, cochair.get_by_role("link", name="Start a new workplan version").first)
    cochair.get_by_label("Period start").fill("2026-04-01")
    cochair.get_by_label("Period end").fill("2027-03-31")
    click(cochair, cochair.get_by_role("button", name="Save"))
    assert "Draft workplan version 1" in cochair.get_by_role("heading", level=1).inner_text()
    cochair.locator("#id_items-0-title_en").fill(FIRST_GOAL)
    cochair.locator("#id_items-0-title_fr").fill("Indicateurs communs des normes de service")
    cochair.locator("#id_items-0-due_date").fill("2027-01-31")
    cochair.locator("#id_items-1-title_en").fill(SECOND_GOAL)
    cochair.locator("#id_items-1-title_fr").fill("Catalogue ouvert des données de service")
    cochair.locator("#id_items-1-due_date").fill("2027-03-15")
    click(cochair, cochair.get_by_role("button", name="Save and submit to the secretariat"))
    assert cochair.locator("#workplan-status").inner_text() == "Submitted"
    workplan = Workplan.objects.get(group=group)
    assert workplan.status == "submitted"

    # The secretariat finds the submitted workplan from the group's page and accepts it.
    click(secretariat, menu(secretariat, "Groupes"))
    click(secretariat, secretariat.get_by_role("link", name=GROUP_FR))
    click(secretariat, secretariat.get_by_role("link", name=re.compile("Version 1")).first)
    click(secretariat, secretariat.get_by_role("button", name="Accepter ce plan de travail"))
    assert secretariat.locator("#workplan-status").inner_text() == "Accepté"
    workplan.refresh_from_db()
    assert workplan.status == "accepted"
    first, second = Objective.objects.filter(group=group).order_by("due_date")
    assert (first.title_en, second.title_en) == (FIRST_GOAL, SECOND_GOAL)

    # The joint plan follows the accepted workplans once the secretariat refreshes it:
    # reopen (with a reason), refresh from the workplans, adopt again.
    plan = StrategicPlan.objects.get(council=None, status=PlanStatus.ADOPTED)
    click(secretariat, menu(secretariat, "Plan stratégique"))
    click(secretariat, secretariat.get_by_role("link", name="Détails et versions du plan"))
    click(secretariat, secretariat.get_by_role("link", name="Rouvrir comme ébauche"))
    secretariat.get_by_label("Motif").fill("Ajouter le groupe sur les données de service.")
    click(secretariat, secretariat.get_by_role("button", name="Confirmer"))
    click(
        secretariat,
        secretariat.get_by_role("link", name="Mettre à jour à partir des plans de travail"),
    )
    assert FIRST_GOAL in secretariat.locator("main").inner_text() or (
        "Indicateurs communs" in secretariat.locator("main").inner_text()
    )
    click(secretariat, secretariat.get_by_role("button", name="Mettre le plan à jour"))
    click(secretariat, secretariat.get_by_role("link", name="Adopter ce plan"))
    click(secretariat, secretariat.get_by_role("button", name="Confirmer"))
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ADOPTED
    assert set(
        PlanItem.objects.filter(plan=plan, objective__group=group).values_list(
            "objective__title_en", "weight"
        )
    ) == {(FIRST_GOAL, 1), (SECOND_GOAL, 1)}

    # --- 6 (before). A member reads the dashboard's figure. ---------------------------------
    reader_context = browser.new_context()
    member = reader_context.new_page()
    sign_in_fr(member, base, "member")
    before = plan_figure(member)
    totals = rollup_total(plan_items(plan))
    done, counted = totals["done_weight"], totals["total_weight"]
    assert before == pytest.approx(100 * done / counted, abs=0.051)  # the page shows one decimal

    # --- 5. The co-chair marks the first objective done with a note. ------------------------
    click(cochair, menu(cochair, "Groups"))
    click(cochair, cochair.get_by_role("link", name=GROUP_EN))
    cochair.get_by_text(f"Update “{FIRST_GOAL}”").click()
    prefix = f"#id_objective-{first.pk}"
    cochair.locator(f"{prefix}-status").select_option("done")
    cochair.locator(f"{prefix}-note_en").fill(NOTE)
    visit(cochair)
    click(
        cochair,
        cochair.locator(f"form[action$='/objectives/{first.pk}/update/']").get_by_role(
            "button", name="Record the update"
        ),
    )
    assert "update recorded" in cochair.locator(".alert").first.inner_text()
    first.refresh_from_db()
    assert first.status == "done"
    update = ObjectiveUpdate.objects.get(objective=first, new_status="done")
    assert (update.by, update.note_en) == (invitee_user, NOTE)
    click(cochair, cochair.get_by_role("link", name=FIRST_GOAL).first)
    assert NOTE in cochair.locator("#timeline-h + ol").inner_text()

    # --- 6. The member's dashboard moves by one weight point out of the counted weight. -----
    after = plan_figure(member)
    assert after == pytest.approx(
        100 * (done + 1) / counted, abs=0.051
    )  # the page shows one decimal
    assert after > before
    reader_context.close()
    invitee_context.close()
