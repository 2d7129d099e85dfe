"""The seed's world, part 4: the joint councils' 2026-2029 strategic plan, built from the
groups' accepted workplans, adopted, with a monthly progress history.

Idempotent: a second run changes nothing. Accepted workplans are normally the groups app's
(its demo adds them for 2026-04-01 to 2027-03-31); a group that has none gets one here, listing
its objectives, so the plan has something to gather either way.
"""

import datetime

from django.db.models import Max
from django.utils import timezone

from workinggroups.models import Objective, Workplan, WorkplanItem

from .models import ADOPTED_BY_COUNCILS_TEXT, PlanSnapshot, Status, StrategicPlan
from .selectors import month_starts
from .services import plan_create, plan_item_set_weight, plan_snapshot, plan_transition

PERIOD = (datetime.date(2026, 4, 1), datetime.date(2027, 3, 31))
PLAN = {
    "title_en": "Joint councils strategic plan",
    "title_fr": "Plan stratégique des conseils mixtes",
    "summary_en": (
        "Gathered from the working groups' workplans: the objectives and deliverables that move "
        "the three priorities forward, followed every month."
    ),
    "summary_fr": (
        "Tiré des plans de travail des groupes de travail : les objectifs et les livrables qui "
        "font avancer les trois priorités, suivis chaque mois."
    ),
    "first_fiscal_year": 2026,
    "last_fiscal_year": 2028,
}


def ensure_workplans(groups):
    """An accepted workplan for each group with objectives and no workplan at all yet: a group
    whose workplan the groups' demo left in draft or under review keeps that story."""
    for group in groups.values():
        objectives = list(Objective.objects.filter(group=group).order_by("due_date", "pk"))
        if not objectives or group.workplans.exists():
            continue
        version = (group.workplans.aggregate(n=Max("version"))["n"] or 0) + 1
        workplan = Workplan(
            group=group,
            version=version,
            period_start=PERIOD[0],
            period_end=PERIOD[1],
            status=Workplan.Status.ACCEPTED,
            summary_en="Workplan for 2026-27.",
            summary_fr="Plan de travail 2026-2027.",
            reviewed_at=timezone.now(),
        )
        workplan.full_clean()
        workplan.save()
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


def load(ctx):
    ensure_workplans(ctx.get("groups", {}))
    secretariat = ctx["users"]["secretariat"]
    plan = StrategicPlan.objects.filter(title_en=PLAN["title_en"]).first()
    if plan is None:
        plan, _changes = plan_create(by=secretariat, council=None, **PLAN)
        # A heavier weight where the deck puts the emphasis: the digital identity pilot.
        for item in plan.items.filter(title_en__startswith="Digital identity pilot"):
            plan_item_set_weight(item=item, by=secretariat, weight=2)
        plan = plan_transition(
            plan=plan,
            by=secretariat,
            to=Status.ADOPTED,
            key=ADOPTED_BY_COUNCILS_TEXT,
        )
    if plan.status != Status.ARCHIVED:
        # The months before adoption, as the completion dates of the objectives tell them.
        today = timezone.localdate()
        taken = set(plan.snapshots.values_list("taken_on", flat=True))
        for day in month_starts(PERIOD[0], today + datetime.timedelta(days=1)):
            if day not in taken:
                plan_snapshot(plan=plan, kind=PlanSnapshot.Kind.MONTHLY, day=day)
    ctx["strategic_plan"] = plan
    return ctx
