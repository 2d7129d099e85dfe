"""Issue 14, the Django admin's pages too: odd values in the parameters each change list reads
(search, ordering, page, "show all", popup, and every filter its sidebar links to), as people
signed out, without and with staff status, and as a superuser, never 5xx. The filter parameters
are read off each change list's own links, so a new `list_filter` is covered without editing
this file. The admin sends everyone but the superuser away before it reads a parameter (checked
for each list): they get each odd value in every parameter at once, the superuser in each alone."""

import re
import time
from html import unescape
from urllib.parse import quote

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.test_odd_parameters import RAW, SENT_TWICE, read_parameters, sweep_client
from tests.world import build_world

ADMIN_PARAMETERS = {"q", "o", "p", "all", "e", "_popup", "_to_field"}
ODD_VALUES = [
    "²",
    "-1",
    "9999",  # the last year: Django's "to" date (the next year) is past datetime's range
    "999999999999999999999",
    "1e309",
    "%00",
    "'",
    "x" * 5000,
    SENT_TWICE,
]
# Signed out, signed in without staff status, staff without model permissions: the admin
# sends them away before it reads any parameter; the superuser reads them all.
ADMIN_PERSONAS = ["anonymous", "member", "secretariat"]
FILTER_LINK = re.compile(r'href="\?([^"]*)"')


@pytest.fixture
def world(personas, council, priority, group):
    return build_world(personas, council, priority, group)


def _filter_parameters(page):
    names = set()
    for query in FILTER_LINK.findall(page):
        for pair in unescape(query).split("&"):
            if pair:
                names.add(pair.split("=")[0])
    return names


def _query(parameter, value):
    if value == SENT_TWICE:
        return f"{parameter}=1&{parameter}=x"
    return f"{parameter}={value if value in RAW else quote(value)}"


@pytest.mark.long
def test_odd_values_in_every_admin_change_list_parameter_never_answer_5xx(
    world, capsys, monkeypatch
):
    from councils.tests.factories import UserFactory

    clients = {persona: sweep_client(world.get(persona)) for persona in ADMIN_PERSONAS}
    # The personas' staff account has no model permissions: a superuser opens every list.
    clients["superuser"] = staff = sweep_client(
        UserFactory(username="admin-superuser", is_staff=True, is_superuser=True)
    )
    started, sent, failures, lists = time.monotonic(), 0, [], 0
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        page = staff.get(url)
        assert page.status_code == 200, url
        lists += 1
        parameters = ADMIN_PARAMETERS | _filter_parameters(page.content.decode())
        plain = "&".join(f"{parameter}=1" for parameter in sorted(parameters))
        for persona in ADMIN_PERSONAS:
            read = read_parameters(clients[persona], f"{url}?{plain}", monkeypatch)
            assert not read & parameters, f"{persona} reads {read & parameters} on {url}"
        for value in ODD_VALUES:
            # The superuser's list reads each parameter: each odd value in each, alone.
            for parameter in sorted(parameters):
                response = staff.get(f"{url}?{_query(parameter, value)}")
                sent += 1
                if response.status_code >= 500:
                    failures.append((url, parameter, value[:20], "superuser"))
            # The others are sent away before any is read: the odd value in all of them at once
            # (what reads the query string whole, such as the sign-in link's "next").
            everything = "&".join(_query(parameter, value) for parameter in sorted(parameters))
            for persona in ADMIN_PERSONAS:
                response = clients[persona].get(f"{url}?{everything}")
                sent += 1
                if response.status_code >= 500:
                    failures.append((url, "all", value[:20], persona))
    with capsys.disabled():
        print(
            f"\nodd admin parameters: {sent} parameter × value × persona requests on "
            f"{lists} change lists, {len(failures)} answered 5xx, in "
            f"{time.monotonic() - started:.1f} s"
        )
    assert not failures, failures[:20]


@pytest.mark.django_db
@pytest.mark.parametrize("year", ["9999", "99999999999999999999", "0", "²"])
def test_a_date_hierarchy_year_out_of_range_gets_the_admins_error_page(year):
    """Django's own date_hierarchy read: OverflowError or ValueError, a 500, before
    core.admin_site; now the admin's "incorrect lookup" answer, as for any bad filter."""
    from councils.tests.factories import UserFactory

    client = sweep_client(UserFactory(username="su", is_staff=True, is_superuser=True))
    url = reverse("admin:notifications_reminder_changelist")
    response = client.get(url, {"claimed_at__year": year, "claimed_at__month": "12"})
    assert response.status_code == 302 and response["Location"].endswith("?e=1")
    assert (
        client.get(url, {"claimed_at__year": "2026", "claimed_at__month": "12"}).status_code == 200
    )
