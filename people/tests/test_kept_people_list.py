"""The people list keeps its rows as HTML per the ids on the page and the people domain's
version (issue 17): a second view renders none of them again, and whatever a row shows changes
on the next view, made through the People area or straight on the account as the Django admin
does (a person's account counts as a change to every domain, core.cache). Signing in, which
only stamps last_login, keeps them."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from councils.tests.factories import UserFactory
from people import services
from people.tests.helpers import rename
from workinggroups.tests.factories import GroupMembershipFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cache_on")]


def rows(client, **query):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("people:person_list"), query)
    assert response.status_code == 200
    html = response.content.decode()
    body = html[html.index("<tbody>") : html.index("</tbody>")] if "<tbody>" in html else ""
    # Whether the rows were rendered: only their query reads the jurisdictions.
    rendered = any("councils_jurisdiction" in q["sql"] for q in ctx.captured_queries)
    return re.sub(r"\s+", " ", body), rendered


def test_a_second_view_is_kept_and_each_change_a_row_shows_comes_on_the_next(
    client_for, secretariat, invite, run_on_commit, jurisdiction
):
    person, token = invite(last_name="Zed")
    client = client_for(secretariat)
    first, rendered = rows(client)
    again, rendered_again = rows(client)
    assert again == first and "Zed" in first and rendered and not rendered_again
    jurisdiction.name_en = "Province of New Brunswick"
    jurisdiction.save()
    assert "Province of New Brunswick" in rows(client)[0]
    # Through the People area: a new name, the invitation accepted, a deactivation.
    rename(person, by=secretariat, first_name="Chloé", last_name="Zebulon")
    assert "Zebulon" in rows(client)[0]
    with run_on_commit():
        services.invitation_accept(token=token, password="A long enough passphrase 42")
    row = rows(client, q="Zebulon")[0]
    assert "Active" in row and "Invited" not in row
    with run_on_commit():
        services.person_deactivate(person=person, by=secretariat, last_day=timezone.localdate())
    assert "Inactive" in rows(client, q="Zebulon")[0]
    # Straight on the account, as the Django admin saves it, the page kept just before.
    assert "Chloe.OBrien@example.gc.ca".lower() in rows(client)[0].lower()
    person.refresh_from_db()
    person.email = "chloe.z@example.gc.ca"
    person.save()
    assert "chloe.z@example.gc.ca" in rows(client)[0]


def test_signing_in_keeps_the_rows(client_for, secretariat, invite):
    invite()
    client = client_for(secretariat)
    assert rows(client)[1]
    secretariat.last_login = timezone.now()
    secretariat.save(update_fields=["last_login"])
    assert not rows(client)[1]


def test_each_search_keeps_its_own_rows(client_for, secretariat):
    UserFactory(first_name="Ada", last_name="Lovelace")
    UserFactory(first_name="Grace", last_name="Hopper")
    client = client_for(secretariat)
    for _ in range(2):
        ada, grace = rows(client, q="Lovelace")[0], rows(client, q="Hopper")[0]
        assert "Lovelace" in ada and "Hopper" not in ada
        assert "Hopper" in grace and "Lovelace" not in grace


def test_a_person_renamed_on_their_account_is_renamed_on_every_kept_page(client_for, secretariat):
    """The Django admin saves the account, no portal service: before issue 17's tenth round,
    such a rename changed no version, and the pages kept the old name for up to an hour."""
    membership = GroupMembershipFactory(user=UserFactory(first_name="Ada", last_name="Lovelace"))
    client = client_for(secretariat)
    url = reverse("workinggroups:group_memberships", args=[membership.group.slug])
    assert "Lovelace" in client.get(url).content.decode()
    person = membership.user
    person.last_name = "King"
    person.save()
    page = client.get(url).content.decode()
    assert "King" in page and "Lovelace" not in page
