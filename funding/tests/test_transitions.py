"""Every row of the transition table, every refusal, through the services."""

from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from funding import services
from funding.models import TRANSITIONS, Actor, Revision, Status, StatusChange
from funding.tests.conftest import request_data

S = Status
ALL_PAIRS = [(old, new) for old in S for new in S if old != new]


@pytest.fixture
def actors(group_cochair, council_cochair, secretariat):
    return {
        Actor.REQUESTER: group_cochair,
        Actor.REVIEWER: council_cochair,
        Actor.SECRETARIAT: secretariat,
    }


@pytest.mark.parametrize(
    ("old", "new", "actor"),
    [(old, new, actor) for old, targets in TRANSITIONS.items() for new, actor in targets.items()],
)
def test_each_transition_in_the_table_is_taken_by_its_actor_and_recorded(
    in_state, actors, old, new, actor
):
    obj = in_state(old, amount_approved=None)
    before = obj.version
    if new == S.APPROVED:
        obj.amount_approved = Decimal("5000.00")  # the table's generic step needs the amount
        obj.save()
    services.funding_request_transition(
        request=obj, to=new, by=actors[actor], reason="because", expected_version=before
    )
    obj.refresh_from_db()
    assert obj.status == new
    assert obj.version == before + 1
    change = StatusChange.objects.get(request=obj)
    assert (change.old_status, change.new_status, change.by, change.reason) == (
        old,
        new,
        actors[actor],
        "because",
    )


@pytest.mark.parametrize(
    ("old", "new", "actor"),
    [
        (old, new, actor)
        for old, targets in TRANSITIONS.items()
        for new, allowed in targets.items()
        for actor in Actor
        if actor != allowed
    ],
)
def test_each_transition_is_refused_to_the_other_roles(in_state, actors, old, new, actor):
    obj = in_state(old)
    with pytest.raises(services.WorkflowError, match="Only"):
        services.funding_request_transition(request=obj, to=new, by=actors[actor])
    obj.refresh_from_db()
    assert obj.status == old
    assert not StatusChange.objects.filter(request=obj).exists()


@pytest.mark.parametrize(
    ("old", "new"), [(o, n) for o, n in ALL_PAIRS if n not in TRANSITIONS.get(o, {})]
)
def test_transitions_not_in_the_table_are_refused_with_a_clear_message(
    in_state, secretariat, old, new
):
    obj = in_state(old)
    with pytest.raises(services.WorkflowError) as refused:
        services.funding_request_transition(request=obj, to=new, by=secretariat)
    assert str(S(old).label) in refused.value.message
    assert str(S(new).label) in refused.value.message
    obj.refresh_from_db()
    assert obj.status == old


def test_final_states_lead_nowhere():
    for state in (S.DECLINED, S.APPROVED, S.NOT_APPROVED, S.WITHDRAWN):
        assert TRANSITIONS[state] == {}


# --- Draft, submission, resubmission -------------------------------------------------------------


def test_a_group_cochair_creates_a_draft(draft, group_cochair):
    assert draft.status == S.DRAFT
    assert draft.created_by == group_cochair
    assert draft.revision == 0 and draft.submitted_at is None
    assert list(draft.priorities.values_list("code", flat=True)) == ["digital-identity"]


def test_only_a_group_cochair_creates_a_request_for_the_group(group, council_cochair, priority):
    with pytest.raises(services.WorkflowError):
        services.funding_request_create(
            group=group, by=council_cochair, data=request_data(), priorities=[priority]
        )


def test_submitting_stores_a_revision_records_who_and_tells_the_reviewers(
    draft, group_cochair, council_cochair, run_on_commit
):
    with run_on_commit():
        obj = services.funding_request_submit(
            request=draft, by=group_cochair, expected_version=draft.version
        )
    obj.refresh_from_db()
    assert obj.status == S.SUBMITTED
    assert (obj.revision, obj.submitted_by) == (1, group_cochair)
    revision = Revision.objects.get(request=obj)
    assert revision.content["title_en"] == "Digital identity pilot"
    assert revision.content["amount_requested"] == "25000.00"
    change = StatusChange.objects.get(request=obj)
    assert (change.old_status, change.new_status, change.by) == (
        S.DRAFT,
        S.SUBMITTED,
        group_cochair,
    )
    assert [m.to for m in mail.outbox] == [[council_cochair.email]]
    assert "Digital identity pilot" in mail.outbox[0].subject


def test_a_submitted_request_is_frozen(submitted, group_cochair, priority):
    with pytest.raises(services.WorkflowError, match="frozen"):
        services.funding_request_update(
            request=submitted,
            by=group_cochair,
            expected_version=submitted.version,
            data={"title_en": "Changed"},
            priorities=[priority],
        )
    submitted.refresh_from_db()
    assert submitted.title_en == "Digital identity pilot"


def test_someone_outside_the_group_cannot_edit_a_draft(draft, council_cochair, priority):
    with pytest.raises(services.WorkflowError):
        services.funding_request_update(
            request=draft,
            by=council_cochair,
            expected_version=draft.version,
            data={"title_en": "Changed"},
            priorities=[priority],
        )


def test_a_group_reporting_to_no_council_cannot_submit(group, group_cochair, draft):
    group.councils.clear()
    with pytest.raises(services.WorkflowError, match="reports to no council"):
        services.funding_request_submit(
            request=draft, by=group_cochair, expected_version=draft.version
        )
    draft.refresh_from_db()
    assert draft.status == S.DRAFT and draft.revision == 0


def test_only_the_requesters_submit(draft, council_cochair, secretariat):
    for person in (council_cochair, secretariat):
        with pytest.raises(services.WorkflowError, match="Only"):
            services.funding_request_submit(
                request=draft, by=person, expected_version=draft.version
            )
    draft.refresh_from_db()
    assert draft.status == S.DRAFT


def test_submitting_twice_is_refused(submitted, group_cochair):
    with pytest.raises(services.WorkflowError, match="cannot become"):
        services.funding_request_submit(
            request=submitted, by=group_cochair, expected_version=submitted.version
        )


def test_returned_request_is_revised_and_resubmitted_as_a_new_revision(
    submitted, group_cochair, council_cochair, priority, run_on_commit
):
    returned, _ = services.recommendation_record(
        request=submitted,
        by=council_cochair,
        decision="return",
        comment="Add the outcomes.",
        expected_version=submitted.version,
    )
    assert returned.status == S.RETURNED
    edited = services.funding_request_update(
        request=returned,
        by=group_cochair,
        expected_version=returned.version,
        data=request_data(outcomes_en="Citizens sign in once.", amount_requested=Decimal("20000")),
        priorities=[priority],
    )
    with run_on_commit():
        again = services.funding_request_submit(
            request=edited, by=group_cochair, expected_version=edited.version
        )
    again.refresh_from_db()
    assert again.status == S.SUBMITTED and again.revision == 2
    first, second = Revision.objects.filter(request=again).order_by("number")
    assert first.content["outcomes_en"] == "" and first.content["amount_requested"] == "25000.00"
    assert second.content["outcomes_en"] == "Citizens sign in once."
    assert "Resubmitted" in mail.outbox[-1].subject
    # The return on revision 1 no longer counts: the co-chair reviews revision 2 afresh.
    obj, _ = services.recommendation_record(
        request=again,
        by=council_cochair,
        decision="endorse",
        comment="",
        expected_version=again.version,
    )
    assert obj.status == S.ENDORSED


# --- Withdrawal -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "state", [S.DRAFT, S.SUBMITTED, S.IN_REVIEW, S.RETURNED, S.ENDORSED, S.SCHEDULED, S.DEFERRED]
)
def test_the_requester_withdraws_before_a_decision(in_state, group_cochair, state):
    obj = in_state(state)
    services.funding_request_withdraw(
        request=obj, by=group_cochair, expected_version=obj.version, reason="Funded elsewhere."
    )
    obj.refresh_from_db()
    assert obj.status == S.WITHDRAWN
    assert StatusChange.objects.get(request=obj).reason == "Funded elsewhere."


@pytest.mark.parametrize("state", [S.APPROVED, S.NOT_APPROVED, S.DECLINED, S.WITHDRAWN])
def test_withdrawal_after_a_decision_is_refused(in_state, group_cochair, state):
    obj = in_state(state, amount_approved=Decimal("1.00") if state == S.APPROVED else None)
    with pytest.raises(services.WorkflowError, match="cannot become"):
        services.funding_request_withdraw(
            request=obj, by=group_cochair, expected_version=obj.version
        )


def test_only_the_requesters_withdraw(submitted, secretariat, council_cochair):
    for person in (secretariat, council_cochair):
        with pytest.raises(services.WorkflowError, match="Only"):
            services.funding_request_withdraw(
                request=submitted, by=person, expected_version=submitted.version
            )


# --- Scheduling and the members' decision ---------------------------------------------------------


def test_secretariat_schedules_an_endorsed_request(scheduled, meeting, secretariat):
    scheduled.refresh_from_db()
    assert scheduled.status == S.SCHEDULED and scheduled.meeting == meeting
    change = scheduled.status_changes.last()
    assert change.by == secretariat and change.reason_key == "funding.scheduled"
    assert change.reason_params["meeting"]["en"] == str(meeting)


def test_scheduling_before_endorsement_is_refused(submitted, secretariat, meeting):
    with pytest.raises(services.WorkflowError, match="cannot become"):
        services.funding_request_schedule(
            request=submitted, by=secretariat, meeting=meeting, expected_version=submitted.version
        )


def test_only_the_secretariat_schedules(endorsed, council_cochair, group_cochair, meeting):
    for person in (council_cochair, group_cochair):
        with pytest.raises(services.WorkflowError, match="Only"):
            services.funding_request_schedule(
                request=endorsed, by=person, meeting=meeting, expected_version=endorsed.version
            )


def test_scheduling_needs_a_planned_meeting_of_the_groups_councils(
    endorsed, secretariat, meeting, council2
):
    from councils.tests.factories import MeetingFactory

    other = MeetingFactory(councils=[council2])
    with pytest.raises(ValidationError) as refused:
        services.funding_request_schedule(
            request=endorsed, by=secretariat, meeting=other, expected_version=endorsed.version
        )
    assert "meeting" in refused.value.error_dict
    meeting.status = "held"
    meeting.save()
    with pytest.raises(ValidationError):
        services.funding_request_schedule(
            request=endorsed, by=secretariat, meeting=meeting, expected_version=endorsed.version
        )
    endorsed.refresh_from_db()
    assert endorsed.status == S.ENDORSED and endorsed.meeting is None


def test_approval_records_amount_and_votes_and_tells_requesters_and_cochairs_in_their_language(
    scheduled, in_session, secretariat, group_cochair, council_cochair, run_on_commit
):
    group_cochair.profile.preferred_language = "fr"
    group_cochair.profile.save()
    with run_on_commit():
        services.funding_request_record_decision(
            request=scheduled,
            by=secretariat,
            outcome=S.APPROVED,
            amount_approved=Decimal("20000.00"),
            votes_for=12,
            votes_against=1,
            votes_abstaining=2,
            note="Approved with a smaller budget.",
            expected_version=scheduled.version,
        )
    scheduled.refresh_from_db()
    assert scheduled.status == S.APPROVED
    assert scheduled.amount_approved == Decimal("20000.00")
    assert (scheduled.votes_for, scheduled.votes_against, scheduled.votes_abstaining) == (12, 1, 2)
    assert scheduled.decided_at is not None
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {group_cochair.email, council_cochair.email}
    french = by_address[group_cochair.email]
    assert french.extra_headers["Content-Language"] == "fr"
    assert "20\u00a0000,00\u00a0$" in french.body
    english = by_address[council_cochair.email]
    assert "$20,000.00" in english.body and "12 for, 1 against, 2 abstaining" in english.body


def test_approved_amount_cannot_exceed_the_request(scheduled, secretariat):
    with pytest.raises(ValidationError) as refused:
        services.funding_request_record_decision(
            request=scheduled,
            by=secretariat,
            outcome=S.APPROVED,
            amount_approved=Decimal("25000.01"),
            expected_version=scheduled.version,
        )
    assert "amount_approved" in refused.value.error_dict
    scheduled.refresh_from_db()
    assert scheduled.status == S.SCHEDULED and scheduled.amount_approved is None


def test_approval_needs_an_amount(scheduled, secretariat):
    with pytest.raises(ValidationError):
        services.funding_request_record_decision(
            request=scheduled,
            by=secretariat,
            outcome=S.APPROVED,
            expected_version=scheduled.version,
        )


def test_not_approved_is_final(scheduled, in_session, secretariat, group_cochair):
    services.funding_request_record_decision(
        request=scheduled,
        by=secretariat,
        outcome=S.NOT_APPROVED,
        amount_approved=Decimal("1.00"),  # ignored: nothing is approved
        expected_version=scheduled.version,
    )
    scheduled.refresh_from_db()
    assert scheduled.status == S.NOT_APPROVED and scheduled.amount_approved is None
    with pytest.raises(services.WorkflowError):
        services.funding_request_withdraw(
            request=scheduled, by=group_cochair, expected_version=scheduled.version
        )


def test_deferred_goes_back_to_be_scheduled_again(scheduled, in_session, secretariat, council):
    from councils.tests.factories import MeetingFactory

    services.funding_request_record_decision(
        request=scheduled, by=secretariat, outcome=S.DEFERRED, expected_version=scheduled.version
    )
    scheduled.refresh_from_db()
    assert scheduled.status == S.DEFERRED and scheduled.meeting is None
    later = MeetingFactory(councils=[council])
    services.funding_request_schedule(
        request=scheduled, by=secretariat, meeting=later, expected_version=scheduled.version
    )
    scheduled.refresh_from_db()
    assert scheduled.status == S.SCHEDULED and scheduled.meeting == later


def test_a_decision_before_scheduling_is_refused(endorsed, secretariat):
    with pytest.raises(services.WorkflowError, match="cannot become"):
        services.funding_request_record_decision(
            request=endorsed,
            by=secretariat,
            outcome=S.APPROVED,
            amount_approved=Decimal("1.00"),
            expected_version=endorsed.version,
        )


def test_only_the_secretariat_records_the_decision(scheduled, council_cochair, member):
    for person in (council_cochair, member):
        with pytest.raises(services.WorkflowError, match="Only"):
            services.funding_request_record_decision(
                request=scheduled,
                by=person,
                outcome=S.NOT_APPROVED,
                expected_version=scheduled.version,
            )
    scheduled.refresh_from_db()
    assert scheduled.status == S.SCHEDULED


def test_a_stale_version_is_refused_and_nothing_changes(draft, group_cochair):
    with pytest.raises(services.StaleRequest, match="Someone else changed"):
        services.funding_request_submit(
            request=draft, by=group_cochair, expected_version=draft.version - 1 or 99
        )
    draft.refresh_from_db()
    assert draft.status == S.DRAFT
