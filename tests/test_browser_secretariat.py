"""The secretariat, in French and in Chromium, creates a working group in the portal, finds
people by name (the search answers as one types), makes one its co-chair and another its
representative on a council, and watches the liaison gap close on the health page; then ends
that representative's term through the confirmation page that names the gap. Axe runs on
every page, and on the mandate's versions and a council's memberships."""

import pytest

from tests.browser import assert_accessible, follow, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_page(page, url):
    page.goto(url)
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").count() == 1
    assert_accessible(page)


def choose_person(page, typed, name):
    """Type part of a name; the matches appear without reloading; choose one."""
    page.locator("#id_user").fill(typed)
    match = page.locator(".person-search-choices label", has_text=name)
    match.first.wait_for()
    assert_accessible(page)
    match.first.click()


def liaison_gaps(page, base_url):
    page.goto(f"{base_url}/fr/groups/health/?rule=liaison_gap")
    page.wait_for_load_state("networkidle")
    return page.locator("#rule-liaison_gap + ul").inner_text()


def test_the_secretariat_runs_a_group_and_its_memberships_in_the_portal(
    live_server, page, demo_world
):
    from workinggroups.models import Group, GroupMembership

    base = live_server.url
    sign_in(page, base, "secretariat", language="fr")

    open_page(page, f"{base}/fr/groups/")
    follow(page, page.get_by_role("link", name="Nouveau groupe"))
    assert_accessible(page)
    page.locator("#id_kind").select_option("wg")
    page.locator("#id_name_en").fill("Service Data Working Group")
    page.locator("#id_name_fr").fill("Groupe de travail sur les données de service")
    page.locator("#id_mandate_fr").fill("Définir des indicateurs communs de prestation.")
    page.get_by_label("CDPISP").check()
    follow(page, page.get_by_role("button", name="Créer le groupe"))
    group = Group.objects.get(name_en="Service Data Working Group")
    assert group.status == "proposed"
    assert page.locator("h1").inner_text().startswith("Membres et mandats")
    assert_accessible(page)
    assert "Groupe de travail sur les données de service" in liaison_gaps(page, base)

    # The co-chair, found by name as one types.
    page.goto(f"{base}/fr/groups/{group.slug}/memberships/new/")
    page.wait_for_load_state("networkidle")
    assert_accessible(page)
    choose_person(page, "fras", "Jordan Fraser")
    page.locator("#id_role").select_option("co_chair")
    follow(page, page.get_by_role("button", name="Enregistrer"))
    assert_accessible(page)
    # Jordan does not sit on PSCIOC: the gap stays. A representative on PSCIOC closes it.
    assert "données de service" in liaison_gaps(page, base)
    page.goto(f"{base}/fr/groups/{group.slug}/memberships/")
    follow(page, page.get_by_role("link", name="Ajouter une personne représentante au CDPISP"))
    choose_person(page, "gagnon", "Marc Gagnon")
    follow(page, page.get_by_role("button", name="Enregistrer"))
    assert "Liaison manquante" not in page.locator("#liaison-h").locator("..").inner_text()
    assert "données de service" not in liaison_gaps(page, base)
    assert_accessible(page)
    representative = GroupMembership.objects.get(group=group, role="representative")
    assert representative.user.username == "cochair.pscioc"
    assert representative.council.code == "pscioc"

    # Ending that term would leave the group with nobody on PSCIOC: the page says so first.
    page.goto(f"{base}/fr/groups/{group.slug}/memberships/")
    follow(page, page.get_by_role("link", name="Mettre fin — Marc Gagnon"))
    assert_accessible(page)
    follow(page, page.get_by_role("button", name="Mettre fin au mandat"))
    assert page.locator("h1").inner_text().startswith("Confirmer")
    assert "n’aurait plus personne au CDPISP" in page.locator(".liaison-gap").inner_text()
    assert_accessible(page)
    representative.refresh_from_db()
    assert representative.end_date is None
    page.locator("#gap-reason").fill("Nouvelles fonctions au sein de son ministère.")
    follow(page, page.get_by_role("button", name="Confirmer malgré la liaison manquante"))
    assert_accessible(page)
    representative.refresh_from_db()
    assert representative.end_date is not None
    assert representative.change_reason == "Nouvelles fonctions au sein de son ministère."

    # The other new pages, read in French: axe finds nothing.
    for path in (
        f"/fr/groups/{group.slug}/edit/",
        "/fr/groups/client-centred-service-wg/mandate/",
        "/fr/groups/client-centred-service-wg/mandate/?a=1&b=2",
        "/fr/councils/pssdc/members/",
        "/fr/councils/pssdc/members/new/",
        "/fr/councils/pssdc/",
    ):
        open_page(page, base + path)
