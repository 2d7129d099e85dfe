"""No dead ends: every link the portal renders for a person opens for that person.

Signs in as every demo persona, in English and in French, and follows every internal link
reachable from the home page, breadth first. It fails on any 403 or 404 (or server error)
reached by a link that a page rendered, and lists every such link with the page that showed
it. The crawl is bounded: a few URLs per URL pattern and shape of query string, so it stays
fast as pages are added, and it covers new pages without being told about them.
"""

from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.urls import Resolver404, resolve

pytestmark = pytest.mark.django_db

PERSONAS = ["cochair.pssdc", "cochair.pscioc", "secretariat", "member", "groupchair", "outsider"]
LANGUAGES = ["en", "fr"]
# Every link found is opened once; the pages read for more links are bounded, per persona and
# language, to a few per URL pattern and set of query keys.
PER_SHAPE = 2
MAX_VISITS = 600
# Where following a link is not reading a page: the admin has its own permissions and
# links; signing out ends the crawl's session.
SKIPPED_PREFIXES = ("/admin/", "/accounts/logout/", "/static/", "/media/")


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def links_of(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.hrefs


def internal_path(base: str, href: str) -> str | None:
    """The path and query of an internal link, or None for another site, mailto: and such."""
    url, _fragment = urldefrag(urljoin("http://testserver" + base, href))
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or parts.netloc != "testserver":
        return None
    path = parts.path
    for language in LANGUAGES:
        if path.startswith(f"/{language}/"):
            path = path[len(language) + 1 :]
            break
    if path.startswith(SKIPPED_PREFIXES):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def shape(path_and_query: str) -> tuple:
    parts = urlsplit(path_and_query)
    try:
        name = resolve(parts.path).view_name
    except Resolver404:
        name = parts.path
    keys = tuple(sorted(k.split("=")[0] for k in parts.query.split("&") if k))
    return name, keys


def crawl(client, language: str):
    """Visit what the person is shown; return (visits, dead links)."""
    start = f"/{language}/"
    queue = deque([(start, None, True)])
    seen = {start}
    per_shape = Counter()
    visits, dead = 0, []
    while queue and visits < MAX_VISITS:
        path, source, read = queue.popleft()
        response = client.get(path)
        visits += 1
        if response.status_code in (403, 404) or response.status_code >= 500:
            dead.append(f"{source} → {path}: {response.status_code}")
            continue
        if not read or response.status_code != 200:
            continue
        if "text/html" not in response.get("Content-Type", ""):
            continue
        for href in links_of(response.content.decode()):
            target = internal_path(path, href)
            if target is None or target in seen:
                continue
            seen.add(target)
            key = shape(target)
            per_shape[key] += 1
            queue.append((target, path, per_shape[key] <= PER_SHAPE))
    assert visits < MAX_VISITS, f"the crawl stopped at {MAX_VISITS} pages; raise the bound"
    return visits, dead


def test_every_link_shown_to_every_persona_opens(client, module_demo):
    dead, total = [], 0
    for username in PERSONAS:
        client.force_login(get_user_model().objects.get(username=username))
        for language in LANGUAGES:
            visits, found = crawl(client, language)
            print(f"{username} ({language}): {visits} pages")
            total += visits
            dead += [f"{username} ({language}): {line}" for line in found]
        client.logout()
    assert total > 100, f"the crawl reached only {total} pages"
    assert not dead, "Links shown that lead nowhere:\n" + "\n".join(dead)


def test_the_crawler_reports_each_dead_link_with_the_page_that_showed_it():
    """The crawler itself, on pages served from a table: what it must follow and report."""
    from django.http import HttpResponse

    pages = {
        "/en/": '<a href="/en/groups/">Groups</a> <a href="https://example.org/">out</a>'
        '<a href="/en/admin/">admin</a> <a href="mailto:x@example.org">mail</a>',
        "/en/groups/": '<a href="/en/groups/workplans/9/#top">draft</a><a href="?page=2">next</a>',
        "/en/groups/?page=2": "<p>end</p>",
    }

    class Table:
        def get(self, path):
            if path in pages:
                return HttpResponse(pages[path])
            return HttpResponse(status=404)

    visits, dead = crawl(Table(), "en")
    assert visits == 4  # the admin, other sites and mail links are not followed
    assert dead == ["/en/groups/ → /en/groups/workplans/9/: 404"]


def test_lists_filtered_in_sql_agree_with_the_pages_permission(module_demo):
    """Funding requests and plans are listed from a SQL filter, not asked row by row: the
    filter must let through exactly what the page would open, or the list shows dead links."""
    from funding.models import FundingRequest
    from funding.permissions import can_view_request
    from funding.selectors import visible_requests
    from strategy.models import StrategicPlan
    from strategy.permissions import can_view_plan
    from strategy.selectors import visible_plans

    requests = list(FundingRequest.objects.all())
    plans = list(StrategicPlan.objects.all())
    assert requests and plans
    users = get_user_model().objects.filter(is_active=True)
    for user in users:
        listed = set(
            visible_requests(user, FundingRequest.objects.all()).values_list("pk", flat=True)
        )
        opened = {r.pk for r in requests if can_view_request(user, r)}
        assert listed == opened, user.username
        listed = {p.pk for p in visible_plans(user)}
        assert listed == {p.pk for p in plans if can_view_plan(user, p)}, user.username
