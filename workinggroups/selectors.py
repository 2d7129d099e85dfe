"""Reads that span relations, written so a page's query count does not grow with the data."""

import datetime
from collections import defaultdict

from django.db.models import (
    Count,
    Exists,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Window,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.bilingual import translated_order
from councils.models import CouncilMembership, active_on

from .models import Group, GroupMembership, Objective


def _objective_count(condition=None):
    """How many objectives of the outer group match: a correlated subquery, which the database
    evaluates only for the rows of the page shown (a JOIN and GROUP BY would count the
    objectives of every group before paginating)."""
    counted = (
        Objective.objects.filter(condition or Q(), group=OuterRef("pk"))
        .order_by()
        .values("group")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def group_list_queryset():
    today = timezone.localdate()
    return (
        Group.objects.select_related("parent")
        .prefetch_related("councils", "priorities")
        .annotate(
            objective_count=_objective_count(),
            overdue_count=_objective_count(
                Q(due_date__lt=today)
                & ~Q(status__in=[Objective.Status.DONE, Objective.Status.CANCELLED])
            ),
        )
        .order_by(translated_order("name"), "pk")
    )


def liaison_covered(group_ref="pk", council_ref="pk"):
    """An Exists() that is true when a group has a liaison on a council: an active group
    representative for that council, or an active group co-chair who sits on that council."""
    representative = GroupMembership.objects.filter(
        active_on(),
        group=OuterRef(group_ref),
        role=GroupMembership.Role.REPRESENTATIVE,
        council=OuterRef(council_ref),
    )
    # One filter() call: the council-membership conditions apply to the same joined row, so
    # the database runs one indexed semi-join per pair. (An `IN (subquery)` correlated twice
    # took 14 s over 5,000 groups; this takes milliseconds — see docs/benchmarks.md.)
    cochair_on_council = GroupMembership.objects.filter(
        active_on(),
        active_on(prefix="user__council_memberships__"),
        group=OuterRef(group_ref),
        role=GroupMembership.Role.CO_CHAIR,
        user__council_memberships__council=OuterRef(council_ref),
    )
    return Exists(representative) | Exists(cochair_on_council)


def liaison_by_council(group, memberships=None, seats=None):
    """[(council, [liaison memberships])] for each council the group reports to. `memberships`:
    the group's active memberships with their user and council, when the caller has them
    already (1 query then, 2 otherwise); `seats`: {user id: ids of the councils they sit on
    today} for those members, when the caller read them with the memberships (no query then,
    `memberships_with_seats`)."""
    councils = list(group.councils.all())
    liaison_roles = {GroupMembership.Role.CO_CHAIR, GroupMembership.Role.REPRESENTATIVE}
    if memberships is None:
        memberships = (
            GroupMembership.objects.active()
            .filter(group=group, role__in=liaison_roles)
            .select_related("user", "council")
        )
    memberships = [m for m in memberships if m.role in liaison_roles]
    if seats is None:
        seats = defaultdict(set)  # user id → the councils they sit on today
        for user_id, council_id in (
            CouncilMembership.objects.active()
            .filter(user_id__in={m.user_id for m in memberships})
            .values_list("user_id", "council_id")
        ):
            seats[user_id].add(council_id)
    seats = defaultdict(set, seats)
    rows = []
    for council in councils:
        liaisons = [
            m
            for m in memberships
            if (m.role == GroupMembership.Role.REPRESENTATIVE and m.council_id == council.pk)
            or (m.role == GroupMembership.Role.CO_CHAIR and council.pk in seats[m.user_id])
        ]
        rows.append((council, liaisons))
    return rows


def with_seats(memberships):
    """`memberships` (a GroupMembership queryset) with the council each member sits on today
    read in the same query: a LEFT JOIN on their active council memberships, one row per
    seat (`seat_council_id`, None for no seat). `split_seats` turns the rows back into the
    memberships and the seats `liaison_by_council` takes."""
    path = "user__council_memberships"
    return memberships.annotate(
        today_seats=FilteredRelation(path, condition=active_on(prefix=f"{path}__"))
    ).annotate(seat_council_id=F("today_seats__council_id"))


def split_seats(rows):
    """(the distinct memberships of `with_seats` rows, in order; {user id: council ids})."""
    distinct, seats = {}, defaultdict(set)
    for row in rows:
        distinct.setdefault(row.pk, row)
        if row.seat_council_id is not None:
            seats[row.user_id].add(row.seat_council_id)
    return list(distinct.values()), dict(seats)


# --- The personal calendar ------------------------------------------------------------------


def calendar_for(user, day=None):
    """The person's iCalendar: meetings of their councils or that invite them, open action
    items and measures they own, deadlines of open objectives of their groups, and workplans
    due for the groups they co-chair. From a year back onwards."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from councils.calendar import all_day_event, meeting_event, new_calendar
    from councils.models import ActionItem, Meeting

    from .models import Measure, Workplan

    day = day or timezone.localdate()
    since = day - datetime.timedelta(days=365)
    cal = new_calendar(_("Joint councils — %(name)s") % {"name": user.get_full_name() or user})
    council_ids = CouncilMembership.objects.active().filter(user=user).values("council_id")
    meetings = (
        Meeting.objects.filter(
            Q(councils__in=council_ids) | Q(attendees__user=user), starts_at__date__gte=since
        )
        .distinct()
        .prefetch_related("agenda_items")
        .order_by("starts_at")
    )
    for meeting in meetings:
        cal.add_component(meeting_event(meeting))
    for item in ActionItem.objects.open().filter(owner=user, due_date__gte=since):
        cal.add_component(
            all_day_event(
                uid=f"action-{item.pk}",
                summary=_("Action item due: %(title)s") % {"title": item.title},
                day=item.due_date,
                url=reverse("councils:action_item_list") + "?mine=1",
                description=item.description,
            )
        )
    for measure in Measure.objects.open().filter(owner=user, due_date__gte=since):
        cal.add_component(
            all_day_event(
                uid=f"measure-{measure.pk}",
                summary=_("Measure due: %(title)s") % {"title": measure.title},
                day=measure.due_date,
                url=reverse("workinggroups:measure_detail", args=[measure.pk]),
            )
        )
    group_ids = GroupMembership.objects.active().filter(user=user).values("group_id")
    objectives = Objective.objects.open().filter(
        group_id__in=group_ids, due_date__gte=since, group__in=Group.objects.current()
    )
    for objective in objectives.select_related("group"):
        cal.add_component(
            all_day_event(
                uid=f"objective-{objective.pk}",
                summary=_("Deadline: %(title)s (%(group)s)")
                % {"title": objective.title, "group": objective.group.name},
                day=objective.due_date,
                url=reverse("workinggroups:group_detail", args=[objective.group.slug]),
            )
        )
    cochaired = (
        GroupMembership.objects.active()
        .filter(user=user, role=GroupMembership.Role.CO_CHAIR)
        .values("group_id")
    )
    workplans = Workplan.objects.filter(
        group_id__in=cochaired,
        status__in=[Workplan.Status.DRAFT, Workplan.Status.RETURNED],
        due_date__gte=since,
    ).select_related("group")
    for workplan in workplans:
        cal.add_component(
            all_day_event(
                uid=f"workplan-{workplan.pk}",
                summary=_("Workplan due: %(group)s") % {"group": workplan.group.name},
                day=workplan.due_date,
                url=reverse("workinggroups:workplan_detail", args=[workplan.pk]),
            )
        )
    return cal


# --- Home page ------------------------------------------------------------------------------


REVIEWS_SHOWN = 20
# The groups shown on home that wait on a workplan from their co-chair; the rest are counted
# (issue 17: a co-chair of 2,000 groups got every one of them on each visit).
TO_SUBMIT_SHOWN = 10


def home_section(user):
    """What groups, workplans, measures and action items wait on this person."""
    from councils.models import ActionItem
    from councils.permissions import is_secretariat

    from .models import Measure, Workplan
    from .permissions import group_roles

    cochaired = group_roles(user).co_chair_of
    today = timezone.localdate()
    to_submit = []
    if cochaired:
        current = Workplan.objects.filter(
            group=OuterRef("pk"),
            status__in=[Workplan.Status.ACCEPTED, Workplan.Status.SUBMITTED],
            period_end__gte=today,
        )
        to_submit = list(
            Group.objects.current()
            .filter(pk__in=cochaired, kind=Group.Kind.WORKING_GROUP)
            .filter(~Exists(current))
            .annotate(waiting=Window(Count("pk")))
            .prefetch_related(
                Prefetch(
                    "workplans",
                    queryset=Workplan.objects.filter(
                        status__in=[Workplan.Status.DRAFT, Workplan.Status.RETURNED]
                    ).order_by("-version"),
                    to_attr="open_drafts",
                )
            )
            .order_by(translated_order("name"), "pk")[:TO_SUBMIT_SHOWN]
        )
    to_submit_more = to_submit[0].waiting - len(to_submit) if to_submit else 0
    actions = list(ActionItem.objects.open().filter(owner=user).select_related("meeting")[:10])
    measures = list(Measure.objects.open().filter(owner=user)[:10])
    health = None
    to_review = []
    if is_secretariat(user):
        from . import rules
        from .health import health_counts

        counts = health_counts(rules.HEALTH_RULES, day=today)
        health = [(rule, counts[rule.code]) for rule in rules.HEALTH_RULES if counts[rule.code]]
        # The oldest first; the health list above links to all of them ("waiting for review").
        to_review = list(
            Workplan.objects.filter(status=Workplan.Status.SUBMITTED)
            .select_related("group")
            .order_by("submitted_at", "pk")[:REVIEWS_SHOWN]
        )
    if not (to_submit or actions or measures or health or to_review):
        return None
    return {
        "template": "workinggroups/partials/home_section.html",
        "to_submit": to_submit,
        "to_submit_more": to_submit_more,
        "actions": actions,
        "measures": measures,
        "health": health,
        "to_review": to_review,
        "today": today,
    }
