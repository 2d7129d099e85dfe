"""The plan's headline on the home page, and the demo plan."""

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from strategy import demo
from strategy.models import PlanSnapshot, Status, StrategicPlan
from strategy.selectors import home_section
from strategy.tests.factories import accepted_workplan, objective
from workinggroups.models import Objective, Workplan

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 11, 15, 15, 0, tzinfo=datetime.UTC)


@time_machine.travel(NOW, tick=False)
def test_readers_see_the_plan_headline_on_their_home(client_for, member, adopted_plan):
    section = home_section(member)
    assert section["plan"] == adopted_plan
    assert round(section["total"]["progress"]) == 33 and section["total"]["late"] == 1
    page = client_for(member).get(reverse("portal:home")).content.decode()
    assert "Joint plan" in page and "33%" in page and "1 item is late" in page


def test_no_headline_for_outsiders_or_without_a_plan(outsider, member, draft_plan):
    assert home_section(outsider) is None
    assert home_section(member) is None  # a draft is not shown to members


@time_machine.travel(NOW, tick=False)
def test_the_demo_adopts_a_plan_built_from_the_workplans_with_a_monthly_history(settings):
    settings.DEBUG = True
    call_command("load_demo", verbosity=0)
    plan = StrategicPlan.objects.get(title_en=demo.PLAN["title_en"])
    assert plan.status == Status.ADOPTED and plan.span_label == "2026-27 to 2028-29"
    linked = Objective.objects.filter(workplan_items__workplan__status="accepted").distinct()
    assert plan.items.count() == linked.count() > 10
    assert plan.items.filter(weight=2).exists()
    days = list(plan.snapshots.order_by("taken_on").values_list("taken_on", flat=True))
    assert days[0] == datetime.date(2026, 4, 1) and days[-1] == datetime.date(2026, 11, 15)
    assert plan.snapshots.filter(kind=PlanSnapshot.Kind.ADOPTION).count() == 1
    # The history rises as objectives were completed.
    totals = [s.rows.get(is_plan_total=True).progress for s in plan.snapshots.order_by("taken_on")]
    assert totals[0] < totals[-1]


def test_the_demo_leaves_groups_that_already_have_an_accepted_workplan_alone(group, priority):
    goal = objective(group, priority)
    existing = accepted_workplan(group, [goal])
    other = type(group).objects.create(slug="other", kind="wg", name_en="Other")
    objective(other, priority)
    demo.ensure_workplans({"g": group, "o": other})
    demo.ensure_workplans({"g": group, "o": other})
    assert list(group.workplans.all()) == [existing]
    [made] = other.workplans.all()
    assert made.status == Workplan.Status.ACCEPTED and made.items.count() == 1
