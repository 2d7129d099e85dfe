"""Two secretariat members converting the same group at the same moment: the row lock makes
one of them wait, and the second then sees a community of practice and is refused."""

import threading

import pytest
from django.db import connection

from councils.tests.factories import CouncilMembershipFactory, UserFactory
from workinggroups.lifecycle import To
from workinggroups.models import GroupStatusChange
from workinggroups.services import TransitionRefused, group_transition
from workinggroups.tests.factories import GroupFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_concurrent_conversions_only_one_wins(require_postgres, council):
    group = GroupFactory(slug="open-government-wg")
    people = []
    for name in ("sophie", "marc"):
        person = UserFactory(username=name)
        CouncilMembershipFactory(user=person, council=council, role="secretariat")
        people.append(person)
    barrier = threading.Barrier(2)
    outcomes = []

    def convert(person):
        try:
            barrier.wait(timeout=10)
            group_transition(group=group, to=To.COP, by=person, reason=f"By {person.username}")
            outcomes.append("converted")
        except TransitionRefused:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=convert, args=(p,)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["converted", "refused"]
    assert GroupStatusChange.objects.filter(group=group).count() == 1
