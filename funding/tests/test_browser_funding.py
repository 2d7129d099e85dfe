"""In Chromium: a council co-chair signs in, opens the queue and endorses a request; then the
secretariat places it on a meeting's agenda and records the members' approval."""

import pytest
from django.core import mail

from councils.models import Attendee, CouncilMembership, Meeting
from funding.models import FundingRequest, Status
from notifications.tests.helpers import eager_celery  # noqa: F401
from tests.browser import assert_accessible, follow, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    # The notices are sent by a worker after each commit: here, at once, in the test.
    pytest.mark.usefixtures("eager_celery"),
]

TITLE = "Citizen panels on the client journey for life events"  # CCS WG reports to PSSDC only


def test_cochair_endorses_and_secretariat_records_the_approval(live_server, page, demo_world):
    request = FundingRequest.objects.get(title_en=TITLE)
    assert request.status == Status.SUBMITTED

    sign_in(page, live_server.url, "cochair.pssdc")
    follow(page, page.get_by_role("link", name="funding requests wait on your recommendation"))
    assert page.get_by_role("heading", level=1).inner_text() == "My review queue"
    follow(page, page.get_by_role("link", name=TITLE))
    assert page.get_by_role("heading", name="The endorsement rule").is_visible()
    assert_accessible(page)

    page.get_by_label("Endorse", exact=True).check()
    page.get_by_label("Comment").fill("Well aligned with the client-centred service priority.")
    follow(page, page.get_by_role("button", name="Record my recommendation"))
    assert page.get_by_text("Your recommendation is recorded.").is_visible()
    request.refresh_from_db()
    assert request.status == Status.ENDORSED
    assert any("Endorsed" in m.subject for m in mail.outbox)
    follow(page, page.get_by_role("button", name="Sign out"))

    sign_in(page, live_server.url, "secretariat")
    page.goto(f"{live_server.url}/en/funding/{request.pk}/")
    page.get_by_role("combobox", name="Meeting").select_option(
        label="Joint councils meeting: winter 2027 (2027-02-25)"
    )
    follow(page, page.get_by_role("button", name="Schedule"))
    assert page.get_by_text("The request is on the meeting's agenda.").is_visible()

    # The meeting is still ahead: the decision is refused, and nothing is saved (issue 13).
    page.get_by_label("Approved", exact=True).check()
    page.get_by_label("Amount approved (CAD)").fill("80000")
    follow(page, page.get_by_role("button", name="Record the decision"))
    assert page.get_by_text("This meeting has not been held yet").is_visible()
    request.refresh_from_db()
    assert request.status == Status.SCHEDULED and request.vote is None

    # The meeting is held, every member present: quorum on both councils.
    meeting = request.meeting
    meeting.status = Meeting.Status.HELD
    meeting.save()
    seats = CouncilMembership.objects.active(meeting.day).filter(
        council__in=meeting.councils.all(), role="member", jurisdiction__isnull=False
    )
    for seat in {s.user_id: s for s in seats}.values():
        Attendee.objects.create(
            meeting=meeting,
            user=seat.user,
            role=Attendee.Role.MEMBER,
            jurisdiction=seat.jurisdiction,
            attendance=Attendee.Attendance.PRESENT,
        )
    page.goto(f"{live_server.url}/en/councils/meetings/{meeting.pk}/")
    assert page.locator(".quorum", has_text="Quorum reached").count() == 2
    assert page.get_by_role("link", name=TITLE, exact=True).is_visible()
    assert_accessible(page)
    follow(page, page.get_by_role("link", name=TITLE, exact=True))
    page.get_by_label("Approved", exact=True).check()
    page.get_by_label("Amount approved (CAD)").fill("80000")
    page.get_by_label("Votes for").fill("2")
    page.get_by_label("Votes against").fill("0")
    follow(page, page.get_by_role("button", name="Record the decision"))
    assert page.get_by_role("heading", name="The members' decision").is_visible()
    assert page.get_by_text("$80,000.00").first.is_visible()
    assert_accessible(page)
    request.refresh_from_db()
    assert request.status == Status.APPROVED and str(request.amount_approved) == "80000.00"
    decision_mail = [m for m in mail.outbox if "groupchair@councils.example" in m.to]
    assert any("80,000.00" in m.body for m in decision_mail)
