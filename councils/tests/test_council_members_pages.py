"""A council's members a page at a time, on its page and on its memberships page (issue 17:
1,290 current members at scale 100 were all rendered, and the page grew 9x from scale 1)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from councils.models import CouncilMembership, Jurisdiction
from councils.tests.factories import CouncilMembershipFactory, JurisdictionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_pages(settings):
    settings.PORTAL_PAGE_SIZE = 3


def members_table(response):
    """The members' table and its pager (not the latest changes, which name people too)."""
    html = response.content.decode()
    return html[html.index("Members by jurisdiction") : html.index("Jurisdictions with no member")]


def add_members(council, n, jurisdiction=None):
    return [
        CouncilMembershipFactory(
            council=council, role=CouncilMembership.Role.MEMBER, jurisdiction=jurisdiction
        )
        for _ in range(n)
    ]


@pytest.mark.parametrize("page", ["councils:council_members", "councils:council_detail"])
def test_members_come_a_page_at_a_time_with_their_own_pager(
    page, small_pages, council, personas, client_for
):
    ontario = JurisdictionFactory(name_en="Ontario")
    members = add_members(council, 4, ontario)
    names = sorted((m.user.last_name, m.user.get_full_name()) for m in members)
    client = client_for(personas["secretariat"])
    url = reverse(page, args=[council.code])
    first = members_table(client.get(url))
    # The first page: the first three by name, and a pager of its own.
    assert all(name in first for _, name in names[:3]) and names[3][1] not in first
    assert 'aria-label="Pages of members"' in first
    assert "members_page=2" in first
    second = members_table(client.get(url, {"members_page": 2}))
    assert names[3][1] in second and "Ontario" in second


@pytest.mark.parametrize("page", ["councils:council_members", "councils:council_detail"])
def test_the_members_pages_run_as_many_queries_whatever_the_members(
    page, small_pages, council, personas, client_for
):
    """Read from an empty cache (the part that is kept is built) and again (it is kept)."""
    from django.core.cache import cache

    client = client_for(personas["secretariat"])
    url = reverse(page, args=[council.code])

    def reads():
        cache.clear()
        counts = []
        for _ in range(2):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counts.append(len(queries.captured_queries))
        return counts

    add_members(council, 2)
    few = reads()
    add_members(council, 12, JurisdictionFactory())
    assert reads() == few


def test_a_jurisdiction_is_represented_by_a_members_term_or_profile(council):
    from councils.selectors import jurisdictions_without_member

    first, second, _third = JurisdictionFactory(), JurisdictionFactory(), JurisdictionFactory()
    add_members(council, 1, first)
    member = add_members(council, 1)[0]
    member.user.profile.jurisdiction = second
    member.user.profile.save()
    missing = {j.pk for j in jurisdictions_without_member(council)}
    assert first.pk not in missing and second.pk not in missing
    assert missing == set(
        Jurisdiction.objects.exclude(pk__in=[first.pk, second.pk]).values_list("pk", flat=True)
    )


def test_the_groups_reporting_to_a_council_come_a_page_at_a_time(
    small_pages, council, personas, client_for
):
    from workinggroups.tests.factories import GroupFactory

    for _ in range(4):
        GroupFactory(councils=[council])
    total = council.groups.current().count()  # with the personas' own group
    client = client_for(personas["member"])
    url = reverse("councils:council_detail", args=[council.code])

    def listed(response):
        html = response.content.decode()
        section = html[
            html.index('id="groups-h"') : html.index("</section>", html.index('id="groups-h"'))
        ]
        return section.count('<li><a href="/en/groups/'), section

    shown, section = listed(client.get(url))
    assert shown == 3 and 'aria-label="Pages of groups"' in section
    assert "groups_page=2" in section
    assert listed(client.get(url, {"groups_page": 2}))[0] == total - 3
