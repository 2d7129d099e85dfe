"""WCAG 2.1 AA in a real browser: each persona signs in, visits every page reachable from the
navigation (and the first detail page linked from each list) in English and in French, and
axe finds no violation. Keyboard basics are checked on the way (skip link, one h1)."""

import pytest
from django.core.management import call_command

from tests.browser import axe_violations, describe, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PERSONAS = ["outsider", "member", "groupchair", "cochair.pssdc", "secretariat"]
# Pages outside the main menu, reached from a group's or a council's page: the secretariat's
# groups, mandates and memberships (issue 12), read in both languages.
EXTRA_PAGES = {
    "secretariat": [
        "/groups/new/",
        "/groups/digital-identity-wg/edit/",
        "/groups/digital-identity-wg/memberships/",
        "/groups/digital-identity-wg/memberships/new/",
        "/groups/digital-identity-wg/reviews/new/",
        "/groups/client-centred-service-wg/mandate/",
        "/councils/pssdc/",
        "/councils/pssdc/members/",
        "/councils/pssdc/members/new/",
    ],
    "member": ["/groups/client-centred-service-wg/mandate/"],
}


@pytest.fixture
def demo_world(settings):
    settings.DEBUG = True
    call_command("load_demo", verbosity=0)
    settings.DEBUG = False


def pages_from_navigation(page, base_url):
    """Home, each main-menu entry, and the first detail link of each of those pages."""
    urls = [page.url]
    menu = page.locator("nav.portal-nav a.nav-link")
    urls += [
        base_url + href if href.startswith("/") else href
        for href in menu.evaluate_all("els => els.map(e => e.getAttribute('href'))")
    ]
    return list(dict.fromkeys(urls))


def check_page(page, url, problems):
    response = page.goto(url)
    if response is None or response.status >= 400:
        problems.append(f"{url}: HTTP {response.status if response else '?'}")
        return
    if page.locator("h1").count() != 1:
        problems.append(f"{url}: {page.locator('h1').count()} h1 elements")
    skip = page.locator("a.skip-link")
    if skip.count() != 1 or skip.get_attribute("href") != "#main":
        problems.append(f"{url}: no skip link to #main")
    violations = axe_violations(page)
    if violations:
        problems.append(f"{url}:\n{describe(violations)}")


@pytest.mark.parametrize("language", ["en", "fr"])
def test_anonymous_sign_in_page_is_accessible(live_server, page, db, language):
    problems = []
    check_page(page, f"{live_server.url}/{language}/accounts/login/", problems)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("username", PERSONAS)
def test_every_page_in_the_navigation_is_accessible_in_both_languages(
    live_server, page, demo_world, username
):
    sign_in(page, live_server.url, username)
    problems = []
    for language in ("en", "fr"):
        page.goto(f"{live_server.url}/{language}/")
        seen = set()
        for url in pages_from_navigation(page, live_server.url):
            if url in seen:
                continue
            seen.add(url)
            check_page(page, url, problems)
            # One level down: the first link inside the main table or card list of the page.
            detail = page.locator("main table a[href^='/'], main .card a[href^='/']").first
            if detail.count():
                href = live_server.url + detail.get_attribute("href")
                if href not in seen:
                    seen.add(href)
                    check_page(page, href, problems)
        for path in EXTRA_PAGES.get(username, []):
            check_page(page, f"{live_server.url}/{language}{path}", problems)
        # Readers have a menu of several pages; an outsider only their home.
        assert len(seen) >= (1 if username == "outsider" else 5), seen
    assert not problems, "\n\n".join(problems)
