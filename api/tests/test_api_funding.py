"""The funding endpoint writes its rows out directly and reads the priorities' codes as values
(issue 17). Whatever a persona reads, list or one request, it is exactly what DRF's own
ModelSerializer gives for the same requests loaded as model instances, field for field and in
the same order: amounts to the cent as strings, times in the portal's time zone, no amount,
time or meeting as null, the priorities in their own order."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from api import serializers
from api.tests.drf_check import as_drf_gives, assert_rows_as_drf_gives
from api.tests.schema_check import all_rows
from councils.tests.factories import PriorityFactory
from funding.models import FundingRequest, Status
from funding.tests.factories import FundingRequestFactory
from tests.world import build_world

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "outsider", "member", "group_cochair", "council_cochair", "secretariat"]


@pytest.fixture
def world(personas, council, priority, group):
    world = build_world(personas, council, priority, group)
    # A decided request with a priority that sorts first but was linked last, an amount with
    # cents and one approved in part, and a draft with no amount approved and no times.
    first = PriorityFactory(code="zz-first", number=0)
    decided = FundingRequestFactory(
        group=group,
        created_by=world["group_cochair"],
        status=Status.APPROVED,
        amount_requested=Decimal("12345.5"),
        amount_approved=Decimal("10000"),
        priorities=[priority, first],
    )
    FundingRequest.objects.filter(pk=decided.pk).update(
        submitted_at=timezone.make_aware(datetime.datetime(2026, 3, 31, 23, 30)),
        decided_at=datetime.datetime(2026, 4, 2, 12, 0, 5, 123456, tzinfo=datetime.UTC),
    )
    FundingRequestFactory(
        group=group, created_by=world["group_cochair"], status=Status.DRAFT, priorities=[first]
    )
    world["decided"] = decided
    return world


def as_drf_gives_it(ids):
    """The requests of `ids` as DRF's ModelSerializer walks them field by field, loaded as the
    endpoint loaded them before issue 17 (priorities prefetched as model instances), as JSON."""
    requests = (
        FundingRequest.objects.filter(pk__in=ids)
        .select_related("group")
        .prefetch_related("priorities")
    )
    serializer = serializers.FundingRequestSerializer()
    return {request.pk: as_drf_gives(serializer, request) for request in requests}


def listed(client):
    return all_rows(client, reverse("api:funding-request-list"))


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_request_is_what_drfs_own_serializer_gives(world, client_for, persona):
    client = client_for(world[persona])
    rows = listed(client)
    expected = as_drf_gives_it([row["id"] for row in rows])
    assert set(expected) == {row["id"] for row in rows}
    assert_rows_as_drf_gives(client, rows, expected, key="id", detail="api:funding-request-detail")


def test_the_decided_request_reads_as_a_reader_expects(world, client_for):
    """The comparison above is against DRF; this says, for one request, what that is."""
    rows = {row["id"]: row for row in listed(client_for(world["secretariat"]))}
    row = rows[world["decided"].pk]
    assert row["amount_requested"] == "12345.50"
    assert row["amount_approved"] == "10000.00"
    assert row["priorities"] == ["zz-first", world["priority"].code]
    assert row["decided_at"] == "2026-04-02T08:00:05.123456-04:00"
    assert row["meeting"] is None
    drafts = [r for r in rows.values() if r["status"] == Status.DRAFT]
    assert drafts and all(r["amount_approved"] is None and r["decided_at"] is None for r in drafts)
