"""Reads that span relations, written so a page's query count does not grow with the data."""

from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.utils import timezone

from core.bilingual import translated_order
from councils.models import CouncilMembership, active_on

from .models import Group, GroupMembership, Objective


def group_list_queryset():
    today = timezone.localdate()
    return (
        Group.objects.select_related("parent")
        .prefetch_related("councils", "priorities")
        .annotate(
            objective_count=Count("objectives", distinct=True),
            overdue_count=Count(
                "objectives",
                filter=Q(objectives__due_date__lt=today)
                & ~Q(objectives__status__in=[Objective.Status.DONE, Objective.Status.CANCELLED]),
                distinct=True,
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
    cochair_on_council = GroupMembership.objects.filter(
        active_on(),
        group=OuterRef(group_ref),
        role=GroupMembership.Role.CO_CHAIR,
        user__council_memberships__in=CouncilMembership.objects.filter(
            active_on(), council=OuterRef(OuterRef(council_ref))
        ),
    )
    return Exists(representative) | Exists(cochair_on_council)


def liaison_by_council(group):
    """[(council, [liaison memberships])] for each council the group reports to: 2 queries."""
    councils = list(group.councils.all())
    memberships = list(
        GroupMembership.objects.active()
        .filter(
            group=group,
            role__in=[GroupMembership.Role.CO_CHAIR, GroupMembership.Role.REPRESENTATIVE],
        )
        .select_related("user", "council")
        .prefetch_related(
            Prefetch(
                "user__council_memberships",
                queryset=CouncilMembership.objects.active().only("council_id", "user_id"),
                to_attr="current_council_memberships",
            )
        )
    )
    rows = []
    for council in councils:
        liaisons = [
            m
            for m in memberships
            if (m.role == GroupMembership.Role.REPRESENTATIVE and m.council_id == council.pk)
            or (
                m.role == GroupMembership.Role.CO_CHAIR
                and any(cm.council_id == council.pk for cm in m.user.current_council_memberships)
            )
        ]
        rows.append((council, liaisons))
    return rows
