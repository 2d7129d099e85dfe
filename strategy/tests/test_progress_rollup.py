"""A co-chair's update moves the plan at once: the roll-up, the cached dashboard and the
monthly snapshots, by figures computed by hand."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from strategy.models import PlanItem, PlanSnapshotRow
from strategy.selectors import plan_items, rollup_by_priority
from strategy.services import plan_snapshot
from workinggroups.models import Objective

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 11, 15, 15, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _frozen_with_cache(settings):
    settings.PORTAL_FRAGMENT_CACHE = True
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def weighted_plan(adopted_plan):
    """The plan's one priority: "Pilot report" done (weight 1), "Trust framework plan" on
    track (weight 2), "Pilot in two" at risk and late (weight 1): 1 / (1 + 2 + 1) = 25% done."""
    PlanItem.objects.filter(plan=adopted_plan, objective__title_en="Trust framework plan").update(
        weight=2
    )
    return adopted_plan


def mark_done(client, completed_on=""):
    goal = Objective.objects.get(title_en="Trust framework plan")
    prefix = f"objective-{goal.pk}"
    response = client.post(
        reverse("workinggroups:objective_update", args=[goal.pk]),
        {
            f"{prefix}-revision": goal.revision,
            f"{prefix}-status": "done",
            f"{prefix}-completed_on": completed_on,
            f"{prefix}-due_date": goal.due_date.isoformat(),
            f"{prefix}-note_en": "Adopted by both councils.",
        },
    )
    assert response.status_code == 302


def test_marking_done_moves_the_priority_by_the_hand_computed_share(
    client_for, weighted_plan, priority, group_cochair, member
):
    board = client_for(member)
    assert rollup_by_priority(plan_items(weighted_plan))[priority.pk]["progress"] == 25.0
    assert "25%" in board.get(reverse("strategy:dashboard")).content.decode()  # now cached
    mark_done(client_for(group_cochair))
    # (1 + 2) / 4 = 75%: the cached board is not served, it follows at once.
    assert rollup_by_priority(plan_items(weighted_plan))[priority.pk]["progress"] == 75.0
    page = board.get(reverse("strategy:dashboard")).content.decode()
    assert "75%" in page and "25%" not in page


def test_a_completion_recorded_late_is_carried_into_the_monthly_snapshot(
    weighted_plan, priority, client_for, group_cochair
):
    november = plan_snapshot(plan=weighted_plan, kind="monthly", day=datetime.date(2026, 11, 1))

    def progress_on_1_november():
        row = PlanSnapshotRow.objects.get(snapshot=november, priority=priority)
        return float(row.progress)

    assert progress_on_1_november() == 25.0
    mark_done(client_for(group_cochair), completed_on="2026-10-20")  # done before 1 November
    assert progress_on_1_november() == 75.0
