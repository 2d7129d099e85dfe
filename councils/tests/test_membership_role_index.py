"""A council's co-chairs are read off an index on (council, role) (issue 17): the API's
councils, the review page's recusals, the funding notices and the reminders each read every
membership of every council to find a handful (3.6 ms over 25,000 at scale 1,000; 0.15 ms
with the index)."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from councils.models import CouncilMembership

pytestmark = pytest.mark.postgres


def test_a_councils_co_chairs_are_read_off_the_role_index(require_postgres, council):
    User = get_user_model()
    people = User.objects.bulk_create(User(username=f"member-{i}") for i in range(3000))
    CouncilMembership.objects.bulk_create(
        CouncilMembership(
            council=council,
            user=person,
            role=CouncilMembership.Role.CO_CHAIR if i < 2 else CouncilMembership.Role.MEMBER,
            start_date=datetime.date(2020, 1, 1),
        )
        for i, person in enumerate(people)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE councils_councilmembership")
    co_chairs = CouncilMembership.objects.active().filter(
        council=council, role=CouncilMembership.Role.CO_CHAIR
    )
    plan = co_chairs.explain()
    assert "council_membership_role" in plan, plan
    assert sorted(co_chairs.values_list("user__username", flat=True)) == ["member-0", "member-1"]
