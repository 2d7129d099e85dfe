"""Building a plan from the accepted workplans, and refreshing a draft."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from councils.tests.factories import CouncilFactory, PriorityFactory
from strategy.models import PlanItem, PlanRefresh, Status
from strategy.services import (
    TransitionRefused,
    plan_create,
    plan_item_set_weight,
    plan_refresh_from_workplans,
    plan_transition,
)
from strategy.tests.factories import accepted_workplan, objective
from workinggroups.models import Workplan, WorkplanItem
from workinggroups.tests.factories import GroupFactory

pytestmark = pytest.mark.django_db


def new_plan(by, **kwargs):
    values = {"title_en": "Plan", "first_fiscal_year": 2026, "last_fiscal_year": 2027, **kwargs}
    return plan_create(by=by, **values)


@pytest.fixture
def two_groups(council, priority):
    other_council = CouncilFactory(code="pscioc")
    a = GroupFactory(slug="a", councils=[council], priorities=[priority])
    b = GroupFactory(slug="b", councils=[other_council], priorities=[priority])
    a1, a2 = objective(a, priority), objective(a, priority)
    b1 = objective(b, priority)
    accepted_workplan(a, [a1, a2])
    accepted_workplan(b, [b1])
    return {"a": a, "b": b, "a1": a1, "a2": a2, "b1": b1, "other_council": other_council}


def test_a_new_plan_gathers_every_accepted_workplan_item_traceable_to_its_objective(
    secretariat, two_groups
):
    plan, changes = new_plan(secretariat)
    assert plan.status == Status.DRAFT
    assert len(changes.added) == 3 and not changes.removed and not changes.changed
    items = {i.objective_id: i for i in plan.items.select_related("workplan_item__workplan")}
    assert set(items) == {two_groups[k].pk for k in ("a1", "a2", "b1")}
    for item in items.values():
        assert item.workplan_item.objective_id == item.objective_id
        assert item.workplan_item.workplan.status == Workplan.Status.ACCEPTED
        assert item.weight == 1
        assert item.priority_id == item.objective.priority_id


def test_a_council_plan_only_gathers_groups_reporting_to_that_council(
    secretariat, council, two_groups
):
    plan, _ = new_plan(secretariat, council=council)
    assert set(plan.items.values_list("objective_id", flat=True)) == {
        two_groups["a1"].pk,
        two_groups["a2"].pk,
    }


def test_drafts_returned_workplans_and_periods_outside_the_plan_are_left_out(secretariat, priority):
    group = GroupFactory(slug="g", priorities=[priority])
    kept, draft, old = (objective(group, priority) for _ in range(3))
    accepted_workplan(group, [kept])
    draft_plan = accepted_workplan(group, [draft])
    draft_plan.status = Workplan.Status.DRAFT
    draft_plan.save()
    accepted_workplan(group, [old], start=datetime.date(2020, 4, 1), end=datetime.date(2021, 3, 31))
    plan, _ = new_plan(secretariat)
    assert list(plan.items.values_list("objective_id", flat=True)) == [kept.pk]


def test_the_later_workplan_wins_when_two_list_the_same_objective(secretariat, priority):
    group = GroupFactory(slug="g", priorities=[priority])
    goal = objective(group, priority)
    accepted_workplan(group, [goal])
    later = accepted_workplan(
        group, [goal], start=datetime.date(2027, 4, 1), end=datetime.date(2028, 3, 31)
    )
    later.items.update(title_en="Restated for 2027-28")
    plan, changes = new_plan(secretariat)
    item = plan.items.get()
    assert item.title_en == "Restated for 2027-28" and item.workplan_item.workplan == later
    assert len(changes.added) == 1


def test_items_that_name_no_objective_are_reported_and_left_out(secretariat, priority):
    group = GroupFactory(slug="g", priorities=[priority])
    workplan = accepted_workplan(group, [objective(group, priority)])
    WorkplanItem.objects.create(workplan=workplan, title_en="Loose idea", priority=priority)
    plan, changes = new_plan(secretariat)
    assert plan.items.count() == 1
    assert [row["title_en"] for row in changes.skipped] == ["Loose idea"]


def test_refresh_reports_added_removed_and_changed_items_and_keeps_weights(
    secretariat, two_groups, priority
):
    plan, _ = new_plan(secretariat)
    a1_item = plan.items.get(objective=two_groups["a1"])
    plan_item_set_weight(item=a1_item, by=secretariat, weight=3)
    # The group's new accepted workplan restates a1 with a later deadline, drops a2, adds a3.
    group = two_groups["a"]
    group.workplans.update(status=Workplan.Status.SUPERSEDED)
    a3 = objective(group, priority)
    new_workplan = accepted_workplan(group, [two_groups["a1"], a3])
    new_workplan.items.filter(objective=two_groups["a1"]).update(
        due_date=datetime.date(2027, 3, 15)
    )

    changes = plan_refresh_from_workplans(plan=plan, by=secretariat)

    assert [r["objective_id"] for r in changes.added] == [a3.pk]
    assert [r["objective_id"] for r in changes.removed] == [two_groups["a2"].pk]
    [(old, new, fields)] = changes.changed
    assert new["objective_id"] == two_groups["a1"].pk
    assert set(fields) == {"due_date", "workplan_item_id"}
    assert (old["due_date"], new["due_date"]) == (
        datetime.date(2027, 1, 31),
        datetime.date(2027, 3, 15),
    )
    a1_item.refresh_from_db()
    assert a1_item.due_date == datetime.date(2027, 3, 15) and a1_item.weight == 3
    assert not PlanItem.objects.filter(plan=plan, objective=two_groups["a2"]).exists()
    saved = PlanRefresh.objects.filter(plan=plan).first()
    assert saved.by == secretariat
    assert [r["objective_id"] for r in saved.changes["added"]] == [a3.pk]
    assert saved.changes["changed"][0]["new"]["due_date"] == "2027-03-15"


def test_a_second_refresh_with_nothing_new_changes_nothing(secretariat, two_groups):
    plan, _ = new_plan(secretariat)
    changes = plan_refresh_from_workplans(plan=plan, by=secretariat)
    assert not changes
    assert plan.items.count() == 3


def test_only_a_draft_can_be_refreshed(secretariat, two_groups):
    plan, _ = new_plan(secretariat)
    plan_transition(plan=plan, by=secretariat, to=Status.ADOPTED)
    with pytest.raises(TransitionRefused, match="Only a draft can be refreshed"):
        plan_refresh_from_workplans(plan=plan, by=secretariat)


def test_weights_only_change_on_a_draft(secretariat, two_groups):
    plan, _ = new_plan(secretariat)
    plan_transition(plan=plan, by=secretariat, to=Status.ADOPTED)
    item = plan.items.first()
    with pytest.raises(TransitionRefused, match="only change while the plan is a draft"):
        plan_item_set_weight(item=item, by=secretariat, weight=2)
    item.refresh_from_db()
    assert item.weight == 1


def test_a_weight_outside_one_to_a_hundred_is_refused(secretariat, two_groups):
    from django.core.exceptions import ValidationError

    plan, _ = new_plan(secretariat)
    item = plan.items.first()
    with pytest.raises(ValidationError):
        plan_item_set_weight(item=item, by=secretariat, weight=0)
    item.refresh_from_db()
    assert item.weight == 1


def test_only_the_secretariat_builds_plans(member, council_cochair, two_groups):
    for person in (member, council_cochair):
        with pytest.raises(PermissionDenied):
            new_plan(person)
    assert not PlanItem.objects.exists()


def test_an_objective_priority_is_used_when_the_workplan_item_states_none(secretariat):
    priority = PriorityFactory(code="from-objective")
    group = GroupFactory(slug="g")
    goal = objective(group, priority)
    workplan = accepted_workplan(group, [goal])
    workplan.items.update(priority=None)
    plan, _ = new_plan(secretariat)
    assert plan.items.get().priority == priority
