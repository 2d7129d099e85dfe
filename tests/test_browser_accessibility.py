"""WCAG 2.1 AA in a real browser, for the sign-in page an anonymous reader sees first: one h1,
the skip link, and axe finds no violation, in English and in French.

Every page a signed-in persona can reach gets the same checks, and more, in the bounded walk
(tests/test_browser_walk.py): each persona follows every link from its home, in both
languages and at 1280 and 320 px."""

import pytest

from tests.browser import axe_violations, describe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


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
