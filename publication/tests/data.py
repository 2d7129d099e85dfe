"""Records in every state the publication rules care about, written directly with the ORM (the
workflows that produce them are tested in their own apps)."""

import datetime
from decimal import Decimal

from django.utils import timezone

from councils.models import Decision, Meeting, MinutesStatus
from councils.tests.factories import MeetingFactory
from funding.models import Status as FundingStatus
from funding.tests.factories import FundingRequestFactory
from strategy.models import Status as PlanStatus
from strategy.tests.factories import PlanItemFactory, StrategicPlanFactory, objective

HELD_AT = datetime.datetime(2026, 5, 14, 14, 0, tzinfo=datetime.UTC)


def adopted_plan(group, priority, *, title="Joint strategic plan 2026-28", status=None):
    plan = StrategicPlanFactory(
        title_en=title,
        title_fr="Plan stratégique mixte 2026-2028",
        status=status or PlanStatus.ADOPTED,
        adopted_at=timezone.now(),
    )
    for state in ("done", "on_track"):
        PlanItemFactory(plan=plan, objective=objective(group, priority, status=state))
    return plan


def held_meeting(council, *, title="Joint meeting of May 2026", minutes="approved"):
    meeting = MeetingFactory(
        title_en=title,
        title_fr="Réunion mixte de mai 2026",
        starts_at=HELD_AT,
        councils=[council],
        status=Meeting.Status.HELD,
        minutes_en="The councils met and decided.",
        minutes_fr="Les conseils se sont réunis et ont décidé.",
        minutes_status=minutes,
    )
    return meeting


def approved_request(group, meeting, by, *, title="Shared identity pilot", status=None):
    status = status or FundingStatus.APPROVED
    return FundingRequestFactory(
        group=group,
        created_by=by,
        title_en=title,
        title_fr="Projet pilote d'identité partagée",
        amount_requested=Decimal("50000.00"),
        amount_approved=Decimal("42000.00") if status == FundingStatus.APPROVED else None,
        status=status,
        meeting=meeting,
        decided_at=HELD_AT,
        submitted=True,
    )


def decision(meeting, *, text="The councils adopt the plan.", number=1):
    return Decision.objects.create(
        meeting=meeting, number=number, text_en=text, text_fr="Les conseils adoptent le plan."
    )


__all__ = ["MinutesStatus"]
