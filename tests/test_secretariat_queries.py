"""The secretariat's new pages (groups, mandates, memberships, people) run the same number of
queries whatever the data: measured with a little data, then with ten times more people,
terms, past terms, changes and mandate versions. Each stays under the portal's ceiling of
15 queries per page (docs/benchmarks.md), the database session read included (issue 17).

`pytest tests/test_secretariat_queries.py -s` prints the counts measured."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from councils.tests.factories import CouncilMembershipFactory, JurisdictionFactory, UserFactory
from workinggroups.models import MandateReview
from workinggroups.tests.factories import GroupFactory, GroupMembershipFactory

CEILING = 15
# A group's page lists its co-chairs' check-ins (issue 13, section 6): one query more, at
# every size (tests/test_page_queries.py allows the same).
ALLOWED_MORE = {"group page": 1}
DAY = datetime.timedelta(days=1)


def grow(group, council, secretariat, n, tag):
    """n of each: current and past group terms of every role, council terms in new
    jurisdictions, people named alike, mandate versions with reviews."""
    today = timezone.localdate()
    for i in range(n):
        for role in ("co_chair", "member"):
            GroupMembershipFactory(group=group, role=role, end_date=today + (i + 5) * DAY)
            GroupMembershipFactory(
                group=group,
                role=role,
                start_date=datetime.date(2019, 1, 1),
                end_date=datetime.date(2019, 12, 31),
            )
        GroupMembershipFactory(group=group, role="representative", council=council)
        jurisdiction = JurisdictionFactory(code=f"{tag}{i}")
        person = UserFactory(username=f"{tag}-tremblay-{i}", last_name="Tremblay")
        person.profile.jurisdiction = jurisdiction
        person.profile.title_en = "Director"
        person.profile.save()
        CouncilMembershipFactory(council=council, user=person, jurisdiction=jurisdiction)
        CouncilMembershipFactory(
            council=council,
            start_date=datetime.date(2019, 1, 1),
            end_date=datetime.date(2019, 12, 31),
        )
        CouncilMembershipFactory(council=council, role="guest", end_date=today + 9 * DAY)
        GroupFactory(slug=f"{tag}-g{i}", parent=group)
        group.mandate_en = f"Mandate, revision {tag} {i}."
        group.save()
        MandateReview.objects.create(
            group=group,
            outcome="aligned",
            recorded_by=secretariat,
            mandate_version=group.mandate_versions.order_by("-number").first(),
        )


def pages(world):
    group, council = world["group"], world["council"]
    term = world["term"]
    seat = world["seat"]
    return {
        "group memberships": reverse("workinggroups:group_memberships", args=[group.slug]),
        "add to group": reverse("workinggroups:membership_create", args=[group.slug]),
        "change a group term": reverse("workinggroups:membership_edit", args=[term.pk]),
        "end a group term": reverse("workinggroups:membership_end", args=[term.pk]),
        "new group": reverse("workinggroups:group_create"),
        "edit group": reverse("workinggroups:group_edit", args=[group.slug]),
        "mandate versions": reverse("workinggroups:mandate_history", args=[group.slug]),
        "council memberships": reverse("councils:council_members", args=[council.code]),
        "add to council": reverse("councils:council_membership_create", args=[council.code]),
        "change a council term": reverse("councils:council_membership_edit", args=[seat.pk]),
        "end a council term": reverse("councils:council_membership_end", args=[seat.pk]),
        "council page": reverse("councils:council_detail", args=[council.code]),
        "person search (JSON)": reverse("councils:person_search") + "?q=tremblay&format=json",
        "group page": reverse("workinggroups:group_detail", args=[group.slug]),
    }


def measure(client, urls):
    counts = {}
    for name, url in urls.items():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        counts[name] = len(queries)
    return counts


@pytest.mark.django_db
def test_the_secretariats_pages_run_as_many_queries_with_ten_times_the_data(
    client_for, secretariat, group, council
):
    world = {
        "group": group,
        "council": council,
        "term": GroupMembershipFactory(group=group, role="member"),
        "seat": CouncilMembershipFactory(council=council, role="guest"),
    }
    client = client_for(secretariat)
    grow(group, council, secretariat, 2, "s")
    urls = pages(world)
    small = measure(client, urls)
    grow(group, council, secretariat, 20, "l")
    large = measure(client, urls)
    print(f"\nqueries with a little data: {small}\nqueries with 10x the data:  {large}")
    assert large == small
    over = {page: n for page, n in small.items() if n > CEILING + ALLOWED_MORE.get(page, 0)}
    assert not over, small
