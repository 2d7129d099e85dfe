"""The bounded walk (issue 15's proof): each persona signs in and visits, in English and in
French, the pages reachable from its home by links, one page per URL pattern, at 1280 px and
320 px. axe must find no WCAG 2.1 A/AA violation, no page may scroll sideways at 320 px, and
the error state of each form met on the way shows the Canada.ca error summary.

Bounded so it stays quick: a URL pattern (ids replaced by N) is checked once per language and
width whoever reaches it first; later personas only check reflow, which is cheap."""

import re
import time

import pytest
from django.core.management import call_command

from tests.browser import axe_violations, describe, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PERSONAS = ["outsider", "member", "groupchair", "cochair.pssdc", "secretariat"]
WIDTHS = (1280, 320)
MAX_PAGES = 14  # per persona and language; the menu has 11 entries
SKIP = re.compile(r"/(logout|i18n|admin|static|media)/|\.(csv|ics|pdf)$|export|download|calendar")


@pytest.fixture
def demo_world(settings):
    settings.DEBUG = True
    call_command("load_demo", verbosity=0)
    settings.DEBUG = False


def pattern(url):
    return re.sub(r"\d+", "N", url.split("?")[0].split("#")[0])


def links(page, base_url):
    hrefs = page.locator("nav.portal-nav a, main a").evaluate_all(
        "els => els.map(e => e.getAttribute('href'))"
    )
    found = []
    for href in hrefs:
        if not href or not href.startswith("/") or SKIP.search(href):
            continue
        found.append(base_url + href.split("#")[0])
    return list(dict.fromkeys(found))


def scrolls_sideways(page):
    return page.evaluate(
        "() => document.documentElement.scrollWidth > document.documentElement.clientWidth"
    )


def check_error_state(page, url, language, problems):
    """Submit the first form with required fields emptied and no browser validation: the
    server answers with errors, and the page must show the summary, focused, and "Error:"."""
    form = page.locator("main form:has([required])").first
    if not form.count():
        return False
    form.evaluate(
        """f => { f.noValidate = true;
                 f.querySelectorAll('[required]').forEach(e => {
                   if (e.type === 'checkbox' || e.type === 'radio') e.checked = false;
                   else e.value = ''; }); }"""
    )
    submit = form.locator("button[type=submit], input[type=submit]").first
    if not submit.count():
        return False
    submit.click()
    page.wait_for_load_state("domcontentloaded")
    prefix = "Error:" if language == "en" else "Erreur\u00a0:"
    # A field error shows the summary; an action refused by the server shows its message.
    summary = page.locator(".error-summary, .messages .alert-danger")
    if not summary.count():
        problems.append(f"{url}: form error state has no error summary")
        return True
    if not page.title().startswith(prefix):
        problems.append(f"{url}: title {page.title()!r} lacks {prefix!r}")
    if not page.evaluate("() => document.activeElement.matches('.error-summary, .alert-danger')"):
        problems.append(f"{url}: focus is not on the error summary")
    violations = axe_violations(page)
    if violations:
        problems.append(f"{url} (error state):\n{describe(violations)}")
    return True


def test_every_persona_both_languages_both_widths(live_server, browser, demo_world):
    started = time.monotonic()
    problems = []
    visited = set()  # (pattern, language): a page shape is walked once, by the first persona
    forms_checked = set()
    visits = axe_runs = 0
    for username in PERSONAS:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        sign_in(page, live_server.url, username)
        for language in ("en", "fr"):
            page.set_viewport_size({"width": 1280, "height": 900})
            page.goto(f"{live_server.url}/{language}/")
            home = page.url
            queue = [home, *links(page, live_server.url)][:MAX_PAGES]
            for url in queue:
                key = (pattern(url), language)
                if (key in visited and url != home) or f"/{language}/" not in url:
                    continue
                visited.add(key)
                for width in WIDTHS:
                    page.set_viewport_size({"width": width, "height": 900})
                    response = page.goto(url, wait_until="domcontentloaded")
                    visits += 1
                    if response is None or response.status >= 400:
                        problems.append(f"{username} {url}: HTTP {response and response.status}")
                        break
                    if width == 320 and scrolls_sideways(page):
                        problems.append(f"{username} {url}: scrolls sideways at 320 px")
                    # At 320 px axe matters where layout changes (scrolling tables, forms), and
                    # the longer French text is the harder case.
                    narrow_worth_it = (
                        language == "fr"
                        and page.locator("main .table-responsive, main form").count()
                    )
                    if width == 1280 or narrow_worth_it:
                        axe_runs += 1
                        violations = axe_violations(page)
                        if violations:
                            problems.append(f"{url} at {width} px:\n{describe(violations)}")
                if key not in forms_checked and username != "outsider":
                    page.set_viewport_size({"width": 1280, "height": 900})
                    page.goto(url)
                    if check_error_state(page, url, language, problems):
                        forms_checked.add(key)
        context.close()
    elapsed = time.monotonic() - started
    print(
        f"\nwalk: {visits} visits of {len(visited)} page shapes, {axe_runs} axe runs, "
        f"{len(forms_checked)} form error states, {len(problems)} problems, {elapsed:.0f} s"
    )
    assert visits > 40
    assert not problems, "\n\n".join(problems)
