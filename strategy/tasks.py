"""Celery tasks of the strategic plan. They take ids, load, and call a service.

Schedules are declared with the others by the reminders' `setup_schedules` command; the plan
needs one entry, monthly (e.g. the 1st at 06:00, America/Toronto):

    strategy.snapshot_adopted_plans   -> enqueues strategy.snapshot_plan(plan_id) per adopted plan
"""

import logging

from celery import shared_task

from notifications.sweeps import sweep

from .models import Status, StrategicPlan
from .services import plan_snapshot

log = logging.getLogger(__name__)


@shared_task(name="strategy.snapshot_plan", acks_late=True)
def snapshot_plan(plan_id):
    """Record a plan's progress today. Safe to run twice: one snapshot per plan and day."""
    plan = StrategicPlan.objects.filter(pk=plan_id).first()
    if plan is None or plan.status == Status.ARCHIVED:
        log.info("No snapshot for plan %s: missing or archived.", plan_id)
        return None
    return plan_snapshot(plan=plan, kind="monthly").pk


@sweep("strategy.snapshot_adopted_plans")
def snapshot_adopted_plans():
    """The monthly entry point: one `snapshot_plan` task per adopted plan."""
    ids = list(StrategicPlan.objects.filter(status=Status.ADOPTED).values_list("pk", flat=True))
    for plan_id in ids:
        snapshot_plan.delay(plan_id)
    return ids
