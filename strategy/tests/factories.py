"""Factories for the strategic plan. Accepted workplans are made directly with the ORM: the
workplan workflow belongs to the groups app and is built elsewhere."""

import datetime

import factory

from strategy.models import PlanItem, StrategicPlan
from workinggroups.models import Objective, Workplan, WorkplanItem
from workinggroups.tests.factories import GroupFactory, ObjectiveFactory

PLAN_START = datetime.date(2026, 4, 1)
PLAN_END = datetime.date(2027, 3, 31)


class StrategicPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StrategicPlan

    title_en = factory.Sequence(lambda n: f"Strategic plan {n}")
    title_fr = factory.Sequence(lambda n: f"Plan stratégique {n}")
    first_fiscal_year = 2026
    last_fiscal_year = 2027


class WorkplanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workplan

    group = factory.SubFactory(GroupFactory)
    version = factory.Sequence(lambda n: n + 1)
    period_start = PLAN_START
    period_end = PLAN_END
    status = Workplan.Status.ACCEPTED


class PlanItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanItem

    plan = factory.SubFactory(StrategicPlanFactory)
    objective = factory.SubFactory(ObjectiveFactory)
    title_en = factory.LazyAttribute(lambda o: o.objective.title_en)
    title_fr = factory.LazyAttribute(lambda o: o.objective.title_fr)
    priority = factory.LazyAttribute(lambda o: o.objective.priority)
    due_date = factory.LazyAttribute(lambda o: o.objective.due_date)
    weight = 1


def accepted_workplan(group, objectives, *, version=None, start=PLAN_START, end=PLAN_END):
    """An accepted workplan of `group` listing `objectives` as they are now."""
    if version is None:
        version = (group.workplans.count() or 0) + 1
    workplan = Workplan.objects.create(
        group=group,
        version=version,
        period_start=start,
        period_end=end,
        status=Workplan.Status.ACCEPTED,
    )
    for objective in objectives:
        WorkplanItem.objects.create(
            workplan=workplan,
            objective=objective,
            kind=objective.kind,
            title_en=objective.title_en,
            title_fr=objective.title_fr,
            priority=objective.priority,
            due_date=objective.due_date,
        )
    return workplan


DONE_ON = datetime.date(2026, 6, 30)


def objective(group, priority, status=Objective.Status.ON_TRACK, due=None, done_on=DONE_ON):
    """An objective; a done one was completed on `done_on` (30 June 2026 by default)."""
    return ObjectiveFactory(
        group=group,
        priority=priority,
        status=status,
        due_date=due or datetime.date(2027, 1, 31),
        completed_on=done_on if status == Objective.Status.DONE else None,
    )
