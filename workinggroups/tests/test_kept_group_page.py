"""A group's page keeps the group it shows, loaded with everything on the page, per data
version (issue 17); what depends on the reader is worked out on each view. So: a second view
reads none of the group's rows again; an objective, a person's name, a link or a check-in
changed shows on the next view; a co-chair gets their update forms (with their own session's
token, which their post passes) and a member reading the same kept group gets none; an
unknown group is a 404 each time."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from councils.models import Meeting
from councils.tests.factories import MeetingFactory
from people.tests.helpers import rename
from workinggroups.models import GroupLink, Objective
from workinggroups.tests.factories import GroupFactory, ObjectiveFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cache_on")]


def read(client, group):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("workinggroups:group_detail", args=[group.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    return html[html.index("<h1") : html.index("</main>")], len(ctx.captured_queries)


def test_a_second_view_reads_none_of_the_groups_rows_again(client_for, member, group):
    ObjectiveFactory(group=group, title_en="Pilot report")
    client = client_for(member)
    first, built = read(client, group)
    again, kept = read(client, group)
    assert again == first and "Pilot report" in again
    # The session, the reader and their roles; none of the group's 11.
    assert kept <= 4 < built


def test_each_change_shows_on_the_next_view(client_for, member, group, group_cochair, secretariat):
    client = client_for(member)
    read(client, group)
    objective = ObjectiveFactory(group=group, title_en="Pilot report")
    assert "Pilot report" in read(client, group)[0]
    objective.title_en = "Pilot report, revised"
    objective.save()
    assert "Pilot report, revised" in read(client, group)[0]
    rename(group_cochair, by=secretariat, first_name="Renamed", last_name="Co-chair")
    assert "Renamed Co-chair" in read(client, group)[0]
    other = GroupFactory(name_en="Data sharing community")
    GroupLink.objects.create(group_a=group, group_b=other, created_by=secretariat)
    assert "Data sharing community" in read(client, group)[0]
    check_in = MeetingFactory(
        kind=Meeting.Kind.CHECK_IN,
        title_en="Spring check-in",
        starts_at=datetime.datetime(2027, 4, 1, 14, tzinfo=datetime.UTC),
    )
    group.check_ins.add(check_in)
    assert "Spring check-in" in read(client, group)[0]


def test_the_reader_gets_their_own_forms_from_the_same_kept_group(
    client_for, member, group, group_cochair
):
    objective = ObjectiveFactory(group=group, title_en="Pilot report")
    member_client, chair_client = client_for(member), client_for(group_cochair)
    assert "objective-update-row" not in read(member_client, group)[0]  # now kept
    chair_page = read(chair_client, group)[0]
    assert "objective-update-row" in chair_page
    assert "objective-update-row" not in read(member_client, group)[0]
    prefix = f"objective-{objective.pk}"
    posted = chair_client.post(
        reverse("workinggroups:objective_update", args=[objective.pk]),
        {
            f"{prefix}-revision": objective.revision,
            f"{prefix}-status": Objective.Status.AT_RISK,
            f"{prefix}-due_date": objective.due_date.isoformat(),
        },
    )
    assert posted.status_code == 302
    objective.refresh_from_db()
    assert objective.status == Objective.Status.AT_RISK


def test_an_unknown_group_is_a_404_each_time(client_for, member):
    client = client_for(member)
    url = reverse("workinggroups:group_detail", args=["no-such-group"])
    assert client.get(url).status_code == 404
    assert client.get(url).status_code == 404
    GroupFactory(slug="no-such-group", name_en="Now it exists")
    assert "Now it exists" in client.get(url).content.decode()
