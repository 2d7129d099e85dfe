"""core.joins.first_rows: the first rows of a query, their joins made for those rows only
(issue 17: the co-chair's home joined every group to every open objective before it kept 20)."""

import datetime

import pytest
from django.urls import reverse

from core.joins import first_rows
from workinggroups.models import Objective
from workinggroups.tests.factories import ObjectiveFactory

pytestmark = pytest.mark.django_db


def test_the_same_rows_in_the_same_order_as_a_slice(group):
    day = datetime.date(2027, 1, 1)
    for i in range(12):  # ties on the date: the primary key decides
        ObjectiveFactory(
            group=group, title_en=f"Objective {i}", due_date=day.replace(day=1 + i % 4)
        )
    ordered = Objective.objects.select_related("group").order_by("due_date", "pk")
    chosen = list(first_rows(ordered, 5))
    assert chosen == list(ordered[:5])
    assert [o.group.name_en for o in chosen] == [group.name_en] * 5  # joined, no more queries
    assert list(first_rows(ordered.filter(title_en="none"), 5)) == []


def test_the_ids_are_chosen_before_the_join():
    sql = str(
        first_rows(Objective.objects.select_related("group").order_by("due_date", "pk"), 20).query
    )
    inner = sql[sql.index("IN (SELECT") :]
    assert "LIMIT 20" in inner and "workinggroups_group" not in inner


def test_home_shows_the_twenty_nearest_deadlines_in_order(client_for, group_cochair, group):
    today = datetime.date.today()
    for i in range(25):
        ObjectiveFactory(
            group=group, title_en=f"Deadline {i:02d}", due_date=today + datetime.timedelta(days=i)
        )
    client = client_for(group_cochair)
    body = client.get(reverse("portal:home")).content.decode()
    shown = [f"Deadline {i:02d}" for i in range(25) if f"Deadline {i:02d}" in body]
    assert shown == [f"Deadline {i:02d}" for i in range(20)]
    positions = [body.index(title) for title in shown]
    assert positions == sorted(positions)
