"""A secret marker in every kind of record that is not published — a draft plan, a request in
review and its recommendation, a declined request, a declared conflict, an inbox item, a
proposed group, unapproved minutes, an unpublished decision — sits beside published records
of the same group, council and meeting. No public page (every page and download the public
index leads to, in both languages, found by following its links), no calendar feed and no
meeting's .ics contains it."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from councils.models import InterestDeclaration
from funding.models import Recommendation
from funding.models import Status as FundingStatus
from funding.tests.factories import FundingRequestFactory
from notifications.models import Notification
from publication.tests.data import adopted_plan, decision, held_meeting
from tests.world import build_world
from workinggroups.models import Group
from workinggroups.tests.factories import GroupFactory

pytestmark = pytest.mark.django_db

MARKER = "ZQX-never-public-7731"
LINK = re.compile(r'href="([^"#]+)"')


@pytest.fixture
def world(personas, council, priority, group):
    world = build_world(personas, council, priority, group)
    secret = {"title_en": f"{MARKER} draft", "title_fr": f"{MARKER} brouillon"}
    adopted_plan(group, priority, title=MARKER, status="draft")
    in_review = FundingRequestFactory(
        group=group,
        created_by=personas["group_cochair"],
        status=FundingStatus.IN_REVIEW,
        submitted=True,
        summary_en=MARKER,
        summary_fr=MARKER,
        **secret,
    )
    Recommendation.objects.create(
        request=in_review,
        revision=1,
        reviewer=personas["council_cochair"],
        decision="endorse",
        comment=MARKER,
    )
    FundingRequestFactory(
        group=group,
        created_by=personas["group_cochair"],
        status=FundingStatus.DECLINED,
        submitted=True,
        **secret,
    )
    not_approved = FundingRequestFactory(
        group=group,
        created_by=personas["group_cochair"],
        status=FundingStatus.NOT_APPROVED,
        meeting=world["public_meeting"],
        amount_requested=Decimal("900.00"),
        submitted=True,
        **secret,
    )
    InterestDeclaration.objects.create(
        person=personas["member"],
        subject=not_approved,
        statement=MARKER,
        declared_by=personas["member"],
    )
    for user in personas.values():
        if user is not None:
            Notification.objects.create(
                recipient=user, kind="overdue", text_en=MARKER, text_fr=MARKER, link="/en/"
            )
    GroupFactory(
        status=Group.Status.PROPOSED,
        name_en=MARKER,
        name_fr=MARKER,
        mandate_en=MARKER,
        councils=[council],
        priorities=[priority],
        parent=group,
    )
    # A meeting's title is no secret (the members' calendar shows it); its draft minutes are.
    circulated = held_meeting(council, title="Circulated meeting", minutes="circulated")
    circulated.minutes_en = circulated.minutes_fr = MARKER
    circulated.save()
    # The published meeting: its minutes are public, this decision is not.
    decision(world["public_meeting"], text=MARKER, number=2)
    return world


def crawl(client, start):
    """Every URL under /<lang>/public/ reachable from `start` by links: {url: response}."""
    prefix = start
    seen, queue, pages = set(), [start], {}
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        pages[url] = response
        if "html" not in response.get("Content-Type", ""):
            continue
        for link in LINK.findall(response.content.decode()):
            link = link.replace("&amp;", "&")
            if link.startswith("?"):
                link = url.split("?")[0] + link
            if link.startswith(prefix):
                queue.append(link)
    return pages


@pytest.mark.parametrize("language", ["en", "fr"])
def test_no_public_page_or_download_shows_an_unpublished_record(world, client, language):
    pages = crawl(client, f"/{language}/public/")
    # The crawl reached every kind of public page, and each answered.
    assert len(pages) >= 7, sorted(pages)
    assert {url: r.status_code for url, r in pages.items() if r.status_code != 200} == {}
    body = "".join(r.content.decode() for r in pages.values())
    # The published records are there (the test would pass on an empty page otherwise) …
    assert "Published joint plan" in body or "Plan stratégique mixte" in body
    assert world["group"].slug in body
    # … and nothing unpublished is.
    leaked = [url for url, r in pages.items() if MARKER in r.content.decode()]
    assert not leaked, leaked


def test_no_calendar_feed_shows_an_unpublished_record(world, client):
    feeds = [
        reverse("workinggroups:calendar_feed", args=[world["calendar_token"]]),
        reverse("councils:meeting_ics", args=[world["public_meeting"].pk]),
    ]
    for url in feeds:
        response = client.get(url)
        # The personal feed answers at its secret address; the meeting's .ics needs sign-in.
        assert response.status_code in (200, 302)
        assert MARKER not in response.content.decode()


API_LISTS = ("councils", "groups", "objectives", "plans", "meetings", "funding-requests")


def test_the_api_gives_anonymous_callers_no_unpublished_record(world, client):
    """Every list of the read-only API, every cursor page of it and every record it lists, as
    an anonymous caller: the published records are there, nothing unpublished is."""
    import json

    bodies, ids = [], {}
    for name in API_LISTS:
        url, ids[name] = f"/api/v1/{name}/", []
        while url:
            response = client.get(url, HTTP_ACCEPT="application/json")
            assert response.status_code == 200, url
            bodies.append(response.content.decode())
            data = json.loads(response.content)
            for row in data["results"]:
                key = row.get("slug") or row.get("code") or row["id"]
                ids[name].append(key)
                detail = client.get(f"/api/v1/{name}/{key}/", HTTP_ACCEPT="application/json")
                assert detail.status_code == 200, (name, key)
                bodies.append(detail.content.decode())
            url = data["next"]
    # Not vacuous: the published plan, group and approved funding are listed …
    assert ids["plans"] and ids["groups"] and ids["funding-requests"], ids
    assert world["group"].slug in ids["groups"]
    # … and no unpublished record, or part of one, is.
    leaked = [body[:200] for body in bodies if MARKER in body]
    assert not leaked, leaked
