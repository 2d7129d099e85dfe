"""Every API endpoint, list and one record, runs as many SQL queries whatever the data, for
every persona, signed in by session or by token (issue 18; the pages' rule, test_page_queries).

`pytest tests/test_api_queries.py -s` prints the counts measured."""

import pytest
import time_machine
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from api.services import api_token_create
from tests.test_page_queries import CEILING, NOW, World

pytestmark = pytest.mark.django_db


def endpoints(world):
    group, council = world.group, world.council
    objective = group.objectives.order_by("pk").first()
    return {
        "councils": reverse("api:council-list"),
        "council": reverse("api:council-detail", args=[council.code]),
        "groups": reverse("api:group-list"),
        "group": reverse("api:group-detail", args=[group.slug]),
        "objectives": reverse("api:objective-list"),
        "objective": reverse("api:objective-detail", args=[objective.pk]),
        "plans": reverse("api:plan-list"),
        "plan": reverse("api:plan-detail", args=[world.plan.pk]),
        "meetings": reverse("api:meeting-list"),
        "meeting": reverse("api:meeting-detail", args=[world.meeting.pk]),
        "funding requests": reverse("api:funding-request-list"),
        "funding request": reverse("api:funding-request-detail", args=[world.request.pk]),
    }


def measure(clients, urls):
    """{(who, endpoint): (status, queries, rows listed)}; each call made twice, the second
    counted (a token's first call of the minute also notes its last use: one UPDATE)."""
    counts = {}
    for who, (client, headers) in clients.items():
        for name, url in urls.items():
            client.get(url, **headers)
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url, **headers)
            body = response.json() if response.status_code == 200 else {}
            counts[who, name] = (response.status_code, len(queries), len(body.get("results", [])))
    return counts


@time_machine.travel(NOW, tick=False)
def test_every_endpoint_runs_as_many_queries_with_more_data(personas, council, group, priority):
    world = World(personas, council, group, priority)
    world.grow(1)
    ContentType.objects.get_for_models(*apps.get_models())
    clients = {}
    for who, user in personas.items():
        if user is None:
            clients[who] = (Client(), {})
            continue
        session = Client()
        session.force_login(user)
        clients[who] = (session, {})
        _token, raw = api_token_create(user=user, name="Benchmark")
        clients[f"{who} (token)"] = (Client(), {"HTTP_AUTHORIZATION": f"Bearer {raw}"})
    urls = endpoints(world)
    small = measure(clients, urls)
    world.grow(8)
    large = measure(clients, urls)
    print("\nwho                      endpoint          (status, queries, rows) small, large")
    for key in small:
        print(f"{key[0]:24} {key[1]:17} {small[key]} {large[key]}")
    grew = {k: (small[k][:2], large[k][:2]) for k in small if small[k][:2] != large[k][:2]}
    assert not grew, grew
    assert not {k: v for k, v in large.items() if v[1] > CEILING}
    # The data did grow where the persona reads it: the lists are not empty and got longer.
    assert large["secretariat", "objectives"][2] > small["secretariat", "objectives"][2]
    assert large["member (token)", "groups"][2] > small["member (token)", "groups"][2]
