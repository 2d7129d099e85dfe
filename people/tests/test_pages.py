"""The People area: a paginated list searchable by name with jurisdiction, title and status;
a person page; the menu entry for the secretariat only; a constant number of queries."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from councils.tests.factories import CouncilMembershipFactory, UserFactory
from people import services
from workinggroups.tests.factories import GroupMembershipFactory

User = get_user_model()


def make_people(n, jurisdiction, council, group):
    for i in range(n):
        person = UserFactory(username=f"bulk{i}", first_name=f"Bulk{i}", last_name=f"Person{i:04d}")
        person.profile.jurisdiction = jurisdiction
        person.profile.title_en = f"Director {i}"
        person.profile.save()
        CouncilMembershipFactory(user=person, council=council, role="member")
        GroupMembershipFactory(user=person, group=group, role="member")


def test_the_list_shows_jurisdiction_title_language_and_status(
    client_for, secretariat, invite, jurisdiction, council
):
    invited, _token = invite()
    former = UserFactory(username="former", first_name="Fran", last_name="Former")
    services.person_deactivate(
        person=former, by=secretariat, last_day=timezone.localdate(former.date_joined)
    )
    page = client_for(secretariat).get(reverse("people:person_list"))
    assert page.status_code == 200
    body = page.content.decode()
    rows = {
        pk: body[body.index(f'href="/en/people/{pk}/"') :].split("</tr>")[0]
        for pk in (invited.pk, former.pk, secretariat.pk)
    }
    assert ">Invited</span>" in rows[invited.pk]
    assert ">Inactive</span>" in rows[former.pk]
    assert ">Active</span>" in rows[secretariat.pk]
    assert "New Brunswick" in body and "Chief digital officer" in body and "French" in body


def test_the_list_in_french_shows_french_names(client_for, secretariat, invite):
    invite()
    body = client_for(secretariat).get("/fr/people/").content.decode()
    assert "Nouveau-Brunswick" in body and "Dirigeante principale du numérique" in body


def test_search_by_name_and_filter_by_status(client_for, secretariat, invite):
    invited, _token = invite()
    client = client_for(secretariat)
    url = reverse("people:person_list")
    found = client.get(url, {"q": "chloé o'brien"}).context["page_obj"]
    assert [p.pk for p in found] == [invited.pk]

    def listed(**query):
        return [p.pk for p in client.get(url, query).context["page_obj"]]

    assert listed(status="invited") == [invited.pk]
    assert invited.pk not in listed(status="active")
    none = client.get(url, {"q": "zzz-nobody"})
    assert "No person matches this search." in none.content.decode()


def test_the_search_fields_show_what_was_asked_in_the_page_language(client_for, secretariat):
    """The fields are kept as HTML per values asked and language (core filter_fields): each
    search shows its own text and status chosen, labelled, and an invalid status is refused
    next to its field, in English and in French, the cache on."""
    client = client_for(secretariat)
    url = reverse("people:person_list")
    for q, status in (("chloé", "invited"), ("Tremblay", "inactive"), ("chloé", "invited")):
        body = client.get(url, {"q": q, "status": status}).content.decode()
        assert f'name="q" value="{q}"' in body
        assert f'<option value="{status}" selected>' in body
        assert body.count(" selected>") == 1
        assert 'for="id_q" class="form-label"' in body and 'for="id_status"' in body
    french = client.get("/fr/people/", {"q": "x", "status": "nonsense"}).content.decode()
    assert "Nom ou adresse courriel" in french and "Statut" in french
    assert "Sélectionnez un choix valide" in french and 'aria-invalid="true"' in french
    english = client.get(url, {"status": "nonsense"}).content.decode()
    assert "Select a valid choice" in english and "Name or e-mail address" in english


def test_odd_search_parameters_are_not_errors(client_for, secretariat):
    client = client_for(secretariat)
    for params in ({"status": "nonsense"}, {"page": "٣"}, {"page": "99999"}, {"q": "x" * 500}):
        assert client.get(reverse("people:person_list"), params).status_code == 200


def test_the_list_is_paginated(client_for, secretariat, jurisdiction, council, group, settings):
    make_people(30, jurisdiction, council, group)
    client = client_for(secretariat)
    first = client.get(reverse("people:person_list"))
    assert len(first.context["page_obj"]) == settings.PORTAL_PAGE_SIZE
    assert first.context["paginator"].count == User.objects.count()
    second = client.get(reverse("people:person_list"), {"page": 2})
    assert second.context["page_obj"][0].pk not in {p.pk for p in first.context["page_obj"]}


def count_queries(client, url):
    """Queries of one view with nothing kept yet (the person page keeps its parts, issue 17):
    the most a view runs."""
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name", ["list", "detail", "invite", "edit", "deactivate"])
def test_queries_do_not_grow_with_the_data(
    client_for, secretariat, jurisdiction, council, group, name
):
    """The list (one page of people), a person's page (their memberships), the invitation,
    the edit and the deactivation pages: the same number of queries with 3 or 40 people, and
    with 1 or 20 memberships. `pytest people/tests/test_pages.py -k queries -s` prints them."""
    target = UserFactory(username="target")
    GroupMembershipFactory(user=target, group=group, role="member")
    url = {
        "list": reverse("people:person_list"),
        "detail": reverse("people:person_detail", args=[target.pk]),
        "invite": reverse("people:person_invite"),
        "edit": reverse("people:person_edit", args=[target.pk]),
        "deactivate": reverse("people:person_deactivate", args=[target.pk]),
    }[name]
    client = client_for(secretariat)
    client.get(url)  # warm the session
    small = count_queries(client, url)
    make_people(40, jurisdiction, council, group)
    for _ in range(19):
        CouncilMembershipFactory(user=target, council=council, role="guest")
    large = count_queries(client, url)
    print(f"\n{name}: {small} queries with 3 people, {large} with 43")
    assert small == large, (small, large)
    assert large <= 15


def test_the_menu_offers_people_to_the_secretariat_only(client_for, personas):
    url = reverse("people:person_list")
    for name, person in personas.items():
        if person is None:
            continue
        body = client_for(person).get(reverse("portal:home")).content.decode()
        assert (f'href="{url}"' in body) == (name == "secretariat"), name


def all_routes(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from all_routes(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def test_there_is_no_sign_up_anywhere():
    routes = [r.lower() for r in all_routes()]
    assert not [r for r in routes if any(w in r for w in ("signup", "sign-up", "register"))]


def test_the_secretariat_edits_a_persons_details(client_for, secretariat, invite, member):
    person, _token = invite()
    url = reverse("people:person_edit", args=[person.pk])
    client = client_for(secretariat)
    form = client.get(url).context["form"]
    assert form.initial["language"] == "fr" and form.initial["email"] == person.email
    data = {
        "first_name": "Chloé",
        "last_name": "Obrien",
        "email": "chloe.new@example.gc.ca",
        "language": "en",
        "title_en": "Director",
        "title_fr": "Directrice",
        "jurisdiction": "",
    }
    assert client.post(url, data).status_code == 302
    person.refresh_from_db()
    assert (person.last_name, person.email, person.profile.preferred_language) == (
        "Obrien",
        "chloe.new@example.gc.ca",
        "en",
    )
    assert person.profile.jurisdiction is None
    assert person.username == "chloe.obrien@example.gc.ca"  # the username stays
    refused = client.post(url, {**data, "email": member.email.upper()})
    assert refused.status_code == 400
    assert "already has this address" in refused.context["form"].errors["email"][0]
    person.refresh_from_db()
    assert person.email == "chloe.new@example.gc.ca"


def test_the_admin_shows_invitations_read_only(client_for, secretariat, invite):
    invite()
    secretariat.is_staff = secretariat.is_superuser = True
    secretariat.save()
    client = client_for(secretariat)
    assert client.get(reverse("admin:people_invitation_changelist")).status_code == 200
    assert client.get(reverse("admin:people_invitation_add")).status_code == 403


def test_a_persons_group_memberships_come_a_page_at_a_time_at_a_constant_cost(
    client_for, secretariat, member, settings
):
    """Issue 17: a co-chair of 2,000 groups had all 2,000 rows on their person page."""
    from workinggroups.tests.factories import GroupFactory

    settings.PORTAL_PAGE_SIZE = 5
    url = reverse("people:person_detail", args=[member.pk])

    def add(n):
        for _ in range(n):
            GroupMembershipFactory(user=member, group=GroupFactory(), role="member")

    def read(query=""):
        from django.core.cache import cache

        cache.clear()  # nothing kept: the most the page runs
        with CaptureQueriesContext(connection) as ctx:
            body = client_for(secretariat).get(url + query).content.decode()
        rows = body.split('id="groups-h"')[1].split("</table>")[0].count('<th scope="row">')
        return body, rows, len(ctx.captured_queries)

    add(2)
    _body, rows, few = read()
    assert rows == 2
    add(10)
    body, rows, many = read()
    assert rows == 5 and many == few
    assert 'aria-label="Pages of group memberships"' in body and "Showing 1 to 5 of 12" in body
    body, rows, _n = read("?groups_page=3")
    assert rows == 2 and "Showing 11 to 12 of 12" in body


@pytest.mark.django_db
def test_the_people_list_sort_has_its_index():
    """Issue 17: the list's order (last name, first name, id) over every account had no index,
    a sort of every row on each page; the migration adds one on Django's own table."""
    from django.db import connection

    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "auth_user")
    index = constraints.get("people_user_sort_name_idx")
    assert index and index["index"]
    assert index["columns"] == ["last_name", "first_name", "id"]


def test_the_list_counts_once_per_change_and_follows_each(
    client_for, secretariat, invite, settings, run_on_commit
):
    """Issue 17: the list counted every account on each view. Its count is now kept per
    version of the people domain, which inviting, joining and leaving all change."""
    from django.utils import timezone

    settings.PORTAL_FRAGMENT_CACHE = True
    settings.PORTAL_PAGE_SIZE = 2
    client = client_for(secretariat)
    url = reverse("people:person_list")

    def shown(**params):
        with CaptureQueriesContext(connection) as ctx:
            body = client.get(url, params).content.decode()
        counted = [
            q for q in ctx.captured_queries if "COUNT(" in q["sql"] and "auth_user" in q["sql"]
        ]
        return re.search(r"of (\d+)", body)[1], len(counted)

    for i in range(3):
        UserFactory(username=f"extra{i}")
    total = str(User.objects.count())
    assert shown() == (total, 1)
    assert shown() == (total, 0)  # kept
    person, _token = invite()
    assert shown() == (str(int(total) + 1), 1)
    inactive = {"status": "inactive"}
    assert person.email not in client.get(url, inactive).content.decode()
    with run_on_commit():
        services.person_deactivate(
            person=person, by=secretariat, last_day=timezone.localdate(), reason="Left"
        )
    assert person.email in client.get(url, inactive).content.decode()  # leaving counts
    assert shown() == (str(int(total) + 1), 1)
