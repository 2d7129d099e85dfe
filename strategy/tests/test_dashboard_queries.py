"""The dashboard's SQL query count does not grow with the data.

Run `pytest strategy/tests/test_dashboard_queries.py -s` to see the counts it measures.
"""

import datetime
import itertools

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from councils.models import JurisdictionPriority
from councils.tests.factories import (
    CouncilFactory,
    CouncilMembershipFactory,
    JurisdictionFactory,
    PriorityFactory,
    UserFactory,
)
from funding.models import Status as FundingStatus
from funding.tests.factories import FundingRequestFactory
from strategy.models import ProgressState, Status
from strategy.selectors import LATE_SHOWN, UPCOMING_SHOWN, plan_items, timeline_window
from strategy.services import (
    plan_create,
    plan_refresh_from_workplans,
    plan_snapshot,
    plan_transition,
)
from strategy.tests.factories import accepted_workplan, objective
from workinggroups.models import Measure, Objective
from workinggroups.rules import liaison_gap_pairs
from workinggroups.tests.factories import GroupFactory, GroupMembershipFactory, MeasureFactory

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 11, 15, 15, 0, tzinfo=datetime.UTC)
STATUSES = itertools.cycle(list(Objective.Status))
DUES = itertools.cycle(
    [datetime.date(2026, 9, 1), datetime.date(2027, 1, 15), datetime.date(2027, 8, 1)]
)
OBJECTIVES_PER_GROUP = 4
FUNDING = itertools.cycle(
    [
        (FundingStatus.SUBMITTED, None),
        (FundingStatus.ENDORSED, None),
        (FundingStatus.APPROVED, "8000.00"),
        (FundingStatus.WITHDRAWN, None),
    ]
)
MEASURE_STATUSES = itertools.cycle(list(Measure.Status))


class World:
    """Groups with objectives, accepted workplans, liaisons, declared priorities, funding
    requests and measures; `grow` adds more of each, and the plan follows through reopen,
    refresh and adopt."""

    def __init__(self, secretariat):
        self.secretariat = secretariat
        self.councils = [CouncilFactory(code="pssdc"), CouncilFactory(code="pscioc")]
        self.priorities = [PriorityFactory(code=f"theme-{i}", number=i) for i in range(1, 4)]
        self.groups = 0
        self.plan = None

    def grow(self, groups):
        for _ in range(groups):
            n = self.groups = self.groups + 1
            council = self.councils[n % 2]
            priority = self.priorities[n % 3]
            group = GroupFactory(slug=f"g{n}", councils=[council], priorities=[priority])
            goals = [
                objective(group, self.priorities[(n + i) % 3], next(STATUSES), next(DUES))
                for i in range(OBJECTIVES_PER_GROUP)
            ]
            goals.append(objective(group, None, Objective.Status.NOT_STARTED))
            accepted_workplan(group, goals)
            chair = UserFactory(username=f"chair{n}")
            GroupMembershipFactory(group=group, user=chair, role="co_chair")
            if n % 3:
                CouncilMembershipFactory(user=chair, council=council, role="member")
            for year in (2026, 2027):
                status, approved = next(FUNDING)
                FundingRequestFactory(
                    group=group,
                    created_by=chair,
                    priorities=[priority, self.priorities[(n + 1) % 3]],
                    fiscal_year=year,
                    status=status,
                    amount_approved=approved,
                    submitted=True,
                )
            MeasureFactory(status=next(MEASURE_STATUSES), groups=[group])
            JurisdictionPriority.objects.create(
                jurisdiction=JurisdictionFactory(code=f"j{n}"),
                title_en=f"Declared {n}",
                theme=priority if n % 4 else None,
            )
        if self.plan is None:
            self.plan, _ = plan_create(
                by=self.secretariat,
                title_en="Plan",
                first_fiscal_year=2026,
                last_fiscal_year=2027,
            )
        else:
            plan_transition(plan=self.plan, by=self.secretariat, to=Status.DRAFT, reason="More")
            plan_refresh_from_workplans(plan=self.plan, by=self.secretariat)
        plan_transition(plan=self.plan, by=self.secretariat, to=Status.ADOPTED)
        for month in range(4, 11):
            plan_snapshot(plan=self.plan, day=datetime.date(2026, month, 1))


def dashboard_queries(client, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("strategy:dashboard"), params)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.context["board"]


def measure_count(board):
    return sum(c["n"] for c in board.measures.counts)


def funded(board):
    return len(board.funding.rows)


@time_machine.travel(NOW, tick=False)
def test_the_dashboard_query_count_is_the_same_with_ten_times_more_groups_and_objectives(
    client_for, member, secretariat
):
    world = World(secretariat)
    world.grow(3)
    c = client_for(member)
    filters = [{}, {"council": "pssdc"}, {"fiscal_year": "2026"}]
    small = {}
    for params in filters:
        small[str(params)], board = dashboard_queries(c, **params)
    assert board.plan == world.plan
    small_board = dashboard_queries(c)[1]
    small_items = small_board.total["item_count"]

    world.grow(27)  # 30 groups: ten times as many groups and objectives

    large = {}
    for params in filters:
        large[str(params)], board = dashboard_queries(c, **params)
    large_board = dashboard_queries(c)[1]
    large_items = large_board.total["item_count"]
    assert (small_items, large_items) == (15, 150)
    # Both sizes have funding and measures to show, and ten times as many of them.
    assert (measure_count(small_board), measure_count(large_board)) == (3, 30)
    assert (funded(small_board), funded(large_board)) == (6, 6)  # 3 priorities × 2 years
    # The items listed by name are the first by deadline, however many there are.
    items = plan_items(world.plan)
    late = items.filter(state=ProgressState.LATE).order_by("due", "pk")
    for block in large_board.priorities:
        key = block.priority.pk if block.priority else None
        expected = [i.pk for i in late if i.priority_id == key]
        assert [i.pk for i in block.late] == expected[:LATE_SHOWN]
        assert block.more_late == len(expected) - len(block.late)
    assert any(block.more_late for block in large_board.priorities)  # some are left out
    start, end = timeline_window()
    upcoming = items.exclude(state=ProgressState.CANCELLED).filter(due__gte=start, due__lt=end)
    assert [i.pk for i in large_board.upcoming] == [
        i.pk for i in upcoming.order_by("due", "pk")[:UPCOMING_SHOWN]
    ]
    assert upcoming.count() > UPCOMING_SHOWN
    # The gaps counted from the council-group pairs are the workinggroups rule's gaps.
    expected = [
        (gap.council.code, gap.group.slug)
        for gap in liaison_gap_pairs().order_by("council__code", "group__name_en", "group_id")
    ]
    assert [(g["council"].code, g["group"]["slug"]) for g in large_board.gaps] == expected[:20]
    assert sum(r["gaps"] for r in large_board.liaison) == len(expected) > 0
    assert sum(r["count"] for r in large_board.funding.rows) > 5 * sum(
        r["count"] for r in small_board.funding.rows
    )
    print(f"\ndashboard SQL queries, 3 groups / {small_items} items: {small}")
    print(f"dashboard SQL queries, 30 groups / {large_items} items: {large}")
    assert large == small
    # The target (15), the database session read, and the reader's withheld funding cells
    # (one query, whatever the data: issue 14, sums that would give away one request).
    assert max(large.values()) <= 17


@time_machine.travel(NOW, tick=False)
def test_the_plan_pages_and_the_export_do_not_grow_either(client_for, member, secretariat):
    world = World(secretariat)
    world.grow(3)
    c = client_for(member)
    urls = [
        reverse("strategy:plan_list"),
        reverse("strategy:plan_detail", args=[world.plan.pk]),
        reverse("strategy:plan_compare", args=[world.plan.pk]),
        reverse("strategy:dashboard_csv"),
        reverse("portal:home"),
    ]

    def counts():
        result = {}
        for url in urls:
            with CaptureQueriesContext(connection) as ctx:
                assert c.get(url).status_code == 200
            result[url] = len(ctx.captured_queries)
        return result

    small = counts()
    world.grow(27)
    assert counts() == small
