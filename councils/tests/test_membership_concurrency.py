"""Two secretariat staff ending, at the same moment, the council seat that is a group's last
liaison there (its co-chair's own seat on the council), through the real views, on PostgreSQL
with one connection each: exactly one wins, the other is told, no server error. The same race
through a group's memberships is in workinggroups/tests/test_membership_concurrency.py."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from councils.models import CouncilMembership
from councils.tests.factories import CouncilMembershipFactory, UserFactory
from workinggroups.liaison import gaps
from workinggroups.tests.factories import GroupMembershipFactory
from workinggroups.tests.test_membership_concurrency import post_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
DAY = datetime.timedelta(days=1)


@pytest.fixture
def staff(council):
    people = []
    for name in ("sophie", "marc"):
        person = UserFactory(username=name)
        CouncilMembershipFactory(user=person, council=council, role="secretariat")
        people.append(person)
    return people


def test_two_staff_end_a_cochairs_seat_the_groups_last_liaison_at_once(
    require_postgres, group, council, staff
):
    chair = GroupMembershipFactory(group=group, role="co_chair")
    seat = CouncilMembershipFactory(user=chair.user, council=council, role="member")
    today = timezone.localdate()
    assert not gaps([group.pk], [today])  # the co-chair's seat is the group's liaison
    yesterday = (today - DAY).isoformat()
    data = {
        "revision": 0,
        "end_date": yesterday,
        "confirm_gap": f"{group.pk}:{council.pk}",
        "reason": "Term over.",
    }
    url = reverse("councils:council_membership_end", args=[seat.pk])
    responses = post_together([(person, url, data) for person in staff])
    codes = sorted(r.status_code for r in responses)
    assert codes == [302, 409], codes
    loser = next(r for r in responses if r.status_code == 409)
    assert "Someone else changed this" in loser.content.decode()
    seat.refresh_from_db()
    assert seat.revision == 1 and seat.end_date.isoformat() == yesterday
    assert seat.history.count() == 2  # added, then ended once
    assert gaps([group.pk], [today]) == {(group.pk, council.pk, today)}


def test_two_staff_each_end_one_of_two_cochairs_seats_the_second_is_shown_the_gap(
    require_postgres, group, council, staff
):
    """Each page showed another liaison left; the second served (the council's row is
    locked) would now open the gap and gets the confirmation page naming it instead."""
    seats = []
    for _ in range(2):
        chair = GroupMembershipFactory(group=group, role="co_chair")
        seats.append(CouncilMembershipFactory(user=chair.user, council=council, role="member"))
    yesterday = (timezone.localdate() - DAY).isoformat()
    posts = [
        (
            person,
            reverse("councils:council_membership_end", args=[seat.pk]),
            {"revision": 0, "end_date": yesterday, "reason": "Term over."},
        )
        for person, seat in zip(staff, seats, strict=True)
    ]
    responses = post_together(posts)
    codes = sorted(r.status_code for r in responses)
    assert codes == [200, 302], codes
    shown = next(r for r in responses if r.status_code == 200).content.decode()
    assert f"{group.name_en} would have nobody on PSSDC" in shown
    ended = CouncilMembership.objects.filter(pk__in=[s.pk for s in seats], end_date__isnull=False)
    assert ended.count() == 1
