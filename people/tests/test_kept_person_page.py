"""A person's page keeps their history and their memberships as HTML per data version (issue
17): a second view reads neither again; a new membership, a new link sent (an event) or a new
name shows on the next view; the invitation links' state, which turns with the hour, is read
on every view; and nobody but the secretariat gets what was kept."""

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from people import services
from workinggroups.tests.factories import GroupFactory, GroupMembershipFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cache_on")]


def read(client, person):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("people:person_detail", args=[person.pk]))
    assert response.status_code == 200
    html = re.sub(r'name="csrfmiddlewaretoken" value="\w+"', "", response.content.decode())
    return html[html.index("<h1>") : html.index("</main>")], len(ctx.captured_queries)


def test_a_second_view_is_kept_and_each_change_shows_on_the_next(
    client_for, secretariat, invite, run_on_commit
):
    person, _token = invite()
    client = client_for(secretariat)
    first, built = read(client, person)
    again, kept = read(client, person)
    assert again == first and "Invited" in again and kept < built
    GroupMembershipFactory(user=person, group=GroupFactory(name_en="Open data community"))
    assert "Open data community" in read(client, person)[0]
    with run_on_commit():
        services.invitation_resend(person=person, by=secretariat)
    page = read(client, person)[0]
    history = page[
        page.index('id="history-h"') : page.index("</section>", page.index('id="history-h"'))
    ]
    assert history.count("<li") == 2  # invited, then a new link sent
    assert "Replaced by a newer link" in page  # the first link's state


def test_an_invitation_link_expires_on_the_page_within_the_day(client_for, secretariat, invite):
    person, _token = invite()
    invitation = person.invitations.get()
    client = client_for(secretariat)
    assert "Valid" in read(client, person)[0]
    with time_machine.travel(invitation.expires_at + datetime.timedelta(minutes=1)):
        later = client_for(secretariat)  # a session of that time
        assert "Expired" in read(later, person)[0]


@pytest.mark.parametrize("persona", ["member", "group_cochair", "council_cochair"])
def test_only_the_secretariat_gets_what_was_kept(client_for, secretariat, personas, persona):
    target = personas["member"]
    assert client_for(secretariat).get(reverse("people:person_detail", args=[target.pk]))
    response = client_for(personas[persona]).get(reverse("people:person_detail", args=[target.pk]))
    assert response.status_code in (403, 404)
    assert "Group memberships" not in response.content.decode()
