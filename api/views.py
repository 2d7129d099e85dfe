"""The read-only API, /api/v1/. Each endpoint reads its rows through ONE function of
api.visibility (what the caller's pages show them, plus what is published), then loads what it
serializes in a fixed number of queries whatever the data (tests/test_api_queries.py)."""

from collections import defaultdict

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets

from councils.models import CouncilMembership, Decision
from funding.models import FundingRequest
from strategy.dashboard import empty_rollup
from strategy.selectors import rollup_per_plan, rollup_per_plan_and_priority
from workinggroups.models import Group, GroupMembership

from . import serializers, visibility

ID = "[0-9]+"
SLUG = "[-a-zA-Z0-9_]+"


def _read_only(tag, what):
    return extend_schema_view(
        list=extend_schema(tags=[tag], summary=f"List {what}"),
        retrieve=extend_schema(tags=[tag], summary=f"One of the {what}"),
    )


class _ReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    # A function(user) -> queryset of api.visibility: the only place rows are chosen.
    visible = None

    def get_queryset(self):
        return self.load(type(self).visible(self.request.user))

    def load(self, queryset):
        return queryset


@_read_only("councils", "councils")
class CouncilViewSet(_ReadOnlyViewSet):
    """Councils, with their current co-chairs."""

    visible = staticmethod(visibility.councils_for)
    serializer_class = serializers.CouncilSerializer
    lookup_field = "code"
    lookup_value_regex = SLUG

    def load(self, queryset):
        co_chairs = (
            CouncilMembership.objects.active()
            .filter(role=CouncilMembership.Role.CO_CHAIR)
            .select_related("user")
            .order_by("user__last_name", "user__first_name", "pk")
        )
        return queryset.prefetch_related(
            Prefetch("memberships", queryset=co_chairs, to_attr="co_chair_memberships")
        )


@_read_only("groups", "working groups, communities of practice and sub-committees")
class GroupViewSet(_ReadOnlyViewSet):
    """Groups with their councils, priorities and current memberships (names and roles)."""

    visible = staticmethod(visibility.groups_for)
    serializer_class = serializers.GroupSerializer
    lookup_field = "slug"
    lookup_value_regex = SLUG

    def load(self, queryset):
        return queryset.select_related("parent").only(*serializers.GroupSerializer.COLUMNS)

    def get_serializer(self, instance=None, *args, **kwargs):
        if instance is not None:
            groups = list(instance) if kwargs.get("many") else [instance]
            attach_listed(groups, co_chairs_only=not self.request.user.is_authenticated)
            instance = groups if kwargs.get("many") else instance
        return super().get_serializer(instance, *args, **kwargs)


def attach_listed(groups, co_chairs_only=False):
    """Give each group what GroupSerializer lists of it, as plain values in three queries:
    `council_codes`, `priority_codes` (in the councils' and priorities' own order) and
    `membership_rows` (its current memberships, or only its co-chairs: a published mandate
    names its co-chairs, as the public pages do, not its members).

    Read as values, not prefetched as model instances: the three prefetches were 8 of the 11
    ms the endpoint's 25 groups took to load at scale 100 (issue 17); these take 4."""
    if not groups:
        return
    ids = [group.pk for group in groups]
    councils, priorities, members = defaultdict(list), defaultdict(list), defaultdict(list)
    links = Group.councils.through.objects.filter(group_id__in=ids)
    for group_id, code in links.order_by("council__code").values_list("group_id", "council__code"):
        councils[group_id].append(code)
    links = Group.priorities.through.objects.filter(group_id__in=ids)
    ordered = links.order_by("priority__number", "priority__code")
    for group_id, code in ordered.values_list("group_id", "priority__code"):
        priorities[group_id].append(code)
    memberships = GroupMembership.objects.active().filter(group_id__in=ids)
    if co_chairs_only:
        memberships = memberships.filter(role=GroupMembership.Role.CO_CHAIR)
    rows = memberships.order_by("role", "user__last_name", "pk").values(
        "group_id", *serializers.MembershipSerializer.COLUMNS
    )
    for row in rows:
        members[row["group_id"]].append(row)
    for group in groups:
        group.council_codes = councils[group.pk]
        group.priority_codes = priorities[group.pk]
        group.membership_rows = members[group.pk]


@_read_only("objectives", "objectives and deliverables, with their progress")
class ObjectiveViewSet(_ReadOnlyViewSet):
    visible = staticmethod(visibility.objectives_for)
    serializer_class = serializers.ObjectiveSerializer
    lookup_value_regex = ID

    def load(self, queryset):
        return queryset.select_related("group", "priority")


@_read_only("plans", "strategic plans, with their progress roll-ups")
class PlanViewSet(_ReadOnlyViewSet):
    """Plans with the roll-up of their items' progress, in all and per priority (as the plan
    pages compute it, strategy.selectors)."""

    visible = staticmethod(visibility.plans_for)
    serializer_class = serializers.PlanSerializer
    lookup_value_regex = ID

    def load(self, queryset):
        return queryset.select_related("council")

    def get_serializer(self, instance=None, *args, **kwargs):
        if instance is not None:
            plans = list(instance) if kwargs.get("many") else [instance]
            ids = [plan.pk for plan in plans]
            totals = rollup_per_plan(ids)
            context = self.get_serializer_context()
            context["rollups"] = {pk: totals.get(pk) or empty_rollup() for pk in ids}
            context["rollups_by_priority"] = rollup_per_plan_and_priority(ids)
            kwargs["context"] = context
            instance = plans if kwargs.get("many") else instance
        return super().get_serializer(instance, *args, **kwargs)


@_read_only("meetings", "meetings, with their decisions")
class MeetingViewSet(_ReadOnlyViewSet):
    visible = staticmethod(visibility.meetings_for)
    serializer_class = serializers.MeetingSerializer
    lookup_value_regex = ID

    def load(self, queryset):
        decisions = Decision.objects.order_by("number", "pk")
        if not visibility.sees_all_decisions(self.request.user):
            # A published meeting shows only the decisions published one by one, as its
            # public page does.
            decisions = decisions.filter(pk__in=visibility.public_decisions().values("pk"))
        return queryset.prefetch_related("councils", Prefetch("decisions", queryset=decisions))


@_read_only("funding", "funding requests")
class FundingRequestViewSet(_ReadOnlyViewSet):
    visible = staticmethod(visibility.funding_requests_for)
    serializer_class = serializers.FundingRequestSerializer
    lookup_value_regex = ID

    def load(self, queryset):
        return queryset.select_related("group")

    def get_serializer(self, instance=None, *args, **kwargs):
        if instance is not None:
            requests = list(instance) if kwargs.get("many") else [instance]
            attach_priority_codes(requests)
            instance = requests if kwargs.get("many") else instance
        return super().get_serializer(instance, *args, **kwargs)


def attach_priority_codes(requests):
    """Give each funding request `priority_codes`, in the priorities' own order, read as values
    in one query: prefetched as model instances, they were most of the endpoint's load."""
    if not requests:
        return
    codes = defaultdict(list)
    links = FundingRequest.priorities.through.objects.filter(
        fundingrequest_id__in=[request.pk for request in requests]
    )
    ordered = links.order_by("priority__number", "priority__code")
    for request_id, code in ordered.values_list("fundingrequest_id", "priority__code"):
        codes[request_id].append(code)
    for request in requests:
        request.priority_codes = codes[request.pk]
