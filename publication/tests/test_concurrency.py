"""On PostgreSQL, two secretariat members publishing one record at once: the record's row lock
makes one wait, the second is told it is already public, and there is one publication row."""

import pytest

from councils.tests.factories import CouncilMembershipFactory, UserFactory
from people.tests.test_concurrency import race
from publication.models import Publication, PublicationStep
from publication.services import publication_publish

from .data import adopted_plan

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_people_publish_one_plan_at_once(require_postgres, council, group, priority):
    staff = []
    for name in ("sophie", "marc"):
        person = UserFactory(username=name)
        CouncilMembershipFactory(user=person, council=council, role="secretariat")
        staff.append(person)
    plan = adopted_plan(group, priority)
    outcomes = race(*(lambda by=by: publication_publish(record=plan, by=by) for by in staff))
    assert outcomes == ["done", "refused"]
    assert Publication.objects.count() == 1
    assert PublicationStep.objects.count() == 1
