"""The published records: what an anonymous reader, the open data and the read-only API may
show. Each function returns a queryset of the *records* (not of publications), and checks the
record's own state again, so nothing is public unless it is both published by the secretariat
and still in an adoptable state:

- `published_plans()`: strategic plans, adopted, published;
- `published_groups()`: groups, active, published (their mandate, councils, priorities and
  current co-chairs prefetched as `public_cochairs`: names only are ever shown);
- `published_decisions()`: funding requests approved by the members at a held meeting,
  published (the approved funding decisions);
- `published_meeting_decisions()`: meeting decisions (councils.Decision) of held meetings,
  published one by one; a funding request the members did not approve is public only this way;
- `published_minutes()`: held meetings whose minutes are approved, published;
- `published_meetings()`: held meetings with anything public (their minutes or a decision).

Each is one query plus its prefetches, with a default order; callers add their own filters,
order and pagination. `published_groups(day=None)` takes the day its co-chairs are in office
(today by default); the others take no argument.
"""

from django.db.models import Prefetch, Q

from councils.models import Decision, Meeting, MinutesStatus, active_on
from funding.models import FundingRequest
from funding.models import Status as FundingStatus
from strategy.models import Status as PlanStatus
from strategy.models import StrategicPlan
from workinggroups.models import Group, GroupMembership

PUBLIC = Q(publication__is_public=True)

# The states in which each kind of record may be (and stay) public.
PLAN_STATES = (PlanStatus.ADOPTED,)
GROUP_STATES = (Group.Status.ACTIVE,)
FUNDING_STATES = (FundingStatus.APPROVED,)
MEETING_STATES = (Meeting.Status.HELD,)


def published_plans():
    """Adopted strategic plans the secretariat published."""
    return (
        StrategicPlan.objects.filter(PUBLIC, status__in=PLAN_STATES)
        .select_related("council", "publication")
        .order_by("-first_fiscal_year", "-pk")
    )


def cochairs_prefetch(day=None):
    """The group's co-chairs in office today, as `public_cochairs` (with their user)."""
    return Prefetch(
        "memberships",
        queryset=GroupMembership.objects.filter(active_on(day), role=GroupMembership.Role.CO_CHAIR)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "pk"),
        to_attr="public_cochairs",
    )


def published_groups(day=None):
    """Active groups whose mandate the secretariat published; never a proposed group."""
    return (
        Group.objects.filter(PUBLIC, status__in=GROUP_STATES)
        .select_related("publication")
        .prefetch_related("councils", "priorities", cochairs_prefetch(day))
        .order_by("name_en", "pk")
    )


def published_decisions():
    """Approved funding decisions: requests the members approved at a held meeting, published."""
    return (
        FundingRequest.objects.filter(
            PUBLIC,
            status__in=FUNDING_STATES,
            amount_approved__isnull=False,
            meeting__status__in=MEETING_STATES,
        )
        .select_related("group", "meeting", "publication")
        .prefetch_related("priorities")
        .order_by("-meeting__starts_at", "-pk")
    )


def published_meeting_decisions():
    """Decisions of held meetings the secretariat published, one by one."""
    return (
        Decision.objects.filter(PUBLIC, meeting__status__in=MEETING_STATES)
        .select_related("meeting", "agenda_item", "vote", "publication")
        .order_by("-meeting__starts_at", "number", "pk")
    )


def published_minutes():
    """Held meetings whose approved minutes the secretariat published."""
    return (
        Meeting.objects.filter(
            PUBLIC, status__in=MEETING_STATES, minutes_status=MinutesStatus.APPROVED
        )
        .select_related("publication")
        .prefetch_related("councils")
        .order_by("-starts_at", "-pk")
    )


def published_meetings():
    """Held meetings with something public: their approved minutes, or a published decision."""
    return (
        Meeting.objects.filter(status__in=MEETING_STATES)
        .filter(
            Q(publication__is_public=True, minutes_status=MinutesStatus.APPROVED)
            | Q(decisions__publication__is_public=True)
        )
        .distinct()
        .prefetch_related("councils")
        .order_by("-starts_at", "-pk")
    )


def is_minutes_public(meeting) -> bool:
    return published_minutes().filter(pk=meeting.pk).exists()


# --- The secretariat's list --------------------------------------------------------------------


def publications():
    """Every record ever published, newest change first, with what names it and its steps."""
    from .models import Publication, PublicationStep

    steps = PublicationStep.objects.select_related("by").order_by("-at", "-pk")
    return Publication.objects.select_related(
        "plan", "group", "funding_request", "decision__meeting", "meeting"
    ).prefetch_related(Prefetch("steps", queryset=steps))
