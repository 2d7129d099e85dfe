"""Home keeps a person's part as HTML per person and data version (issue 17): a second view
reads no data of theirs again; each change that touches it shows on the next view, their own
included; the inbox is read on every view; the day, the language and the groups page each get
their own copy, and no person is shown another's."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from funding.tests.factories import FundingRequestFactory
from notifications.models import Notification
from workinggroups.models import Objective
from workinggroups.tests.factories import GroupFactory, GroupMembershipFactory, ObjectiveFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cache_on")]

NOW = datetime.datetime(2027, 3, 10, 15, 0, tzinfo=datetime.UTC)
URL = reverse("portal:home")


def read(client, url=URL):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(ctx.captured_queries)


def waiting(page):
    return page.split('id="waiting-heading"')[1].split('id="groups-heading"')[0]


def mine(page):
    return page.split('id="groups-heading"')[1].split("</main>")[0]


@time_machine.travel(NOW, tick=False)
def test_a_second_view_reads_nothing_of_the_persons_again_and_shows_the_same(
    client_for, group_cochair, group
):
    ObjectiveFactory(group=group, title_en="Pilot report", due_date=datetime.date(2027, 3, 20))
    client = client_for(group_cochair)
    first, built = read(client)
    again, kept = read(client)
    assert waiting(again) == waiting(first) and "Pilot report" in waiting(again)
    assert mine(again) == mine(first) and "Digital Identity Working Group" in mine(again)
    # The roles with the unread count, the session, the versions' transaction and the inbox:
    # none of the sections' own queries.
    assert kept <= 5 < built


@time_machine.travel(NOW, tick=False)
def test_each_change_shows_on_the_next_view(client_for, group_cochair, group):
    client = client_for(group_cochair)
    read(client)
    objective = ObjectiveFactory(group=group, title_en="Pilot report", due_date=NOW.date())
    assert "Pilot report" in waiting(read(client)[0])  # the groups' data
    FundingRequestFactory(group=group, created_by=group_cochair, title_en="Kiosk pilot")
    assert "Kiosk pilot" in waiting(read(client)[0])  # funding
    objective.status = Objective.Status.DONE
    objective.save()
    assert "Pilot report" not in waiting(read(client)[0])
    other = GroupFactory(name_en="Newly joined group")
    GroupMembershipFactory(group=other, user=group_cochair)
    assert "Newly joined group" in read(client)[0]  # a membership


@time_machine.travel(NOW, tick=False)
def test_the_inbox_is_read_on_every_view(client_for, member):
    client = client_for(member)
    assert "unread notification" not in read(client)[0]
    Notification.objects.create(recipient=member, kind="overdue", text_en="Just arrived")
    page = read(client)[0]
    assert "Just arrived" in page and "1 unread notification" in page


def test_the_day_the_language_and_the_page_each_have_their_own_copy(
    client_for, group_cochair, group, settings
):
    settings.PORTAL_PAGE_SIZE = 2
    for i in range(3):
        GroupMembershipFactory(group=GroupFactory(name_en=f"Zeta group {i}"), user=group_cochair)
    ObjectiveFactory(group=group, title_en="Pilot report", due_date=datetime.date(2027, 3, 11))
    with time_machine.travel(NOW, tick=False):
        client = client_for(group_cochair)
        today = waiting(read(client)[0])
        assert "Pilot report" in today and "Overdue" not in today
        assert "Digital Identity Working Group" in mine(read(client)[0])
        second = mine(read(client, URL + "?groups_page=2")[0])
        assert "Showing 3 to 4 of 4" in second and "Digital Identity" not in second
        french = read(client, "/fr/")[0]
        assert "Ce qui m’attend" in french or "Ce qui m'attend" in french
        assert "Objectif" in french and "Deadline" not in french
    with time_machine.travel(NOW + datetime.timedelta(days=2), tick=False):
        client = client_for(group_cochair)  # a session of that day
        assert "Overdue" in waiting(read(client)[0])  # kept for the day it was built


@time_machine.travel(NOW, tick=False)
def test_no_person_is_shown_anothers_part(client_for, group_cochair, member, group):
    ObjectiveFactory(group=group, title_en="Pilot report", due_date=datetime.date(2027, 3, 20))
    FundingRequestFactory(group=group, created_by=group_cochair, title_en="Kiosk pilot")
    assert "Kiosk pilot" in read(client_for(group_cochair))[0]
    page = read(client_for(member))[0]
    assert "Pilot report" not in page and "Kiosk pilot" not in page
    assert "Welcome, " + (member.first_name or member.username) in page


@time_machine.travel(NOW, tick=False)
def test_the_co_chairs_queue_says_how_many_days_the_oldest_has_waited(
    client_for, council_cochair, group, group_cochair
):
    """Kept for the day, it says days, not hours that would be wrong by evening."""
    from funding.models import Status

    FundingRequestFactory(
        group=group,
        created_by=group_cochair,
        status=Status.SUBMITTED,
        submitted=True,
    )
    client = client_for(council_cochair)
    assert "The oldest arrived today." in read(client)[0]
    with time_machine.travel(NOW + datetime.timedelta(days=3), tick=False):
        client = client_for(council_cochair)  # a session of that day
        assert "The oldest has waited 3 days." in read(client)[0]
        french = read(client, "/fr/")[0]
        assert "La plus ancienne attend depuis 3 jours." in french


@pytest.mark.django_db(transaction=True)  # each write commits and bumps its versions
@time_machine.travel(NOW, tick=False)
def test_while_one_request_rebuilds_a_home_the_persons_others_get_the_previous_copy(
    client_for, group_cochair, group
):
    """One request at a time rebuilds a home after a change (issue 17: at scale 1,000, with
    a write a second, every request of a co-chair's home rebuilt it at once)."""
    from django.core.cache import cache
    from django.utils import translation

    from core.cache import fragment_key
    from portal.views import HOME_DOMAINS, HOME_PARTS_SHAPE

    client = client_for(group_cochair)
    read(client)
    ObjectiveFactory(group=group, title_en="Pilot report", due_date=NOW.date())
    with translation.override("en"):
        key = fragment_key(
            f"home:{HOME_PARTS_SHAPE}",
            HOME_DOMAINS,
            group_cochair.pk,
            group_cochair.is_superuser,
            [],
        )
    cache.add(f"{key}:lock", 1, timeout=None)  # another request of theirs is rebuilding it
    assert "Pilot report" not in waiting(read(client)[0])  # the copy of a moment ago
    cache.delete(f"{key}:lock")
    assert "Pilot report" in waiting(read(client)[0])
