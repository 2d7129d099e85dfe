"""The read-only API: each persona sees, row for row, what the permission functions of the
pages let them open; the page and the endpoint list the same rows; every response conforms to
the API's own schema; tokens are made and revoked on the page; revoked tokens are refused;
calls are throttled, and the throttle survives a Redis outage."""

from decimal import Decimal
from unittest import mock

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from drf_spectacular.validation import validate_schema

from api.models import ApiToken
from councils.models import Council, Meeting
from councils.permissions import can_view_meetings, is_portal_reader
from funding.models import FundingRequest
from funding.models import Status as FundingStatus
from funding.permissions import can_view_request
from funding.tests.factories import FundingRequestFactory
from strategy.models import Status as PlanStatus
from strategy.models import StrategicPlan
from strategy.permissions import can_view_plan
from strategy.tests.factories import StrategicPlanFactory
from tests.world import build_world
from workinggroups.models import Group, Objective
from workinggroups.permissions import can_view_group

from .schema_check import all_rows, get, openapi

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "outsider", "member", "group_cochair", "council_cochair", "secretariat"]


@pytest.fixture
def world(personas, council, priority, group):
    world = build_world(personas, council, priority, group)
    # More funding requests and plans, in states different personas see differently.
    FundingRequestFactory(
        group=group,
        created_by=personas["group_cochair"],
        status=FundingStatus.ENDORSED,
        submitted=True,
    )
    FundingRequestFactory(
        group=world["other_group"],
        created_by=personas["secretariat"],
        status=FundingStatus.APPROVED,
        submitted=True,
        amount_approved=Decimal("5000.00"),
    )
    StrategicPlanFactory(status=PlanStatus.ADOPTED, title_fr="Plan adopté")
    return world


# What each endpoint shows a person: the pages' own permission functions, row by row.
ENDPOINTS = {
    # endpoint: (model, its key in the URL and in the response, the pages' own rule)
    "council": (Council, "code", lambda user, obj: is_portal_reader(user)),
    "group": (Group, "slug", can_view_group),
    "objective": (Objective, "id", lambda user, obj: is_portal_reader(user)),
    "plan": (StrategicPlan, "id", can_view_plan),
    "meeting": (Meeting, "id", lambda user, obj: can_view_meetings(user)),
    "funding-request": (FundingRequest, "id", can_view_request),
}


def published(endpoint):
    """The keys of the records the secretariat published, as the public pages read them
    (publication.selectors): anyone, anonymous included, may read them through the API too."""
    from publication import selectors

    groups = list(selectors.published_groups())
    plans = list(selectors.published_plans())
    records = {
        "council": {c for g in groups for c in g.councils.all()},
        "group": groups,
        "objective": {i.objective for p in plans for i in p.items.all()},
        "plan": plans,
        "meeting": list(selectors.published_minutes()),
        "funding-request": list(selectors.published_decisions()),
    }[endpoint]
    return {getattr(o, ENDPOINTS[endpoint][1]) for o in records}


def fresh(user):
    """The person as a new request would load them (no roles cached from an earlier call)."""
    return type(user).objects.get(pk=user.pk) if user is not None else AnonymousUser()


@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS))
def test_each_persona_sees_exactly_what_the_pages_let_them_open(world, client_for, endpoint):
    model, key, may_open = ENDPOINTS[endpoint]
    everything = list(model.objects.all())
    public = published(endpoint)
    seen = {}
    for persona in PERSONAS:
        reader = fresh(world[persona])
        client = client_for(world[persona])
        expected = {getattr(o, key) for o in everything if may_open(reader, o)} | public
        listed = {row[key] for row in all_rows(client, reverse(f"api:{endpoint}-list"))}
        assert listed == expected, (endpoint, persona)
        for obj in everything:
            response = get(client, reverse(f"api:{endpoint}-detail", args=[getattr(obj, key)]))
            want = 200 if getattr(obj, key) in expected else 404
            assert response.status_code == want, (endpoint, persona, obj.pk)
        seen[persona] = listed
    # Not vacuous: the secretariat sees every row, anonymous callers exactly what is published
    # (the world's adopted plan is; its proposed group and undecided requests are not).
    assert seen["secretariat"] == {getattr(o, key) for o in everything} != set()
    assert seen["anonymous"] == public
    assert seen["anonymous"] != set() or endpoint not in ("plan", "objective")


def test_funding_rows_differ_by_persona(world, client_for):
    """The funding endpoint is not everyone's same list: a member sees the endorsed and
    decided requests of their council, not the submitted one under review."""
    seen = {
        persona: {
            r["id"] for r in all_rows(client_for(world[persona]), "/api/v1/funding-requests/")
        }
        for persona in PERSONAS
    }
    assert seen["anonymous"] == seen["outsider"] == published("funding-request") != set()
    assert world["funding_request"].pk not in seen["member"]
    assert world["funding_request"].pk in seen["council_cochair"]
    assert world["draft_request"].pk in seen["group_cochair"]
    assert world["draft_request"].pk not in seen["council_cochair"]
    assert seen["secretariat"] == set(FundingRequest.objects.values_list("pk", flat=True))


@pytest.mark.parametrize("persona", PERSONAS[1:])
def test_the_funding_endpoint_lists_what_the_funding_page_lists(world, client_for, persona):
    client = client_for(world[persona])
    page = client.get(reverse("funding:request_list"))
    api_ids = {r["id"] for r in all_rows(client, "/api/v1/funding-requests/")}
    if page.status_code == 403:
        assert api_ids == published("funding-request")  # no page: the published records only
        return
    assert page.status_code == 200
    assert page.context["paginator"].count < 25  # the page shows every row
    page_ids = {r.pk for r in page.context["page_obj"].object_list}
    assert api_ids == page_ids
    html = page.content.decode()
    for pk in page_ids:
        assert reverse("funding:request_detail", args=[pk]) in html


@pytest.mark.parametrize("persona", ["member", "secretariat"])
def test_the_plan_endpoint_lists_the_plans_and_roll_ups_of_the_plan_list(
    world, client_for, persona
):
    client = client_for(world[persona])
    page = client.get(reverse("strategy:plan_list"))
    rows = {r["id"]: r for r in all_rows(client, "/api/v1/plans/")}
    plans = page.context["plans"]
    assert set(rows) == {p.pk for p in plans}
    for plan in plans:
        assert rows[plan.pk]["rollup"]["item_count"] == plan.total["item_count"]
        assert rows[plan.pk]["rollup"]["progress"] == plan.total["progress"]


def test_a_group_comes_with_its_memberships_in_both_languages(world, client_for, group):
    body = get(client_for(world["member"]), f"/api/v1/groups/{group.slug}/").json()
    assert body["name_en"] == group.name_en and body["name_fr"] == group.name_fr
    cochair = world["group_cochair"]
    assert {
        "person": cochair.get_full_name() or cochair.username,
        "role": "co_chair",
    }.items() <= next(m for m in body["memberships"] if m["role"] == "co_chair").items()
    assert "@" not in str(body["memberships"])  # names, never e-mail addresses


def test_a_meeting_comes_with_its_decisions(world, client_for):
    meeting, decision = world["meeting"], world["decision"]
    body = get(client_for(world["member"]), f"/api/v1/meetings/{meeting.pk}/").json()
    assert body["decisions"] == [
        {
            "id": decision.pk,
            "number": 1,
            "text_en": "Endorse the plan.",
            "text_fr": decision.text_fr,
            "agenda_item": None,
        }
    ]


def test_pages_follow_a_cursor_without_repeating_or_losing_rows(world, client_for):
    client = client_for(world["secretariat"])
    rows = all_rows(client, "/api/v1/objectives/?page_size=1")
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids)) == Objective.objects.count() >= 2


def test_the_api_is_not_language_prefixed_and_the_root_lists_the_endpoints(client_for, member):
    response = client_for(member).get("/api/v1/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert set(response.json()) == {
        "councils",
        "groups",
        "objectives",
        "plans",
        "meetings",
        "funding-requests",
    }
    assert client_for(member).get("/en/api/v1/").status_code == 404


# --- Schema ------------------------------------------------------------------------------------


def test_the_openapi_schema_validates():
    schema = openapi()
    validate_schema(schema)  # drf-spectacular's validator: the OpenAPI 3.1 meta-schema
    paths = set(schema["paths"])
    for name in ("councils", "groups", "objectives", "plans", "meetings", "funding-requests"):
        assert f"/api/v1/{name}/" in paths
    assert schema["components"]["securitySchemes"]["personalToken"]["scheme"] == "bearer"


def test_the_schema_and_its_docs_are_served_without_a_cdn(client):
    schema = client.get("/api/v1/schema/")
    assert schema.status_code == 200 and b"openapi: 3.1.0" in schema.content
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "https://" not in html and "<script>" not in html  # no CDN, no inline script
    script = client.get("/api/v1/docs/?script=")
    assert script.status_code == 200 and b"SwaggerUIBundle" in script.content


# --- Tokens ------------------------------------------------------------------------------------


def make_token_through_the_page(client, name="Team dashboard"):
    response = client.post(reverse("api_tokens:list"), {"name": name})
    assert response.status_code == 201
    raw = response.context["new_token"]
    assert raw and raw in response.content.decode()
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    return raw


def test_a_token_is_made_on_the_page_shown_once_and_stored_as_a_hash(client_for, member):
    client = client_for(member)
    raw = make_token_through_the_page(client)
    token = ApiToken.objects.get(user=member)
    assert token.name == "Team dashboard" and token.revoked_at is None
    assert raw not in token.token_hash and len(token.token_hash) == 64
    assert token.prefix == raw[:6]
    assert raw not in client.get(reverse("api_tokens:list")).content.decode()  # shown once
    # The token reads the API as its person, with no session.
    response = get(Client(), "/api/v1/councils/", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200 and len(response.json()["results"]) == 1
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_token_revoked_on_the_page_is_refused_with_401(client_for, member):
    client = client_for(member)
    raw = make_token_through_the_page(client)
    token = ApiToken.objects.get(user=member)
    confirm = client.get(reverse("api_tokens:revoke", args=[token.pk]))
    assert confirm.status_code == 200 and "Team dashboard" in confirm.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None  # asking is not revoking
    response = client.post(reverse("api_tokens:revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    refused = Client().get("/api/v1/councils/", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert refused.status_code == 401
    assert refused["WWW-Authenticate"].startswith("Bearer")


def test_someone_elses_token_cannot_be_revoked(world, client_for):
    token = world["api_token"]
    response = client_for(world["secretariat"]).post(reverse("api_tokens:revoke", args=[token.pk]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


@pytest.mark.parametrize("header", ["Bearer not-a-token", "Bearer", "Bearer a b", "Bearer é"])
def test_a_bad_token_is_refused_with_401(header, member):
    response = Client().get("/api/v1/groups/", HTTP_AUTHORIZATION=header.encode().decode("latin-1"))
    assert response.status_code == 401


def test_a_token_of_a_person_who_left_is_refused(world):
    member = world["member"]
    member.is_active = False
    member.save()
    raw = world["api_token_secret"]
    response = Client().get("/api/v1/groups/", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 401


def test_the_token_form_refuses_an_empty_name(client_for, member):
    response = client_for(member).post(reverse("api_tokens:list"), {"name": "   "})
    assert response.status_code == 200
    assert not ApiToken.objects.exists()


# --- Throttle ----------------------------------------------------------------------------------


def test_calls_over_the_rate_get_429(world):
    raw = world["api_token_secret"]
    client = Client()
    cache.clear()
    with mock.patch("api.throttling.PersonThrottle.rate", "3/minute", create=True):
        responses = [
            client.get("/api/v1/groups/", HTTP_AUTHORIZATION=f"Bearer {raw}") for _ in range(4)
        ]
    assert [r.status_code for r in responses] == [200, 200, 200, 429]
    assert 0 < int(responses[-1]["Retry-After"]) <= 60  # the README's promise


def test_the_default_rates_are_the_documented_ones():
    from django.conf import settings

    from config.settings import base

    assert (base.PORTAL_API_RATE_USER, base.PORTAL_API_RATE_ANON) == ("120/minute", "30/minute")
    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] == [
        "api.throttling.AnonymousThrottle",
        "api.throttling.PersonThrottle",
    ]


def test_anonymous_calls_over_the_rate_get_429(db):
    client = Client()
    cache.clear()
    with mock.patch("api.throttling.AnonymousThrottle.rate", "2/minute", create=True):
        statuses = [client.get("/api/v1/plans/").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_the_throttle_lets_calls_through_when_redis_is_down(world):
    """The portal's cache backend reads a failed Redis as a miss (core.cache_backends): the
    throttle's history reads empty, and the call is answered, never a 500."""
    from core.cache_backends import DegradingRedisCache

    down = DegradingRedisCache("redis://127.0.0.1:1/0", {})  # nothing listens there
    raw = world["api_token_secret"]
    with (
        mock.patch("api.throttling.PersonThrottle.cache", down),
        mock.patch("api.throttling.PersonThrottle.rate", "1/minute", create=True),
    ):
        statuses = [
            Client().get("/api/v1/groups/", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code
            for _ in range(3)
        ]
    assert statuses == [200, 200, 200]


def test_the_browsable_api_renders_for_a_signed_in_browser(world, client_for):
    client = client_for(world["member"])
    for url in ("/api/v1/", "/api/v1/groups/", f"/api/v1/groups/{world['group'].slug}/"):
        response = client.get(url, HTTP_ACCEPT="text/html")
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith("text/html")
        assert world["group"].slug in response.content.decode() or url == "/api/v1/"
