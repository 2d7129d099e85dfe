"""On PostgreSQL, two secretariat members acting on one person at once, and one invitation
link submitted twice at once: the row lock makes one wait, and the second is told."""

import threading

import pytest
from django.db import connection
from django.utils import timezone

from core.workflow import StepRefused
from councils.tests.factories import CouncilMembershipFactory, UserFactory
from people import mail, services
from people.models import Invitation, PersonEvent

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(*calls):
    barrier = threading.Barrier(len(calls))
    outcomes = []

    def run(call):
        try:
            barrier.wait(timeout=10)
            call()
            outcomes.append("done")
        except StepRefused:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return sorted(outcomes)


def test_two_secretariat_members_deactivate_one_person_at_once(require_postgres, council):
    staff = []
    for name in ("sophie", "marc"):
        person = UserFactory(username=name)
        CouncilMembershipFactory(user=person, council=council, role="secretariat")
        staff.append(person)
    leaving = UserFactory(username="leaving")
    CouncilMembershipFactory(user=leaving, council=council, role="member")
    day = timezone.localdate()
    outcomes = race(
        *(
            lambda by=by: services.person_deactivate(person=leaving, by=by, last_day=day)
            for by in staff
        )
    )
    assert outcomes == ["done", "refused"]
    assert PersonEvent.objects.filter(person=leaving, kind="deactivated").count() == 1


def test_one_link_submitted_twice_at_once_sets_one_password(require_postgres, secretariat):
    person = services.person_invite(
        by=secretariat,
        first_name="Ana",
        last_name="Silva",
        email="ana@example.gc.ca",
        language="en",
    )
    token = mail.mint_token(services._new_invitation(person=person, by=secretariat))
    outcomes = race(
        lambda: services.invitation_accept(token=token, password="First-long-passphrase-1"),
        lambda: services.invitation_accept(token=token, password="Second-long-passphrase-2"),
    )
    assert outcomes == ["done", "refused"]
    person.refresh_from_db()
    assert person.check_password("First-long-passphrase-1") != person.check_password(
        "Second-long-passphrase-2"
    )
    assert Invitation.objects.filter(person=person, used_at__isnull=False).count() == 1
    assert PersonEvent.objects.filter(person=person, kind="joined").count() == 1
