"""Helpers for browser tests (Playwright driving Debian's Chromium against live_server)."""

import json
from pathlib import Path

import axe_playwright_python

DEMO_PASSWORD = "demo-Councils-2020"  # noqa: S105 - the documented demo password
AXE_SCRIPT = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()
AXE_OPTIONS = json.dumps(
    {
        "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
        # Only what fails: building the passes and the incomplete lists costs more than the
        # checks on a large page, and nobody reads them.
        "resultTypes": ["violations"],
    }
)


def sign_in(page, base_url, username, password=DEMO_PASSWORD, language="en"):
    page.goto(f"{base_url}/{language}/accounts/login/")
    page.get_by_label("Username" if language == "en" else "Nom d’utilisateur").fill(username)
    page.get_by_label("Password" if language == "en" else "Mot de passe").fill(password)
    follow(page, page.get_by_role("button", name="Sign in" if language == "en" else "Se connecter"))


def follow(page, target):
    """Click `target` (a locator), or press it (a key name such as "Enter"), where that loads a
    page, and wait for the page it loads.

    A click returns once Chromium has announced the navigation it started, but a form is
    submitted in a task of its own: on a loaded machine the announcement can come after the
    click has returned, and wait_for_load_state() is then satisfied by the page still shown,
    so the next line reads the old page. expect_navigation() listens from before the click."""
    with page.expect_navigation():
        if isinstance(target, str):
            page.keyboard.press(target)
        else:
            target.click()
    page.wait_for_load_state("networkidle")


def axe_violations(page):
    """Run axe-core on the page; return the violations (WCAG 2.1 A and AA rules).

    axe is injected once per document: a second run on the same page (after a resize) reuses
    it."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SCRIPT)
    results = page.evaluate(f"() => axe.run(document, {AXE_OPTIONS})")
    return results["violations"]


def describe(violations):
    return "\n".join(
        f"{v['id']}: {v['help']} — {[n['target'] for n in v['nodes']][:3]}" for v in violations
    )


def assert_accessible(page):
    """axe finds nothing on the page as it is now."""
    violations = axe_violations(page)
    assert not violations, f"{page.url}\n{describe(violations)}"


# The journeys' steps: each page reached is waited for and checked with axe.
def visit(page, url=None):
    """Wait for the page (opened at `url`, or reached by the last click) and check it with axe."""
    if url:
        page.goto(url)
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").count() == 1, page.url
    assert_accessible(page)


def click(page, locator):
    """Follow a link or submit a form, then check the page reached (see visit)."""
    follow(page, locator)
    visit(page)
