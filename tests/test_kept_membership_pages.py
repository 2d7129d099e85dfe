"""The secretariat's memberships pages of a council and of a group keep their content as HTML
per data version (core.cache.kept_page_part, issue 17): a second view reads none of it again;
a term added, a person renamed or a new day shows on the next view; each page of past terms,
each language has its own copy; and a person who may not manage the memberships is refused
whatever was kept for the secretariat."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from councils.models import CouncilMembership
from councils.tests.factories import CouncilMembershipFactory, UserFactory
from people.tests.helpers import rename
from workinggroups.models import GroupMembership
from workinggroups.tests.factories import GroupMembershipFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cache_on")]

NOW = datetime.datetime(2027, 3, 10, 15, 0, tzinfo=datetime.UTC)


@pytest.fixture
def pages(council, group):
    return {
        "council": reverse("councils:council_members", args=[council.code]),
        "group": reverse("workinggroups:group_memberships", args=[group.slug]),
    }


def add_term(which, council, group, person, **dates):
    if which == "council":
        return CouncilMembershipFactory(
            council=council, user=person, role=CouncilMembership.Role.MEMBER, **dates
        )
    return GroupMembershipFactory(
        group=group, user=person, role=GroupMembership.Role.MEMBER, **dates
    )


def read(client, url, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    html = response.content.decode()
    return html[html.index("<h1>") : html.index("</main>")], len(ctx.captured_queries)


def past(html):
    """The past terms' list, without the latest changes (which name people too)."""
    start = html.index('id="past-h"')
    return html[start : html.index("</section>", start)]


@pytest.mark.parametrize("which", ["council", "group"])
@time_machine.travel(NOW, tick=False)
def test_a_second_view_is_kept_and_each_change_shows_on_the_next(
    which, pages, council, group, secretariat, client_for
):
    client = client_for(secretariat)
    person = UserFactory(first_name="Jordan", last_name="Fraser")
    add_term(which, council, group, person, start_date=datetime.date(2026, 1, 1))
    first, built = read(client, pages[which])
    again, kept = read(client, pages[which])
    assert again == first and "Jordan Fraser" in again and kept < built
    newcomer = UserFactory(first_name="Amara", last_name="Okafor")
    add_term(which, council, group, newcomer, start_date=datetime.date(2027, 3, 1))
    assert "Amara Okafor" in read(client, pages[which])[0]
    rename(person, by=secretariat, first_name="Jordan", last_name="Fraser-Leblanc")
    assert "Jordan Fraser-Leblanc" in read(client, pages[which])[0]


@pytest.mark.parametrize("which", ["council", "group"])
def test_the_day_the_language_and_the_page_each_have_their_own_copy(
    which, pages, council, group, secretariat, client_for, settings
):
    person = UserFactory(first_name="Jordan", last_name="Fraser")
    add_term(
        which,
        council,
        group,
        person,
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2027, 5, 1),
    )
    for i in range(12):  # two pages of past terms, 10 a page
        add_term(
            which,
            council,
            group,
            UserFactory(first_name="Past", last_name=f"Person {i:02d}"),
            start_date=datetime.date(2020, 1, 1),
            end_date=datetime.date(2021, 1, 1 + i),
        )
    with time_machine.travel(NOW, tick=False):
        client = client_for(secretariat)
        assert "ends within 30 days" not in read(client, pages[which])[0]
        first = past(read(client, pages[which])[0])
        second = past(read(client, pages[which], page=2)[0])
        assert "Past Person 11" in first and "Past Person 11" not in second
        assert "Past Person 00" in second
        assert "Mandats passés" in read(client, "/fr" + pages[which][3:])[0]
    with time_machine.travel(NOW + datetime.timedelta(days=25), tick=False):
        client = client_for(secretariat)  # a session of that day
        assert "ends within 30 days" in read(client, pages[which])[0]


@pytest.mark.parametrize("which", ["council", "group"])
@pytest.mark.parametrize("persona", ["member", "outsider", "group_cochair"])
def test_whoever_may_not_manage_the_memberships_is_refused_what_was_kept(
    which, persona, pages, personas, secretariat, client_for
):
    assert client_for(secretariat).get(pages[which]).status_code == 200  # now kept
    response = client_for(personas[persona]).get(pages[which])
    assert response.status_code in (403, 404)
    assert "Past terms" not in response.content.decode()
