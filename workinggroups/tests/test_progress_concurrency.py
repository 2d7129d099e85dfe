"""Two co-chairs updating one objective at the same moment, from pages that showed the same
revision: the row lock makes one wait; it then sees the other's update and is told so. No
server error, one update recorded."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from councils.tests.factories import UserFactory
from workinggroups.models import Objective, ObjectiveUpdate
from workinggroups.tests.factories import GroupFactory, GroupMembershipFactory, ObjectiveFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_cochairs_update_one_objective_at_once(require_postgres):
    group = GroupFactory(slug="digital-identity-wg")
    goal = ObjectiveFactory(group=group, status=Objective.Status.ON_TRACK)
    chairs = []
    for name in ("jordan", "alex"):
        person = UserFactory(username=name)
        GroupMembershipFactory(user=person, group=group, role="co_chair")
        chairs.append(person)
    url = reverse("workinggroups:objective_update", args=[goal.pk])
    prefix = f"objective-{goal.pk}"
    barrier = threading.Barrier(2)
    outcomes = {}

    def update(person, status):
        client = Client()
        client.force_login(person)
        data = {f"{prefix}-revision": 0, f"{prefix}-status": status,
                f"{prefix}-due_date": goal.due_date.isoformat()}  # fmt: skip
        try:
            barrier.wait(timeout=10)
            response = client.post(url, data)
            told = "Someone else changed this" in response.content.decode()
            outcomes[person.username] = (response.status_code, told)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=update, args=(chairs[0], "done")),
        threading.Thread(target=update, args=(chairs[1], "at_risk")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes.values()) == [(200, True), (302, False)], outcomes
    winner = next(name for name, (code, _told) in outcomes.items() if code == 302)
    update_row = ObjectiveUpdate.objects.get(objective=goal)
    goal.refresh_from_db()
    assert update_row.by.username == winner
    assert goal.status == {"jordan": "done", "alex": "at_risk"}[winner]
    assert goal.revision == 1
