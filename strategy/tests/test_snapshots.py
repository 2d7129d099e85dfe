"""Dated progress snapshots: at adoption, monthly through Celery, and as of a past day."""

import datetime

import pytest
import time_machine

from strategy import tasks
from strategy.models import PlanSnapshot, PlanSnapshotRow, Status
from strategy.services import TransitionRefused, plan_create, plan_snapshot, plan_transition
from strategy.tests.factories import accepted_workplan, objective
from workinggroups.models import Objective
from workinggroups.tests.factories import GroupFactory

pytestmark = pytest.mark.django_db
OS = Objective.Status
DAY = datetime.date(2026, 11, 1)


@pytest.fixture
def plan(secretariat, priority):
    group = GroupFactory(slug="g", priorities=[priority])
    goals = [
        objective(group, priority, OS.DONE, done_on=datetime.date(2026, 6, 30)),
        objective(group, priority, OS.DONE, done_on=datetime.date(2026, 9, 30)),
        objective(group, priority, OS.ON_TRACK, due=datetime.date(2027, 2, 1)),
        objective(group, priority, OS.AT_RISK, due=datetime.date(2026, 10, 15)),
    ]
    accepted_workplan(group, goals)
    return plan_create(
        by=secretariat, title_en="Plan", first_fiscal_year=2026, last_fiscal_year=2027
    )[0]


def rows(snapshot):
    return {row.is_plan_total: row for row in PlanSnapshotRow.objects.filter(snapshot=snapshot)}


def test_a_snapshot_has_a_line_per_priority_and_one_for_the_plan(plan, priority):
    snapshot = plan_snapshot(plan=plan, day=DAY)
    lines = PlanSnapshotRow.objects.filter(snapshot=snapshot)
    assert {(line.priority_id, line.is_plan_total) for line in lines} == {
        (priority.pk, False),
        (None, True),
    }
    total = rows(snapshot)[True]
    # Two done of four counted on 1 November; the at-risk item is past its deadline: late.
    assert (total.done, total.on_track, total.late, total.total_weight) == (2, 1, 1, 4)
    assert total.progress == 50


def test_a_snapshot_of_a_past_day_counts_what_was_done_by_then(plan):
    july = rows(plan_snapshot(plan=plan, day=datetime.date(2026, 7, 1)))[True]
    # Done on 30 September: still under way on 1 July. The at-risk item was not yet late.
    assert (july.done, july.on_track, july.at_risk, july.late) == (1, 2, 1, 0)
    assert float(july.progress) == 25.0


def test_taking_a_snapshot_twice_the_same_day_keeps_one(plan):
    first = plan_snapshot(plan=plan, day=DAY)
    second = plan_snapshot(plan=plan, day=DAY)
    assert first.pk == second.pk
    assert PlanSnapshot.objects.count() == 1
    assert PlanSnapshotRow.objects.filter(snapshot=first).count() == 2


def test_an_archived_plan_takes_no_snapshot(plan, secretariat):
    plan_transition(plan=plan, by=secretariat, to=Status.ARCHIVED)
    with pytest.raises(TransitionRefused, match="archived plan"):
        plan_snapshot(plan=plan, day=DAY)
    assert not PlanSnapshot.objects.exists()


@time_machine.travel(datetime.datetime(2026, 12, 1, 11, 0, tzinfo=datetime.UTC), tick=False)
def test_the_monthly_task_snapshots_a_plan_by_id_once_a_day(plan, secretariat):
    plan_transition(plan=plan, by=secretariat, to=Status.ADOPTED)  # adoption snapshot today
    tasks.snapshot_plan(plan.pk)
    tasks.snapshot_plan(plan.pk)
    snapshot = PlanSnapshot.objects.get(plan=plan)
    assert snapshot.taken_on == datetime.date(2026, 12, 1)
    assert snapshot.kind == PlanSnapshot.Kind.ADOPTION  # the adoption mark is kept


def test_the_monthly_task_skips_missing_and_archived_plans(plan, secretariat):
    plan_transition(plan=plan, by=secretariat, to=Status.ARCHIVED)
    assert tasks.snapshot_plan(plan.pk) is None
    assert tasks.snapshot_plan(999_999) is None
    assert not PlanSnapshot.objects.exists()


def test_the_monthly_entry_point_enqueues_one_task_per_adopted_plan(plan, secretariat, monkeypatch):
    plan_transition(plan=plan, by=secretariat, to=Status.ADOPTED)
    queued = []
    monkeypatch.setattr(tasks.snapshot_plan, "delay", queued.append)
    assert tasks.snapshot_adopted_plans() == [plan.pk]
    assert queued == [plan.pk]


def test_the_tasks_are_registered_under_their_documented_names():
    from config.celery_app import app

    app.loader.import_default_modules()
    assert {"strategy.snapshot_plan", "strategy.snapshot_adopted_plans"} <= set(app.tasks)
