"""The groups endpoint gives its rows from values read in three queries and written out by
GroupSerializer.to_representation (issue 17). Whatever a persona reads, list or one group, it
is exactly what DRF's own ModelSerializer gives for the same groups loaded as model instances,
field for field and in the same order: its councils and priorities in their own order, its
current memberships only, a person without a name by their username, no council as null."""

import datetime

import pytest
from django.db.models import Prefetch
from django.urls import reverse

from api import serializers
from api.tests.drf_check import as_drf_gives, assert_rows_as_drf_gives
from api.tests.schema_check import all_rows
from councils.tests.factories import CouncilFactory, PriorityFactory, UserFactory
from tests.world import build_world
from workinggroups.models import Group, GroupMembership
from workinggroups.tests.factories import GroupFactory, GroupMembershipFactory

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "outsider", "member", "group_cochair", "council_cochair", "secretariat"]


@pytest.fixture
def world(personas, council, priority, group):
    world = build_world(personas, council, priority, group)
    # The persona group (published) gets a second council and priority that sort before the
    # first by code and number but were linked after them, a member with no name and no
    # council seat, a co-chair, and a membership that has ended.
    other_council = CouncilFactory(code="aaa-council")
    first_priority = PriorityFactory(code="zz-first", number=0)
    group.councils.add(other_council)
    group.priorities.add(first_priority)
    nameless = UserFactory(username="no.name", first_name="", last_name="")
    GroupMembershipFactory(group=group, user=nameless, council=None)
    GroupMembershipFactory(group=group, role=GroupMembership.Role.CO_CHAIR, council=council)
    GroupMembershipFactory(
        group=group,
        start_date=datetime.date(2020, 1, 1),
        end_date=datetime.date(2021, 1, 1),
    )
    # A sub-committee, with a parent, an end date and no members.
    GroupFactory(
        slug="sub-committee",
        kind=Group.Kind.SUB_COMMITTEE,
        parent=group,
        end_date=datetime.date(2031, 3, 31),
    )
    return world


def as_drf_gives_it(slugs, authenticated):
    """The groups of `slugs` as DRF's ModelSerializer walks them field by field, loaded as the
    endpoint loaded them before issue 17 (prefetched model instances), as JSON."""
    members = (
        GroupMembership.objects.active()
        .select_related("user", "council")
        .order_by("role", "user__last_name", "pk")
    )
    if not authenticated:
        members = members.filter(role=GroupMembership.Role.CO_CHAIR)
    groups = (
        Group.objects.filter(slug__in=slugs)
        .select_related("parent")
        .prefetch_related(
            "councils",
            "priorities",
            Prefetch("memberships", queryset=members, to_attr="current_memberships"),
        )
    )
    serializer = serializers.GroupSerializer()
    return {group.slug: as_drf_gives(serializer, group) for group in groups}


def listed(client):
    return all_rows(client, reverse("api:group-list"))


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_group_is_what_drfs_own_serializer_gives(world, client_for, persona):
    client = client_for(world[persona])
    rows = listed(client)
    assert rows, "the persona sees no group: nothing would be compared"
    expected = as_drf_gives_it([row["slug"] for row in rows], world[persona] is not None)
    assert_rows_as_drf_gives(client, rows, expected, key="slug", detail="api:group-detail")


def test_the_example_group_lists_what_a_reader_expects(world, client_for):
    """The comparison above is against DRF; this says, for one group, what that is."""
    group = world["group"]
    rows = {row["slug"]: row for row in listed(client_for(world["member"]))}
    row = rows[group.slug]
    assert row["councils"] == ["aaa-council", "pssdc"]
    assert row["priorities"][0] == "zz-first"
    people = {m["person"]: m for m in row["memberships"]}
    assert people["no.name"]["council"] is None
    current = group.memberships.active().count()
    assert len(row["memberships"]) == current < group.memberships.count()
    sub = rows["sub-committee"]
    assert (sub["parent"], sub["end_date"], sub["memberships"]) == (group.slug, "2031-03-31", [])
    # Anonymous callers see a published group's co-chairs, not its members.
    public = {row["slug"]: row for row in listed(client_for(None))}[group.slug]
    assert {m["role"] for m in public["memberships"]} == {GroupMembership.Role.CO_CHAIR}
