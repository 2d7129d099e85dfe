"""Browser tests wait for the page a click loads (tests.browser.follow), never for "the page
now shown": a click whose form is submitted a moment later returns with the old page still
shown, and wait_for_load_state() is then satisfied by the old page. On a loaded CI machine
that made the sign-in journey read the enrolment page where the recovery codes had just been
rendered."""

import ast
import itertools
from pathlib import Path

import pytest

from tests.browser import follow

ROOT = Path(__file__).resolve().parent.parent
FIRST = """<!doctype html><html lang="en"><title>First</title><h1>First</h1>
<form method="post" action="/second"><input name="code" value="1"></form>
<button type="button" onclick="setTimeout(() => document.forms[0].submit(), 1000)">Go</button>
</html>"""
SECOND = '<!doctype html><html lang="en"><title>Second</title><h1>Second</h1></html>'


@pytest.mark.browser
def test_follow_waits_for_a_page_the_browser_starts_loading_after_the_click(page):
    posted = []

    def serve(route):
        if route.request.method == "POST":
            posted.append(route.request.post_data)
            route.fulfill(status=201, content_type="text/html", body=SECOND)
        else:
            route.fulfill(content_type="text/html", body=FIRST)

    page.route("http://portal.test/**", serve)
    page.goto("http://portal.test/first")
    follow(page, page.get_by_role("button", name="Go"))
    assert posted == ["code=1"]
    assert page.locator("h1").inner_text() == "Second"
    assert page.url == "http://portal.test/second"


def statements_after_each_other(tree):
    for node in ast.walk(tree):
        for field in ("body", "orelse", "finalbody"):
            body = getattr(node, field, None)
            if isinstance(body, list):
                yield from itertools.pairwise(body)


def called(statement):
    """The method name a statement calls (`x.click()` -> "click"), or None."""
    if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
        function = statement.value.func
        if isinstance(function, ast.Attribute):
            return function.attr
    return None


def test_no_browser_test_clicks_then_waits_for_the_page_shown():
    """The idiom that looks like a wait and is not: `x.click()` or `keyboard.press()`, then
    `page.wait_for_load_state(...)`. Use follow(page, x) where the click loads a page."""
    sources = [*ROOT.glob("*/tests/*.py"), *ROOT.glob("tests/*.py"), *ROOT.glob("scripts/*.py")]
    assert len(sources) > 50
    found = []
    for path in sources:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for action, wait in statements_after_each_other(tree):
            if called(action) in {"click", "press"} and called(wait) == "wait_for_load_state":
                found.append(f"{path.relative_to(ROOT)}:{action.lineno}")
    assert not found, "use tests.browser.follow(page, locator):\n" + "\n".join(found)
