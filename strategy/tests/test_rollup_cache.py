"""The plans' roll-ups (the plan list, the API's plans, the open data) are computed once per
data version of the plans and the groups, not on every read (issue 17: 590 ms of database
time over 100,000 items at scale 1,000), and a change shows on the next read."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from strategy.models import Status as PlanStatus
from strategy.tests.factories import PlanItemFactory, StrategicPlanFactory, objective
from workinggroups.models import Objective

pytestmark = pytest.mark.django_db


def read(client):
    with CaptureQueriesContext(connection) as ctx:
        body = client.get("/api/v1/plans/").json()
    aggregates = [q for q in ctx.captured_queries if "strategy_planitem" in q["sql"]]
    (row,) = body["results"]
    return row, len(aggregates)


def test_the_api_reads_the_roll_ups_once_per_change(client_for, member, group, priority, cache_on):
    plan = StrategicPlanFactory(status=PlanStatus.ADOPTED)
    items = [PlanItemFactory(plan=plan, objective=objective(group, priority)) for _ in range(4)]
    client = client_for(member)
    row, first = read(client)
    assert first == 2 and row["rollup"]["item_count"] == 4 and row["rollup"]["done"] == 0
    row, again = read(client)
    assert again == 0 and row["rollup"]["item_count"] == 4
    done = items[0].objective
    done.status, done.completed_on = Objective.Status.DONE, datetime.date(2026, 1, 5)
    done.save()
    row, after = read(client)
    assert after == 2 and row["rollup"]["done"] == 1
    assert [p["done"] for p in row["rollup_by_priority"]] == [1]


def test_the_plan_list_counts_the_items_from_the_kept_roll_ups(
    client_for, member, group, priority, cache_on
):
    from django.urls import reverse

    plan = StrategicPlanFactory(status=PlanStatus.ADOPTED, title_en="Joint plan")
    for _ in range(3):
        PlanItemFactory(plan=plan, objective=objective(group, priority))

    def count_cell():
        body = client_for(member).get(reverse("strategy:plan_list")).content.decode()
        row = body.split("Joint plan")[1].split("</tr>")[0]
        return row.split('<td class="text-end">')[1].split("</td>")[0]

    assert count_cell() == "3"
    PlanItemFactory(plan=plan, objective=objective(group, priority))
    assert count_cell() == "4"
