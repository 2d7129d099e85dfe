"""The roll-up arithmetic, checked against figures computed by hand."""

import datetime

import pytest
from django.db.models import Count

from councils.tests.factories import PriorityFactory
from strategy.models import PlanItem, ProgressState
from strategy.selectors import (
    GROUPS_SHOWN,
    item_facts,
    plan_items,
    rollup_by_priority,
    rollup_per_plan,
    rollup_per_plan_and_priority,
    rollup_total,
)
from strategy.tests.factories import PlanItemFactory, StrategicPlanFactory, objective
from workinggroups.models import Objective
from workinggroups.tests.factories import GroupFactory

pytestmark = pytest.mark.django_db
OS = Objective.Status
DAY = datetime.date(2026, 11, 1)
PAST = datetime.date(2026, 10, 1)
FUTURE = datetime.date(2027, 2, 1)


@pytest.fixture
def world():
    a = PriorityFactory(code="a", number=1)
    b = PriorityFactory(code="b", number=2)
    group = GroupFactory()
    plan = StrategicPlanFactory()

    def item(priority, status, due, weight=1, **kwargs):
        return PlanItemFactory(
            plan=plan, objective=objective(group, priority, status, due, **kwargs), weight=weight
        )

    # Priority A: done ×2, on track ×1, late ×1 (on track but past due), cancelled ×5.
    item(a, OS.DONE, PAST, weight=2)
    item(a, OS.ON_TRACK, FUTURE)
    item(a, OS.ON_TRACK, PAST)
    item(a, OS.CANCELLED, FUTURE, weight=5)
    # Priority B: done ×1, not started ×1, at risk ×3.
    item(b, OS.DONE, PAST)
    item(b, OS.NOT_STARTED, FUTURE)
    item(b, OS.AT_RISK, FUTURE, weight=3)
    return plan, a, b, item


def test_each_priority_is_the_weighted_share_done_without_cancelled_items(world):
    plan, a, b, _item = world
    rows = rollup_by_priority(plan_items(plan, day=DAY))
    # A: done weight 2 of counted weight 2 + 1 + 1 = 4 (the cancelled 5 do not count).
    assert rows[a.pk]["done_weight"] == 2 and rows[a.pk]["total_weight"] == 4
    assert rows[a.pk]["progress"] == pytest.approx(50.0)
    # B: 1 of 1 + 1 + 3 = 5.
    assert rows[b.pk]["total_weight"] == 5
    assert rows[b.pk]["progress"] == pytest.approx(20.0)


def test_counts_by_state_include_late_and_cancelled(world):
    plan, a, b, _item = world
    rows = rollup_by_priority(plan_items(plan, day=DAY))
    S = ProgressState
    assert {s: rows[a.pk][s] for s in S.values} == {
        S.NOT_STARTED: 0,
        S.ON_TRACK: 1,
        S.AT_RISK: 0,
        S.LATE: 1,
        S.DONE: 1,
        S.CANCELLED: 1,
    }
    assert (rows[b.pk][S.DONE], rows[b.pk][S.NOT_STARTED], rows[b.pk][S.AT_RISK]) == (1, 1, 1)
    assert rows[a.pk]["item_count"] == 4 and rows[a.pk]["group_count"] == 1


def test_the_plan_is_weighted_over_all_its_items_not_an_average_of_priorities(world):
    plan, *_ = world
    total = rollup_total(plan_items(plan, day=DAY))
    # (2 + 1) done of (4 + 5) counted = 33.33 %, not (50 + 20) / 2 = 35 %.
    assert (total["done_weight"], total["total_weight"]) == (3, 9)
    assert total["progress"] == pytest.approx(100 * 3 / 9)


def test_items_without_a_priority_are_rolled_up_apart(world):
    plan, _a, _b, item = world
    item(None, OS.NOT_STARTED, FUTURE)
    rows = rollup_by_priority(plan_items(plan, day=DAY))
    assert rows[None]["progress"] == pytest.approx(0.0)
    assert rollup_total(plan_items(plan, day=DAY))["progress"] == pytest.approx(30.0)


def test_default_weights_give_a_plain_average():
    a = PriorityFactory(code="plain")
    group = GroupFactory()
    plan = StrategicPlanFactory()
    for status in (OS.DONE, OS.NOT_STARTED, OS.ON_TRACK):
        PlanItemFactory(plan=plan, objective=objective(group, a, status, FUTURE))
    assert rollup_by_priority(plan_items(plan, day=DAY))[a.pk]["progress"] == pytest.approx(100 / 3)


def test_a_priority_with_only_cancelled_items_has_no_progress_rather_than_zero():
    a = PriorityFactory(code="gone")
    plan = StrategicPlanFactory()
    PlanItemFactory(plan=plan, objective=objective(GroupFactory(), a, OS.CANCELLED, FUTURE))
    row = rollup_by_priority(plan_items(plan, day=DAY))[a.pk]
    assert row["total_weight"] == 0 and row["progress"] is None


def test_an_objective_done_after_the_day_was_still_under_way_on_that_day(world):
    plan, a, _b, item = world
    item(a, OS.DONE, FUTURE, done_on=datetime.date(2026, 12, 15))
    before = rollup_by_priority(plan_items(plan, day=DAY))[a.pk]
    after = rollup_by_priority(plan_items(plan, day=datetime.date(2026, 12, 20)))[a.pk]
    # On 1 November it counted as on track: 2 of 5. On 20 December it is done: 3 of 5.
    assert before["progress"] == pytest.approx(40.0)
    assert after["progress"] == pytest.approx(60.0)


def test_late_is_derived_from_the_live_objective_deadline(world):
    plan, a, _b, item = world
    late = item(a, OS.AT_RISK, FUTURE)
    late.objective.due_date = PAST  # the group moved its deadline earlier: now overdue
    late.objective.save()
    assert rollup_by_priority(plan_items(plan, day=DAY))[a.pk][ProgressState.LATE] == 2


def test_the_dashboard_adds_up_its_items_in_the_database_to_the_same_roll_ups(world):
    """The dashboard reads the items added up per priority, in all, per group of each priority
    and per month in one query: the same figures as the roll-up queries, per priority and for
    the whole plan."""
    plan, a, _b, _item = world
    other = GroupFactory()
    PlanItemFactory(plan=plan, objective=objective(other, a, OS.AT_RISK, FUTURE), weight=4)
    items = plan_items(plan, day=DAY)
    facts = item_facts(items, DAY)
    expected = rollup_by_priority(items)
    assert set(facts.by_priority) == set(expected)
    for priority_id, rollup in expected.items():
        got = facts.by_priority[priority_id]
        assert got == {**rollup, "progress": pytest.approx(rollup["progress"])}
    total = rollup_total(items)
    assert total["progress"] == pytest.approx(300 / 13)  # done 2 + 1 of 4 + 4 + 5
    assert facts.total == {**total, "progress": pytest.approx(300 / 13)}
    assert facts.total["group_count"] == 2
    # The groups serving a priority, most items first, each with the number of its items.
    shown = facts.groups[a.pk]
    assert [pair["items"] for pair in shown] == sorted(
        (pair["items"] for pair in shown), reverse=True
    )
    assert sum(pair["items"] for pair in shown) == expected[a.pk]["item_count"]
    assert other.pk in {pair["group_id"] for pair in shown}
    # The months: only items not cancelled and due from DAY on, per month of their deadline.
    assert [row["month"] for row in facts.months] == [datetime.date(2027, 2, 1)]
    assert sum(r["item_count"] for r in facts.months) == 4


def test_the_first_groups_of_a_priority_are_those_with_most_items(world):
    """At most GROUPS_SHOWN groups per priority, those with most items first, then by name."""
    plan, a, _b, _item = world
    for index in range(GROUPS_SHOWN + 2):
        group = GroupFactory(name_en=f"Group {index:02d}")
        for _ in range(1 + index % 3):
            PlanItemFactory(plan=plan, objective=objective(group, a, OS.ON_TRACK, FUTURE))
    facts = item_facts(plan_items(plan, day=DAY), DAY)
    counted = (
        PlanItem.objects.filter(plan=plan, priority=a)
        .values("objective__group__name_en")
        .annotate(n=Count("pk"))
    )
    expected = sorted((-row["n"], row["objective__group__name_en"]) for row in counted)
    assert len(expected) > GROUPS_SHOWN
    assert [(-r["items"], r["name_en"]) for r in facts.groups[a.pk]] == expected[:GROUPS_SHOWN]


def test_the_roll_ups_of_several_plans_are_each_plans_own(world):
    """The API's and the plan list's roll-ups of several plans at once (one grouped query)
    give each plan the figures of its own roll-up, per priority in the priorities' order and
    the items with no priority last."""
    plan, a, b, item = world
    item(None, OS.DONE, PAST, weight=3)
    other = StrategicPlanFactory()
    PlanItemFactory(plan=other, objective=objective(GroupFactory(), b, OS.DONE, PAST), weight=7)
    per_plan = rollup_per_plan([plan.pk, other.pk, plan.pk], day=DAY)
    assert per_plan == {
        plan.pk: rollup_total(plan_items(plan, day=DAY)),
        other.pk: rollup_total(plan_items(other, day=DAY)),
    }
    assert per_plan[other.pk]["progress"] == 100.0 and per_plan[other.pk]["total_weight"] == 7
    by_priority = rollup_per_plan_and_priority([plan.pk, other.pk], day=DAY)
    assert [row["priority_code"] for row in by_priority[plan.pk]] == ["a", "b", None]
    expected = rollup_by_priority(plan_items(plan, day=DAY))
    for row, priority_id in zip(by_priority[plan.pk], (a.pk, b.pk, None), strict=True):
        assert row == {**expected[priority_id], "priority_code": row["priority_code"]}
    assert by_priority[plan.pk][2]["done_weight"] == 3


def test_an_empty_plan_or_no_plan_at_all_rolls_up_to_nothing():
    plan = StrategicPlanFactory()
    total = rollup_total(plan_items(plan, day=DAY))
    assert total["item_count"] == total["total_weight"] == total["group_count"] == 0
    assert total["progress"] is None
    assert rollup_by_priority(plan_items(plan, day=DAY)) == {}
    assert rollup_per_plan([], day=DAY) == {} == rollup_per_plan_and_priority([], day=DAY)
    assert rollup_per_plan([plan.pk], day=DAY) == {}
