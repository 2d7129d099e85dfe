"""Issue 13's journey, end to end in Chromium on the demo, every step through the pages a person
would use, axe-core on every page visited, and the database checked after each step:

1. the secretariat plans two council meetings dated today (the members' meeting, then the one
   that will approve its minutes) and schedules an endorsed funding request on the first;
   and publishes the meeting package (a PDF in each language, made by the worker's job);
2. a member declares a conflict of interest on the request;
3. the secretariat records attendance until quorum is reached, then the members' decision at
   the meeting (on its date), with vote counts the recusal keeps within the eligible voters;
4. the secretariat drafts the minutes from the agenda and circulates them to the next meeting;
5. the next meeting reaches quorum and approves them: they lock (the edit page no longer
   offers them, and the service refuses an edit);
6. the co-chairs' check-in (section 6): the secretariat makes one for two groups from the
   meeting form, sees each group's status on its page (in English and in French), and finds it
   from a group's page.

The meetings are dated today (the portal's day), so that decisions may be recorded at them.
"""

import re
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.browser import DEMO_PASSWORD, click, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
MEETING_EN = "Joint councils meeting: funding decisions"
NEXT_EN = "Joint councils meeting: approval of the minutes"
STATEMENT = "My spouse leads the vendor proposed for the identity pilot."
# The members present, each for their jurisdiction: PSSDC (New Brunswick, Ontario) and PSCIOC
# (New Brunswick, Quebec) each need a majority of their own members' jurisdictions.
PRESENT = [("roy", "Alex Roy"), ("fras", "Jordan Fraser"), ("bouch", "Élise Bouchard")]


def sign_in(page, base, username, language="en"):
    visit(page, f"{base}/{language}/accounts/login/")
    page.get_by_label("Username" if language == "en" else "Nom d’utilisateur").fill(username)
    page.get_by_label("Password" if language == "en" else "Mot de passe").fill(DEMO_PASSWORD)
    click(page, page.get_by_role("button", name="Sign in" if language == "en" else "Se connecter"))
    # Home, in the person's own language (the demo's secretariat works in French); the
    # journey then opens the English pages by their address.
    assert urlsplit(page.url).path in ("/en/", "/fr/")


def choose_person(page, typed, name):
    """Type part of a name in the person search; the matches appear as one types; choose."""
    page.locator("#id_user").fill(typed)
    match = page.locator(".person-search-choices label", has_text=name)
    match.first.wait_for()
    visit(page)
    match.first.click()


def new_meeting(page, base, title_en, title_fr, starts_at):
    visit(page, base + reverse("councils:meeting_list"))
    click(page, page.get_by_role("link", name="New meeting"))
    page.get_by_label("Council meeting").check()
    page.locator("#id_title_en").fill(title_en)
    page.locator("#id_title_fr").fill(title_fr)
    page.locator("#id_starts_at").fill(starts_at)
    for box in page.locator("input[name=councils]").all():
        box.check()
    page.locator("#id_status").select_option("planned")
    click(page, page.get_by_role("button", name="Save"))
    assert page.locator("h1").inner_text() == title_en


def publish_package(page, meeting, request):
    """The secretariat publishes the meeting's package from its page (with a confirmation);
    the worker's job (`package_generate`, which the sweep and the task run) then makes one PDF
    per language, and the meeting page lists version 1 in English and in French. The PDFs'
    text holds the request's title and the co-chairs' recommendation, in each language."""
    import io

    from pypdf import PdfReader

    from funding.models import MeetingPackage
    from funding.package import package_generate

    click(page, page.get_by_role("link", name="Publish the package"))
    click(page, page.get_by_role("button", name="Publish the package"))
    (package,) = MeetingPackage.objects.filter(meeting=meeting)
    assert (package.version, package.is_ready) == (1, False)  # the worker makes it
    assert package_generate(package.pk)
    package.refresh_from_db()
    assert package.is_ready
    visit(page, page.url.split("#")[0])
    assert page.locator("#package-h + ul.package-versions a").count() == 2
    for language, title in (("en", request.title_en), ("fr", request.title_fr)):
        with package.file_for(language).open("rb") as handle:
            reader = PdfReader(io.BytesIO(handle.read()))
        text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
        assert title.replace("'", "’")[:25] in text.replace("'", "’"), language
    assert "Advances the digital identity priority." in " ".join(
        " ".join(p.extract_text().split())
        for p in PdfReader(io.BytesIO(package.file_for("en").open("rb").read())).pages
    )


def record_attendance(page, meeting_url):
    for typed, name in PRESENT:
        visit(page, meeting_url)
        click(page, page.get_by_role("link", name="Add an attendee or a guest"))
        choose_person(page, typed, name)
        page.locator("#id_role").select_option("member")
        page.locator("#id_attendance").select_option("present")
        click(page, page.get_by_role("button", name="Save"))


def test_issue_13_journey(live_server, page, browser, demo_world, settings):
    from django.contrib.auth import get_user_model

    from councils.models import (
        AgendaItem,
        Decision,
        InterestDeclaration,
        Meeting,
        MinutesStatus,
    )
    from councils.selectors import meeting_quorum
    from councils.services import meeting_save
    from funding.models import FundingRequest, Status
    from funding.services import recommendation_record

    users = get_user_model().objects
    base = live_server.url
    settings.PORTAL_BASE_URL = base
    secretariat = page
    today = timezone.localdate()

    # The demo's digital-identity request is in review: the council co-chairs endorse it.
    request = FundingRequest.objects.get(group__slug="digital-identity-wg")
    for username in ("cochair.pssdc", "cochair.pscioc"):
        if request.status == Status.ENDORSED:
            break
        request, _ = recommendation_record(
            request=request,
            by=users.get(username=username),
            decision="endorse",
            comment="Advances the digital identity priority.",
            expected_version=request.version,
        )
    assert request.status == Status.ENDORSED
    request_url = base + reverse("funding:request_detail", args=[request.pk])

    # --- 1. The secretariat plans the meetings and schedules the endorsed request. ----------
    sign_in(secretariat, base, "secretariat")
    new_meeting(
        secretariat,
        base,
        MEETING_EN,
        "Réunion des conseils mixtes : décisions de financement",
        f"{today:%Y-%m-%d}T08:00",
    )
    meeting = Meeting.objects.get(title_en=MEETING_EN)
    meeting_url = secretariat.url
    new_meeting(
        secretariat,
        base,
        NEXT_EN,
        "Réunion des conseils mixtes : approbation du procès-verbal",
        f"{today:%Y-%m-%d}T20:00",
    )
    next_meeting = Meeting.objects.get(title_en=NEXT_EN)
    next_url = secretariat.url
    assert (meeting.kind, meeting.status, meeting.councils.count()) == ("council", "planned", 2)

    visit(secretariat, request_url)
    secretariat.locator("#id_meeting").select_option(str(meeting.pk))
    click(secretariat, secretariat.get_by_role("button", name="Schedule"))
    request.refresh_from_db()
    assert (request.status, request.meeting) == (Status.SCHEDULED, meeting)
    item = AgendaItem.objects.get(meeting=meeting, funding_request=request)
    assert item.title_en == f"Funding request: {request.title_en}"
    visit(secretariat, meeting_url)
    agenda = secretariat.locator("#agenda-h").locator("..").inner_text()
    assert f"Funding request: {request.title_en}" in agenda
    assert "Advances the digital identity priority." in agenda  # the recommendations
    publish_package(secretariat, meeting, request)

    # --- 2. A member declares a conflict of interest on the request. ------------------------
    member_context = browser.new_context()
    member = member_context.new_page()
    sign_in(member, base, "member")
    visit(member, request_url)
    click(member, member.get_by_role("link", name="Declare an interest"))
    member.locator("#id_statement").fill(STATEMENT)
    click(member, member.get_by_role("button", name="Declare the interest"))
    declaration = InterestDeclaration.objects.get(person__username="member", object_id=request.pk)
    assert declaration.statement == STATEMENT and declaration.withdrawn_at is None
    visit(member, request_url)
    assert STATEMENT in member.locator("#recusals-h").locator("..").inner_text()
    # The meeting record lists it too.
    visit(secretariat, meeting_url)
    assert STATEMENT in secretariat.locator("#interests-h").locator("..").inner_text()

    # --- 3. Attendance reaches quorum; the decision is recorded at the meeting. ------------
    # Before quorum, the decision is refused with a clear message and nothing is saved.
    visit(secretariat, request_url)
    secretariat.get_by_label("Approved", exact=True).check()
    secretariat.locator("#id_amount_approved").fill("10000")
    click(secretariat, secretariat.get_by_role("button", name="Record the decision"))
    assert "quorum" in secretariat.locator("main").inner_text().lower()
    request.refresh_from_db()
    assert request.status == Status.SCHEDULED

    record_attendance(secretariat, meeting_url)
    assert meeting_quorum(meeting).reached
    visit(secretariat, meeting_url)
    attendees = secretariat.locator("#attendees-h").locator("..").inner_text()
    assert "Quorum reached" in attendees and "Quorum not reached" not in attendees
    assert all(name in attendees for _typed, name in PRESENT)

    visit(secretariat, request_url)
    secretariat.get_by_label("Approved", exact=True).check()
    secretariat.locator("#id_amount_approved").fill("10000")
    secretariat.locator("#id_votes_for").fill("1")
    secretariat.locator("#id_votes_against").fill("0")
    secretariat.locator("#id_votes_abstaining").fill("0")
    click(secretariat, secretariat.get_by_role("button", name="Record the decision"))
    request.refresh_from_db()
    assert request.status == Status.APPROVED
    assert request.amount_approved == Decimal("10000.00")
    vote = request.vote
    assert (vote.votes_for, vote.votes_against, vote.votes_abstaining) == (1, 0, 0)
    # The conflicted member is not among the eligible voters frozen with the vote.
    assert vote.eligible_count >= 1
    assert not vote.eligible_voters.filter(username="member").exists()
    visit(secretariat, meeting_url)
    requests_on_meeting = secretariat.locator("#funding-h").locator("..").inner_text()
    assert "1 for, 0 against, 0 abstaining" in requests_on_meeting

    # --- 4. The secretariat drafts the minutes from the agenda and circulates them. ---------
    click(secretariat, secretariat.get_by_role("button", name="Start the minutes from the agenda"))
    meeting.refresh_from_db()
    assert f"Funding request: {request.title_en}" in meeting.minutes_en
    assert meeting.minutes_fr and meeting.minutes_status == MinutesStatus.DRAFT
    visit(secretariat, meeting_url)
    secretariat.locator("#id_next_meeting").select_option(str(next_meeting.pk))
    click(secretariat, secretariat.get_by_role("button", name="Circulate the minutes"))
    meeting.refresh_from_db()
    assert meeting.minutes_status == MinutesStatus.CIRCULATED
    approval_line = AgendaItem.objects.get(meeting=next_meeting, minutes_of=meeting)

    # --- 5. The next meeting approves them, and they lock. ---------------------------------
    record_attendance(secretariat, next_url)
    assert meeting_quorum(next_meeting).reached
    visit(secretariat, next_url)
    assert approval_line.title_en in secretariat.locator("#agenda-h").locator("..").inner_text()
    click(secretariat, secretariat.get_by_role("link", name="Record a decision"))
    secretariat.locator("#id_agenda_item").select_option(str(approval_line.pk))
    secretariat.locator("#id_text_en").fill("The minutes of the funding decisions are approved.")
    secretariat.locator("#id_text_fr").fill("Le procès-verbal des décisions est approuvé.")
    click(secretariat, secretariat.get_by_role("button", name="Save"))
    decision = Decision.objects.get(meeting=next_meeting, agenda_item=approval_line)
    meeting.refresh_from_db()
    assert meeting.minutes_locked and meeting.minutes_approved_by == decision

    visit(secretariat, meeting_url)
    minutes = secretariat.locator("#minutes-h").locator("..").inner_text()
    assert "locked" in minutes
    assert secretariat.get_by_role("button", name="Start the minutes from the agenda").count() == 0
    click(
        secretariat,
        secretariat.get_by_role("link", name="Edit the meeting, context and minutes"),
    )
    assert secretariat.locator("#id_minutes_en").count() == 0
    # An edit that reaches the service anyway is refused, and the minutes stay as approved.
    approved_text = meeting.minutes_en
    meeting.minutes_en = "Rewritten after approval."
    with pytest.raises(Exception, match="locked"):
        meeting_save(
            meeting=meeting,
            councils=list(meeting.councils.all()),
            by=users.get(username="secretariat"),
        )
    meeting.refresh_from_db()
    assert meeting.minutes_en == approved_text

    member_context.close()


def test_co_chairs_check_in_journey(live_server, page, demo_world, settings):
    from councils.models import Meeting
    from workinggroups.models import Group

    base = live_server.url
    settings.PORTAL_BASE_URL = base
    chosen = ["Digital Strategy Working Group", "Client-Centred Service Working Group"]
    sign_in(page, base, "secretariat")
    visit(page, base + reverse("councils:meeting_list"))
    click(page, page.get_by_role("link", name="New meeting"))
    page.get_by_label("Co-chairs' check-in").check()
    page.locator("#id_title_en").fill("Co-chairs' check-in: service groups")
    page.locator("#id_title_fr").fill("Rencontre des coprésidents : groupes des services")
    page.locator("#id_starts_at").fill("2027-01-28T14:00")
    for box in page.locator("input[name=councils]").all():
        box.check()
    # Without a group, the form says what is missing and saves nothing.
    click(page, page.get_by_role("button", name="Save"))
    assert "Choose the groups whose co-chairs this check-in meets." in page.inner_text("main")
    assert not Meeting.objects.filter(title_en__endswith="service groups").exists()
    for name in chosen:
        page.get_by_label(name, exact=True).check()
    click(page, page.get_by_role("button", name="Save"))
    check_in = Meeting.objects.get(title_en="Co-chairs' check-in: service groups")
    assert check_in.kind == Meeting.Kind.CHECK_IN
    assert sorted(check_in.check_in_groups.values_list("name_en", flat=True)) == sorted(chosen)

    # Each group's status, prefilled from what the portal knows.
    status = page.locator("#check-in-h").locator("..").inner_text()
    assert all(name in status for name in chosen)
    assert "done" in status and ("liaison in place" in status or "liaison gap" in status)
    strategy = Group.objects.get(name_en=chosen[0])
    review = strategy.next_review_date
    assert review is None or str(review.year) in status

    # From a group's page, its check-ins; and the same page in French.
    click(page, page.get_by_role("link", name=chosen[0]))
    assert urlsplit(page.url).path == reverse("workinggroups:group_detail", args=[strategy.slug])
    click(page, page.get_by_role("link", name="Co-chairs' check-in: service groups"))
    assert page.locator("h1").inner_text() == "Co-chairs' check-in: service groups"
    visit(page, page.url.replace("/en/", "/fr/"))
    assert "Groupes rencontrés" in page.locator("#check-in-h").inner_text()
    assert re.search(r"Rencontre des coprésidents", page.locator("main").inner_text())
