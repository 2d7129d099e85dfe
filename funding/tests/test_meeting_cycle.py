"""The meeting cycle on the funding side (issue 13): a scheduled request has its line on the
agenda, the meeting lists it, moving it or taking it off is a recorded step, the members'
decision needs a held meeting with quorum, and a declared interest recuses."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from councils.models import AgendaItem, InterestDeclaration, Vote
from councils.tests.factories import MeetingFactory, hold_with_quorum
from funding import services
from funding.models import MOVED_TEXT, UNSCHEDULED_TEXT, Status, StatusChange
from funding.tests.factories import FundingRequestFactory

S = Status


def declare(person, subject, statement="My team would do the work."):
    return InterestDeclaration.objects.create(
        person=person,
        content_type=ContentType.objects.get_for_model(subject),
        object_id=subject.pk,
        statement=statement,
        declared_by=person,
    )


# --- §1 The agenda knows its business ----------------------------------------------------------


def test_scheduling_puts_the_request_on_the_agenda_in_both_languages(scheduled, meeting):
    item = scheduled.agenda_item
    assert item.meeting == meeting
    assert item.title_en == f"Funding request: {scheduled.title_en}"
    assert item.title_fr.startswith("Demande de financement\u00a0: ")


def test_the_meeting_page_lists_the_request_its_status_and_the_recommendations(
    scheduled, meeting, client_for, member
):
    page = client_for(member).get(reverse("councils:meeting_detail", args=[meeting.pk]))
    body = page.content.decode()
    funding = body.split('id="funding-h"', 1)[1].split("</section>", 1)[0]
    assert scheduled.title_en in funding and "Scheduled for a meeting" in funding
    agenda = body.split('id="agenda-h"', 1)[1].split("</section>", 1)[0]
    assert f"Funding request: {scheduled.title_en}" in agenda
    assert "Co-chairs&#x27; recommendations:" in agenda or "Co-chairs' recommendations:" in agenda
    assert "Endorse" in agenda
    assert reverse("funding:request_detail", args=[scheduled.pk]) in agenda


def test_the_request_page_links_to_its_meeting(scheduled, meeting, client_for, secretariat):
    body = client_for(secretariat).get(reverse("funding:request_detail", args=[scheduled.pk]))
    assert reverse("councils:meeting_detail", args=[meeting.pk]) in body.content.decode()


def test_moving_to_another_meeting_moves_the_agenda_line_and_records_the_step(
    scheduled, meeting, council, secretariat, client_for
):
    later = MeetingFactory(councils=[council])
    item_pk = scheduled.agenda_item_id
    response = client_for(secretariat).post(
        reverse("funding:request_reschedule", args=[scheduled.pk]),
        {"version": scheduled.version, "meeting": later.pk, "reason": "The agenda is full."},
    )
    assert response.status_code == 302
    scheduled.refresh_from_db()
    assert scheduled.status == S.SCHEDULED and scheduled.meeting == later
    assert scheduled.agenda_item_id == item_pk
    assert AgendaItem.objects.get(pk=item_pk).meeting == later
    step = StatusChange.objects.filter(request=scheduled).latest("pk")
    assert step.reason_key == MOVED_TEXT and step.reason == "The agenda is full."
    assert not meeting.agenda_items.filter(pk=item_pk).exists()


def test_taking_it_off_the_agenda_is_a_recorded_step_back_to_endorsed(
    scheduled, meeting, secretariat, client_for
):
    url = reverse("funding:request_reschedule", args=[scheduled.pk])
    c = client_for(secretariat)
    refused = c.post(url, {"version": scheduled.version, "meeting": "", "reason": ""})
    assert refused.status_code == 400
    assert "Say why the request leaves this meeting" in refused.content.decode()
    scheduled.refresh_from_db()
    assert scheduled.status == S.SCHEDULED
    response = c.post(url, {"version": scheduled.version, "meeting": "", "reason": "Withdrawn."})
    assert response.status_code == 302
    scheduled.refresh_from_db()
    assert scheduled.status == S.ENDORSED and scheduled.meeting is None
    assert scheduled.agenda_item is None and not meeting.agenda_items.exists()
    step = StatusChange.objects.filter(request=scheduled).latest("pk")
    assert (step.old_status, step.new_status, step.reason_key) == (
        S.SCHEDULED,
        S.ENDORSED,
        UNSCHEDULED_TEXT,
    )


def test_only_the_secretariat_changes_the_agenda(scheduled, council_cochair, client_for):
    response = client_for(council_cochair).post(
        reverse("funding:request_reschedule", args=[scheduled.pk]),
        {"version": scheduled.version, "meeting": "", "reason": "No."},
    )
    assert response.status_code == 403
    scheduled.refresh_from_db()
    assert scheduled.status == S.SCHEDULED


# --- §2 Decisions at the meeting ---------------------------------------------------------------


def test_a_decision_before_the_meeting_is_refused_with_a_clear_message(
    scheduled, secretariat, client_for
):
    """The issue's example: "Approved, $10,000" recorded two months before a planned meeting."""
    meeting = scheduled.meeting
    meeting.starts_at = timezone.now() + datetime.timedelta(days=60)
    meeting.save()
    response = client_for(secretariat).post(
        reverse("funding:request_decide", args=[scheduled.pk]),
        {"version": scheduled.version, "outcome": "approved", "amount_approved": "10000"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "This meeting has not been held yet" in body
    assert 'value="10000"' in body  # what they typed is kept
    scheduled.refresh_from_db()
    assert scheduled.status == S.SCHEDULED and scheduled.amount_approved is None
    assert not Vote.objects.exists()


def test_a_decision_without_quorum_is_refused(scheduled, secretariat):
    scheduled.meeting.status = "held"
    scheduled.meeting.save()
    with pytest.raises(services.ValidationError, match="no quorum"):
        services.funding_request_record_decision(
            request=scheduled,
            by=secretariat,
            outcome=S.NOT_APPROVED,
            expected_version=scheduled.version,
        )
    scheduled.refresh_from_db()
    assert scheduled.status == S.SCHEDULED and not Vote.objects.exists()


def test_impossible_vote_counts_are_refused(scheduled, meeting, secretariat, client_for):
    hold_with_quorum(meeting, members=3)
    response = client_for(secretariat).post(
        reverse("funding:request_decide", args=[scheduled.pk]),
        {
            "version": scheduled.version,
            "outcome": "approved",
            "amount_approved": "10000",
            "votes_for": "3",
            "votes_against": "1",
        },
    )
    assert response.status_code == 400
    assert "4 votes were cast, but only 3 members present may vote" in response.content.decode()
    scheduled.refresh_from_db()
    assert scheduled.status == S.SCHEDULED and not Vote.objects.exists()


def test_the_decision_carries_the_meetings_date_and_its_frozen_vote(
    scheduled, in_session, meeting, secretariat
):
    decided = services.funding_request_record_decision(
        request=scheduled,
        by=secretariat,
        outcome=S.APPROVED,
        amount_approved=Decimal("10000"),
        votes_for=10,
        votes_against=2,
        expected_version=scheduled.version,
    )
    assert decided.decided_at == meeting.starts_at
    assert decided.vote.agenda_item == scheduled.agenda_item
    assert decided.vote.eligible_count == 15 and decided.vote.eligible_voters.count() == 15


# --- §3 Declared interests ---------------------------------------------------------------------


def test_a_cochair_with_a_declared_interest_cannot_recommend(submitted, council_cochair):
    declare(council_cochair, submitted)
    with pytest.raises(services.WorkflowError, match="recused"):
        services.recommendation_record(
            request=submitted,
            by=council_cochair,
            decision="endorse",
            comment="",
            expected_version=submitted.version,
        )
    assert not submitted.recommendations.exists()


def test_a_member_with_a_declared_interest_does_not_vote(scheduled, meeting, secretariat):
    voters = hold_with_quorum(meeting, members=3)
    declare(voters[0], scheduled)
    with pytest.raises(services.ValidationError, match="only 2 members present may vote"):
        services.funding_request_record_decision(
            request=scheduled,
            by=secretariat,
            outcome=S.NOT_APPROVED,
            votes_against=3,
            expected_version=scheduled.version,
        )
    decided = services.funding_request_record_decision(
        request=scheduled,
        by=secretariat,
        outcome=S.NOT_APPROVED,
        votes_against=2,
        expected_version=scheduled.version,
    )
    assert voters[0] not in decided.vote.eligible_voters.all()


def test_the_recusal_panel_shows_automatic_and_declared_side_by_side(
    submitted, council_cochair, secretariat, client_for
):
    client_for(council_cochair).post(
        reverse("funding:request_declare", args=[submitted.pk]),
        {"statement": "I advise the pilot's vendor."},
    )
    assert InterestDeclaration.objects.get().person == council_cochair
    body = client_for(secretariat).get(reverse("funding:request_detail", args=[submitted.pk]))
    panel = body.content.decode().split('id="recusals-h"', 1)[1].split("</section>", 1)[0]
    assert "Automatic" in panel and "Declared interests" in panel
    assert "I advise the pilot" in panel
    rule = body.content.decode().split('id="rule-h"', 1)[1].split("</section>", 1)[0]
    assert "Recused by a declared interest:" in rule


def test_a_french_page_reads_the_agenda_line_in_french(scheduled, meeting, client_for, member):
    with translation.override("fr"):
        body = client_for(member).get(f"/fr/councils/meetings/{meeting.pk}/").content.decode()
    assert "Demande de financement" in body


# --- The meeting page's cost with requests on it ----------------------------------------------


def test_meeting_page_queries_do_not_grow_with_requests(
    scheduled, meeting, group, group_cochair, client_for, member, django_assert_max_num_queries
):
    c = client_for(member)
    url = reverse("councils:meeting_detail", args=[meeting.pk])
    c.get(url)
    with CaptureQueriesContext(connection) as few:
        c.get(url)
    for _ in range(10):
        other = FundingRequestFactory(
            group=group, created_by=group_cochair, status=S.SCHEDULED, meeting=meeting
        )
        item = AgendaItem.objects.create(meeting=meeting, order=5, title_en="Funding request")
        other.agenda_item = item
        other.save()
        declare(member, other)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert c.get(url).status_code == 200


def test_the_meeting_page_lists_only_requests_the_reader_may_open(
    meeting, group, group_cochair, client_for, member, secretariat
):
    hidden = FundingRequestFactory(
        group=group,
        created_by=group_cochair,
        status=S.SUBMITTED,
        submitted=True,
        meeting=meeting,
        title_en="Not yet endorsed request",
    )
    url = reverse("councils:meeting_detail", args=[meeting.pk])
    assert "Not yet endorsed request" not in client_for(member).get(url).content.decode()
    assert "Not yet endorsed request" in client_for(secretariat).get(url).content.decode()
    assert reverse("funding:request_detail", args=[hidden.pk]) not in (
        client_for(member).get(url).content.decode()
    )
