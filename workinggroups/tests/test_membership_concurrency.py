"""Two secretariat staff ending the last liaison of a council at the same moment, through the
real views, on PostgreSQL with one connection each: exactly one wins, the other is told, no
server error."""

import datetime
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from councils.tests.factories import CouncilMembershipFactory, UserFactory
from workinggroups.models import GroupMembership
from workinggroups.tests.factories import GroupMembershipFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
DAY = datetime.timedelta(days=1)


def post_together(posts):
    """[(user, url, data)] posted from one thread each, released at once."""
    barrier = threading.Barrier(len(posts))
    responses = [None] * len(posts)

    def work(index, user, url, data):
        client = Client()
        client.force_login(user)
        try:
            barrier.wait(timeout=20)
            responses[index] = client.post(url, data)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i, *p)) for i, p in enumerate(posts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(not t.is_alive() for t in threads)
    return responses


@pytest.fixture
def staff(council):
    people = []
    for name in ("sophie", "marc"):
        person = UserFactory(username=name)
        CouncilMembershipFactory(user=person, council=council, role="secretariat")
        people.append(person)
    return people


def test_two_staff_end_the_last_liaison_at_once_one_wins_the_other_is_told(
    require_postgres, group, council, staff
):
    term = GroupMembershipFactory(group=group, role="representative", council=council)
    url = reverse("workinggroups:membership_end", args=[term.pk])
    yesterday = (timezone.localdate() - DAY).isoformat()
    data = {
        "revision": 0,
        "end_date": yesterday,
        "confirm_gap": f"{group.pk}:{council.pk}",
        "reason": "Left the public service.",
    }
    responses = post_together([(person, url, data) for person in staff])
    codes = sorted(r.status_code for r in responses)
    assert codes == [302, 409], codes
    loser = next(r for r in responses if r.status_code == 409)
    assert "Someone else changed this" in loser.content.decode()
    term.refresh_from_db()
    assert term.revision == 1 and term.end_date.isoformat() == yesterday
    assert term.history.count() == 2  # added, then ended once


def test_two_staff_each_end_one_of_the_last_two_liaisons_the_second_is_shown_the_gap(
    require_postgres, group, council, staff
):
    """Each page showed another liaison left, so neither asked to confirm a gap: the first to
    commit wins; the second, served after it (the council's row is locked), would now open
    the gap, and is shown the confirmation page that names it instead."""
    terms = [
        GroupMembershipFactory(group=group, role="representative", council=council)
        for _ in range(2)
    ]
    yesterday = (timezone.localdate() - DAY).isoformat()
    posts = [
        (
            person,
            reverse("workinggroups:membership_end", args=[term.pk]),
            {"revision": 0, "end_date": yesterday, "reason": "Term over."},
        )
        for person, term in zip(staff, terms, strict=True)
    ]
    responses = post_together(posts)
    codes = sorted(r.status_code for r in responses)
    assert codes == [200, 302], codes
    shown = next(r for r in responses if r.status_code == 200).content.decode()
    assert "Confirm: this opens a liaison gap" in shown
    assert f"{group.name_en} would have nobody on PSSDC" in shown
    ended = GroupMembership.objects.filter(pk__in=[t.pk for t in terms], end_date__isnull=False)
    assert ended.count() == 1
