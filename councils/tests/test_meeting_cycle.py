"""The meeting cycle on the meeting side (issue 13): attendance by jurisdiction, the quorum
rule of each council, decisions only at a held meeting with quorum and possible counts, votes
whose eligible voters are frozen at close, and declared interests."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from councils import services
from councils.models import (
    AgendaItem,
    Attendee,
    Decision,
    InterestDeclaration,
    Meeting,
    QuorumRule,
    Vote,
    jurisdictions_needed,
)
from councils.selectors import meeting_quorum
from councils.tests.factories import (
    CouncilFactory,
    CouncilMembershipFactory,
    JurisdictionFactory,
    MeetingFactory,
    UserFactory,
    hold_with_quorum,
)

PAST = timezone.now() - datetime.timedelta(days=2)


def seats(council, count):
    """`count` members of `council`, each for their own jurisdiction."""
    people = []
    for _ in range(count):
        membership = CouncilMembershipFactory(
            council=council, role="member", jurisdiction=JurisdictionFactory()
        )
        people.append(membership)
    return people


def attend(meeting, membership, attendance="present", role="member"):
    return Attendee.objects.create(
        meeting=meeting,
        user=membership.user,
        role=role,
        jurisdiction=membership.jurisdiction if role == "member" else None,
        attendance=attendance,
    )


@pytest.fixture
def held(council):
    return MeetingFactory(councils=[council], starts_at=PAST, status=Meeting.Status.HELD)


# --- Quorum ------------------------------------------------------------------------------------


def test_rules_count_jurisdictions():
    assert jurisdictions_needed(QuorumRule.MAJORITY, 14) == 8
    assert jurisdictions_needed(QuorumRule.MAJORITY, 13) == 7
    assert jurisdictions_needed(QuorumRule.TWO_THIRDS, 14) == 10
    assert jurisdictions_needed(QuorumRule.COUNT, 14, 5) == 5


def test_the_meeting_page_says_quorum_reached_9_of_14(client_for, member, council, held):
    members = seats(council, 14)
    for m in members[:9]:
        attend(held, m)
    page = client_for(member).get(reverse("councils:meeting_detail", args=[held.pk]))
    assert "Quorum reached: 9 of 14 jurisdictions" in page.content.decode()


def test_only_members_present_count_once_per_jurisdiction(client_for, member, council, held):
    members = seats(council, 14)
    for m in members[:7]:
        attend(held, m)
    attend(held, members[7], attendance="regrets")
    attend(held, members[8], role="guest")  # not sitting as a member: does not count
    # A second person for a jurisdiction already present adds nothing.
    CouncilMembershipFactory(council=council, role="member", jurisdiction=members[0].jurisdiction)
    attend(held, members[9], role="co_chair")
    quorum = meeting_quorum(held)
    assert [(c.present, c.total, c.needed) for c in quorum.checks] == [(7, 14, 8)]
    assert not quorum.reached
    page = client_for(member).get(reverse("councils:meeting_detail", args=[held.pk]))
    assert "Quorum not reached: 7 of 14 jurisdictions (8 needed)" in page.content.decode()


def test_joint_meeting_own_rule_needs_each_council(council):
    other = CouncilFactory(code="pscioc")
    meeting = MeetingFactory(councils=[council, other], starts_at=PAST, status="held")
    first, second = seats(council, 4), seats(other, 4)
    for m in first[:4]:
        attend(meeting, m)
    attend(meeting, second[0])
    quorum = meeting_quorum(meeting)
    assert {c.councils[0].code: c.reached for c in quorum.checks} == {
        "pssdc": True,
        "pscioc": False,
    }
    assert not quorum.reached


def test_joint_meeting_combined_rule_counts_both_councils_together(council):
    other = CouncilFactory(code="pscioc")
    for c in (council, other):
        c.joint_quorum_rule = "combined"
        c.save()
    meeting = MeetingFactory(councils=[council, other], starts_at=PAST, status="held")
    first, second = seats(council, 4), seats(other, 4)
    for m in first + second[:1]:
        attend(meeting, m)
    quorum = meeting_quorum(meeting)
    assert [(c.present, c.total, c.needed) for c in quorum.checks] == [(5, 8, 5)]
    assert quorum.reached


def test_secretariat_sets_a_fixed_quorum(client_for, secretariat, council):
    url = reverse("councils:council_quorum", args=[council.code])
    c = client_for(secretariat)
    response = c.post(url, {"quorum_rule": "count", "joint_quorum_rule": "own"})
    assert response.status_code == 200  # the number is missing
    assert "Enter how many jurisdictions make the quorum." in response.content.decode()
    council.refresh_from_db()
    assert council.quorum_rule == "majority"
    c.post(url, {"quorum_rule": "count", "quorum_count": "3", "joint_quorum_rule": "combined"})
    council.refresh_from_db()
    assert (council.quorum_rule, council.quorum_count, council.joint_quorum_rule) == (
        "count",
        3,
        "combined",
    )


def test_attendee_form_gives_a_member_the_jurisdiction_of_their_seat(
    client_for, secretariat, council, held
):
    (seat,) = seats(council, 1)
    client_for(secretariat).post(
        reverse("councils:attendee_create", args=[held.pk]),
        {"user": seat.user.pk, "role": "member", "attendance": "present"},
    )
    assert Attendee.objects.get(meeting=held).jurisdiction == seat.jurisdiction


# --- Decisions ---------------------------------------------------------------------------------


def _decide(client, meeting, **data):
    return client.post(
        reverse("councils:decision_create", args=[meeting.pk]),
        {"number": 1, "text_en": "Plan adopted", **data},
    )


def test_a_decision_before_the_meeting_is_refused_and_nothing_saved(
    client_for, secretariat, council
):
    future = MeetingFactory(
        councils=[council], starts_at=timezone.now() + datetime.timedelta(days=60)
    )
    hold_with_quorum(future)
    future.status = Meeting.Status.PLANNED
    future.save()
    response = _decide(client_for(secretariat), future, votes_for="2")
    assert response.status_code == 200
    assert "has not been held yet" in response.content.decode()
    assert not Decision.objects.exists() and not Vote.objects.exists()


def test_a_decision_on_the_meetings_own_day_is_accepted(client_for, secretariat, council):
    today = MeetingFactory(councils=[council], starts_at=timezone.now())
    hold_with_quorum(today)
    today.status = Meeting.Status.PLANNED
    today.save()
    assert _decide(client_for(secretariat), today).status_code == 302
    assert Decision.objects.get().vote.meeting == today


def test_a_decision_without_quorum_is_refused(client_for, secretariat, council, held):
    members = seats(council, 5)
    attend(held, members[0])
    response = _decide(client_for(secretariat), held)
    assert "The meeting has no quorum (1 of 5 jurisdictions, 3 needed)" in response.content.decode()
    assert not Decision.objects.exists() and not Vote.objects.exists()


def test_more_votes_than_members_present_are_refused(client_for, secretariat, held):
    hold_with_quorum(held, members=3)
    response = _decide(
        client_for(secretariat), held, votes_for="2", votes_against="1", votes_abstaining="1"
    )
    assert "4 votes were cast, but only 3 members present may vote" in response.content.decode()
    assert not Decision.objects.exists() and not Vote.objects.exists()


def test_closing_a_vote_freezes_its_eligible_voters(client_for, secretariat, held):
    voters = hold_with_quorum(held, members=3)
    assert (
        _decide(client_for(secretariat), held, votes_for="2", votes_against="1").status_code == 302
    )
    vote = Decision.objects.get().vote
    assert set(vote.eligible_voters.all()) == set(voters) and vote.eligible_count == 3
    # A later attendance edit changes neither the voters nor the result.
    Attendee.objects.filter(meeting=held, user=voters[0]).delete()
    vote.refresh_from_db()
    assert set(vote.eligible_voters.all()) == set(voters) and vote.eligible_count == 3
    assert (vote.votes_for, vote.votes_against, vote.votes_abstaining) == (2, 1, 0)


def test_a_vote_on_an_item_closes_once(secretariat, held):
    hold_with_quorum(held, members=3)
    item = AgendaItem.objects.create(meeting=held, order=1, title_en="Plan")
    services.vote_close(meeting=held, by=secretariat, agenda_item=item, votes_for=3)
    with pytest.raises(ValidationError, match="already closed"):
        services.vote_close(meeting=held, by=secretariat, agenda_item=item, votes_for=1)
    assert Vote.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_secretariat_staff_closing_one_vote_at_once_one_wins(
    require_postgres, council, secretariat
):
    from funding.tests.test_concurrency import run_together

    meeting = MeetingFactory(councils=[council], starts_at=PAST, status="held")
    hold_with_quorum(meeting, members=3)
    item = AgendaItem.objects.create(meeting=meeting, order=1, title_en="Plan")

    def close(count):
        def act():
            from django.db import transaction

            with transaction.atomic():
                return services.vote_close(
                    meeting=meeting, by=secretariat, agenda_item=item, votes_for=count
                )

        return act

    results = run_together(close(3), close(2), close(1), hold=0)
    assert sorted(kind for kind, _v in results) == ["error", "error", "ok"]
    assert all(isinstance(v, ValidationError) for kind, v in results if kind == "error")
    assert Vote.objects.count() == 1


# --- Declared interests ------------------------------------------------------------------------


def test_a_member_declares_an_interest_and_cannot_vote_on_the_item(
    client_for, member, secretariat, council, held
):
    voters = hold_with_quorum(held, members=2)
    item = AgendaItem.objects.create(meeting=held, order=1, title_en="Shared notifications")
    declarer = voters[0]
    response = client_for(declarer).post(
        reverse("councils:agenda_item_declare", args=[item.pk]),
        {"statement": "My branch would host the service."},
    )
    assert response.status_code == 302
    declaration = InterestDeclaration.objects.get()
    assert declaration.person == declarer and declaration.declared_by == declarer
    page = client_for(member).get(reverse("councils:meeting_detail", args=[held.pk])).content
    assert "My branch would host the service." in page.decode()
    # Two members present, one recused: two votes are one too many.
    response = _decide(client_for(secretariat), held, agenda_item=item.pk, votes_for="2")
    assert "only 1 members present may vote" in response.content.decode()
    assert (
        _decide(client_for(secretariat), held, agenda_item=item.pk, votes_for="1").status_code
        == 302
    )
    assert list(Vote.objects.get().eligible_voters.all()) == [voters[1]]


def test_the_secretariat_records_a_declaration_for_a_member(client_for, secretariat, council, held):
    (seat,) = seats(council, 1)
    item = AgendaItem.objects.create(meeting=held, order=1, title_en="Item")
    response = client_for(secretariat).post(
        reverse("councils:agenda_item_declare", args=[item.pk]),
        {"person": seat.user.pk, "statement": "Told us by phone."},
    )
    assert response.status_code == 302
    declaration = InterestDeclaration.objects.get()
    assert (declaration.person, declaration.declared_by) == (seat.user, secretariat)


def test_someone_without_a_council_seat_cannot_be_declared(secretariat, held):
    item = AgendaItem.objects.create(meeting=held, order=1, title_en="Item")
    with pytest.raises(ValidationError):
        services.interest_declare(subject=item, person=UserFactory(), statement="x", by=secretariat)
    assert not InterestDeclaration.objects.exists()


def test_a_withdrawal_keeps_both_steps_and_a_declaration_is_never_deleted(client_for, member, held):
    item = AgendaItem.objects.create(meeting=held, order=1, title_en="Item")
    declaration = InterestDeclaration.objects.create(
        person=member,
        content_type=ContentType.objects.get_for_model(AgendaItem),
        object_id=item.pk,
        statement="Related to my team.",
        declared_by=member,
    )
    url = reverse("councils:declaration_withdraw", args=[declaration.pk])
    c = client_for(member)
    assert "Say why the declaration is withdrawn." in c.post(url, {"reason": ""}).content.decode()
    declaration.refresh_from_db()
    assert declaration.withdrawn_at is None
    assert c.post(url, {"reason": "The team moved to another branch."}).status_code == 302
    declaration.refresh_from_db()
    assert declaration.statement == "Related to my team."
    assert declaration.withdrawal_reason == "The team moved to another branch."
    assert declaration.withdrawn_by == member
    with pytest.raises(ValidationError):
        declaration.delete()
    assert InterestDeclaration.objects.filter(pk=declaration.pk).exists()


# --- The meeting page's cost -------------------------------------------------------------------


def _grow(meeting, council, n):
    for _ in range(n):
        (seat,) = seats(council, 1)
        attend(meeting, seat)
        item = AgendaItem.objects.create(meeting=meeting, order=9, title_en="More")
        InterestDeclaration.objects.create(
            person=seat.user,
            content_type=ContentType.objects.get_for_model(AgendaItem),
            object_id=item.pk,
            statement="Interest",
            declared_by=seat.user,
        )
        Vote.objects.create(meeting=meeting, agenda_item=item, closed_by=seat.user)


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_meeting_page_query_count_is_constant(
    client_for, member, council, held, django_assert_max_num_queries
):
    c = client_for(member)
    url = reverse("councils:meeting_detail", args=[held.pk])
    _grow(held, council, 2)
    c.get(url)  # warm the session and the content-type cache
    few = _count(c, url)
    _grow(held, council, 12)
    with django_assert_max_num_queries(few):
        assert c.get(url).status_code == 200
