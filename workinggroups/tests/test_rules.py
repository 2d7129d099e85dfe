import datetime

import pytest

from councils.tests.factories import CouncilMembershipFactory, UserFactory
from workinggroups import rules
from workinggroups.models import Group, Workplan
from workinggroups.tests.factories import GroupFactory, GroupMembershipFactory, ObjectiveFactory

TODAY = datetime.date(2026, 11, 23)


@pytest.fixture
def wg(db):
    return GroupFactory(slug="wg")


def test_working_group_without_objectives(wg):
    assert wg in rules.without_objectives()
    ObjectiveFactory(group=wg)
    assert wg not in rules.without_objectives()


def test_communities_of_practice_need_no_objectives(db):
    cop = GroupFactory(kind=Group.Kind.COMMUNITY_OF_PRACTICE)
    assert cop not in rules.without_objectives()


def test_objective_without_deadline(wg):
    o = ObjectiveFactory(group=wg, due_date=None)
    assert o in rules.objectives_without_deadline()


def test_working_group_without_priority(wg, priority):
    assert wg in rules.without_priority()
    wg.priorities.add(priority)
    assert wg not in rules.without_priority()


def test_overdue_objectives_exclude_done_and_future(wg):
    late = ObjectiveFactory(group=wg, due_date=TODAY - datetime.timedelta(days=1))
    ObjectiveFactory(group=wg, due_date=TODAY - datetime.timedelta(days=1), status="done")
    ObjectiveFactory(group=wg, due_date=TODAY)
    assert list(rules.overdue_objectives(TODAY)) == [late]


def test_all_objectives_met_means_due_for_dissolution_review(wg):
    ObjectiveFactory(group=wg, status="done")
    open_one = ObjectiveFactory(group=wg, status="on_track")
    assert wg not in rules.due_for_dissolution_review(TODAY)
    open_one.status = "done"
    open_one.save()
    assert wg in rules.all_objectives_met()
    assert wg in rules.due_for_dissolution_review(TODAY)


def test_past_end_date_is_due_for_dissolution_review(wg):
    wg.end_date = TODAY - datetime.timedelta(days=1)
    wg.save()
    assert wg in rules.past_end_date(TODAY)
    assert wg in rules.due_for_dissolution_review(TODAY)


def test_cop_usefulness_review_overdue(db):
    cop = GroupFactory(
        kind=Group.Kind.COMMUNITY_OF_PRACTICE, next_review_date=TODAY - datetime.timedelta(days=1)
    )
    fresh = GroupFactory(kind=Group.Kind.COMMUNITY_OF_PRACTICE, next_review_date=TODAY)
    assert list(rules.usefulness_review_overdue(TODAY)) == [cop]
    assert fresh not in rules.usefulness_review_overdue(TODAY)


def test_liaison_gap_pairs(group, council):
    pairs = [(p.group_id, p.council_id) for p in rules.liaison_gap_pairs()]
    assert pairs == [(group.pk, council.pk)]
    person = UserFactory()
    GroupMembershipFactory(group=group, user=person, role="co_chair")
    CouncilMembershipFactory(user=person, council=council, role="member")
    assert not rules.liaison_gap_pairs().exists()


def test_dissolved_groups_raise_no_gap(group):
    group.status = Group.Status.DISSOLVED
    group.save()
    assert not rules.liaison_gap_pairs().exists()


def test_without_current_workplan_and_not_submitted(wg):
    assert wg in rules.without_current_workplan(TODAY)
    draft = Workplan.objects.create(
        group=wg,
        version=1,
        period_start=datetime.date(2026, 4, 1),
        period_end=datetime.date(2027, 3, 31),
        due_date=TODAY - datetime.timedelta(days=1),
    )
    assert draft in rules.workplans_not_submitted(TODAY)
    draft.status = Workplan.Status.ACCEPTED
    draft.save()
    assert wg not in rules.without_current_workplan(TODAY)
    assert draft not in rules.workplans_not_submitted(TODAY)


def test_a_cochair_whose_council_seat_ended_leaves_a_gap(group, council):
    person = UserFactory()
    GroupMembershipFactory(group=group, user=person, role="co_chair")
    CouncilMembershipFactory(
        user=person,
        council=council,
        role="member",
        start_date=datetime.date(2018, 1, 1),
        end_date=datetime.date(2019, 1, 1),
    )
    assert [(p.group_id, p.council_id) for p in rules.liaison_gap_pairs()] == [
        (group.pk, council.pk)
    ]


def test_a_cochair_on_another_council_leaves_a_gap(group, council):
    from councils.tests.factories import CouncilFactory

    person = UserFactory()
    GroupMembershipFactory(group=group, user=person, role="co_chair")
    CouncilMembershipFactory(user=person, council=CouncilFactory(code="other"), role="member")
    assert [(p.group_id, p.council_id) for p in rules.liaison_gap_pairs()] == [
        (group.pk, council.pk)
    ]
