"""The bounded walk (issue 15's proof). Each persona signs in and follows links from its home,
breadth first, to every page it can reach (one page per URL pattern: two groups' pages, or two
requests', are one). Each page is visited in English and in French, and looked at 1280 px and
320 px wide:

- no page answers an error, and none scrolls sideways at 320 px;
- every page has one h1, the skip link to #main, and each scrollable table is a focusable,
  named region;
- axe finds no WCAG 2.1 A/AA violation: in both languages at 1280 px, and in French (the
  longer text, so the harder layout) at 320 px;
- every form with required fields is sent with them emptied, once per form and language: the
  answer shows the error summary (or the refusal), focused, with "Error:" in the title, and
  passes the same checks.

Bounded so it stays quick, without losing coverage:
- a page is loaded once per language and resized to 320 px, not loaded again;
- axe runs once per page *structure* (its elements, classes, roles and ARIA attributes, with
  repeated rows counted once) per language and width: the same template showing another
  object, or the same page to another persona, is not checked twice, but any difference in
  what it renders (a button, a form, a badge) is;
- axe is injected once per document and reports violations only;
- on PostgreSQL, personas walk side by side, each in its own Chromium.
The figures are printed at the end (pytest -s). The earlier walk (one link deep from home,
one persona per URL pattern) saw 30 page shapes and opened no form's error state."""

import hashlib
import os
import re
import threading
import time
from collections import Counter, deque
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.urls import Resolver404, resolve
from django.utils import translation
from playwright.sync_api import sync_playwright

from tests.browser import axe_violations, describe, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.long, pytest.mark.django_db(transaction=True)]

PERSONAS = ["secretariat", "member", "groupchair", "cochair.pssdc", "outsider"]  # longest first
LANGUAGES = ("en", "fr")
WIDE, NARROW = 1280, 320
MAX_PAGES = 250  # URL patterns per persona: a bound the portal stays well under
# Pages a persona must reach through links, a check that the walk is not cut short: the
# secretariat's work on groups, mandates, memberships and councils (issue 12), and a member's
# reading of a mandate.
MUST_REACH = {
    "secretariat": [
        "/en/groups/new/",
        "/en/groups/digital-identity-wg/edit/",
        "/en/groups/digital-identity-wg/memberships/",
        "/en/groups/digital-identity-wg/memberships/new/",
        "/en/groups/digital-identity-wg/reviews/new/",
        "/en/groups/client-centred-service-wg/mandate/",
        "/en/councils/pssdc/",
        "/en/councils/pssdc/members/",
        "/en/councils/pssdc/members/new/",
    ],
    "member": ["/en/groups/client-centred-service-wg/mandate/"],
}
SKIP = re.compile(
    r"/(logout|i18n|admin|static|media)/|\.(csv|ics|pdf|json)$|export|download|calendar|/feed/"
)

# The page's structure, for "was a page like this already checked?": each element's tag,
# classes, role, type and the names of its accessibility-relevant attributes, with whether it
# holds text; consecutive siblings with the same structure (table rows, list items) count once.
STRUCTURE = """() => {
  const KEEP = new RegExp('^(aria-|role$|alt$|title$|for$|scope$|headers$|tabindex$|lang$|' +
    'type$|href$|required$|disabled$|hidden$|open$|name$|placeholder$|label$)');
  const sig = (el) => {
    const attrs = [...el.attributes].map(a => a.name).filter(n => KEEP.test(n)).sort()
      .map(n => n === 'lang' ? `lang=${el.getAttribute('lang')}` : n);
    const text = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()) ? 'T' : '';
    const kids = new Set();
    for (const child of el.children) if (child.tagName !== 'SCRIPT') kids.add(sig(child));
    const inner = [...kids].join('');
    return `<${el.tagName}.${[...el.classList].sort().join('.')}[${attrs.join(',')}]${text}>` +
      inner + '</>';
  };
  return sig(document.body);
}"""

# What every page has, whatever its width: one h1, the skip link to the main content first, and
# each scrollable table a focusable region with a name (keyboard users scroll it at 320 px).
BASICS = """() => {
  const problems = [];
  const h1 = document.querySelectorAll('h1').length;
  if (h1 !== 1) problems.push(`${h1} h1 elements`);
  const skip = document.querySelectorAll('a.skip-link');
  const main = document.getElementById('main');
  if (skip.length !== 1 || skip[0].getAttribute('href') !== '#main' || !main)
    problems.push('no skip link to #main');
  const unnamed = [...document.querySelectorAll('.table-responsive')].filter(b =>
    b.getAttribute('tabindex') !== '0' || !b.getAttribute('role') ||
    !(b.getAttribute('aria-label') || b.getAttribute('aria-labelledby'))).length;
  if (unnamed) problems.push(`${unnamed} scrollable tables are not focusable named regions`);
  return problems;
}"""

SETTLED = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"

ERROR_STATE = """(form) => {
  form.noValidate = true;
  form.querySelectorAll('[required]:not([disabled])').forEach(e => {
    if (e.type === 'checkbox' || e.type === 'radio') e.checked = false; else e.value = '';
  });
  // The form's own button, not a helper such as a person search's "Search" (formnovalidate).
  const submit = form.querySelector(
    'button[type=submit]:not([formnovalidate]), input[type=submit]:not([formnovalidate]), ' +
    'button:not([type]):not([formnovalidate])');
  form.requestSubmit(submit || undefined);
}"""


def pattern(url):
    """The URL pattern a link opens: its route in the URLconf (`groups/<slug:slug>/`), so two
    groups' pages, or two requests', count as one page. A path no route matches keeps its own
    path, with numbers replaced by N."""
    path = re.sub(r"^https?://[^/]+/(en|fr)/", "/en/", url.split("?")[0].split("#")[0])
    with translation.override("en"):
        try:
            return resolve(path).route
        except Resolver404:
            return re.sub(r"\d+", "N", path)


def in_language(url, language):
    return re.sub(r"^(https?://[^/]+)/(en|fr)/", rf"\1/{language}/", url)


def links(page, base_url):
    hrefs = page.locator("nav.portal-nav a, main a").evaluate_all(
        "els => els.map(e => e.getAttribute('href'))"
    )
    found = []
    for href in hrefs:
        if href and href.startswith("/en/") and not SKIP.search(href.split("?")[0]):
            found.append(base_url + href.split("#")[0])
    return list(dict.fromkeys(found))


class Walk:
    def __init__(self, base_url):
        self.base_url = base_url
        self.problems = []
        self.checked = set()  # (structure, language, width) axe has passed
        self.forms_done = set()  # (form action pattern, language)
        self.figures = Counter()
        self.pages = {}  # persona → the URL patterns reached
        self.checking = set()  # structures another persona is checking right now
        self.lock = threading.Lock()  # personas walk in parallel threads

    def look(self, page, where, language):
        """The checks of one loaded document, at 1280 px then at 320 px (resized)."""
        self.problems += [f"{where}: {problem}" for problem in page.evaluate(BASICS)]
        for width in (WIDE, NARROW):
            page.set_viewport_size({"width": width, "height": 900})
            page.evaluate(SETTLED)  # charts redraw for the new width on the next frames
            with self.lock:
                self.figures["visits"] += 1
            if width == NARROW and page.evaluate(
                "() => document.documentElement.scrollWidth > document.documentElement.clientWidth"
            ):
                self.problems.append(f"{where}: scrolls sideways at 320 px")
            if width == NARROW and language == "en":
                continue  # English at 320 px: reflow only (see the module's docstring)
            key = (hashlib.sha256(page.evaluate(STRUCTURE).encode()).hexdigest(), width)
            with self.lock:
                if key in self.checked or key in self.checking:
                    continue
                self.checking.add(key)
                self.figures["axe runs"] += 1
            violations = axe_violations(page)
            with self.lock:
                self.checking.discard(key)
                if violations:
                    self.problems.append(f"{where} at {width} px:\n{describe(violations)}")
                else:
                    self.checked.add(key)
        page.set_viewport_size({"width": WIDE, "height": 900})

    def error_states(self, page, url, language, username):
        """Send each not-yet-checked form with required fields, emptied, from a fresh page."""
        count = page.locator("main form[method=post]:has([required]:not([disabled]))").count()
        for index in range(count):
            form = page.locator("main form[method=post]:has([required]:not([disabled]))").nth(index)
            action = form.get_attribute("action") or url
            key = (pattern(action if action.startswith("http") else self.base_url + action),
                   language)  # fmt: skip
            with self.lock:
                if key in self.forms_done:
                    continue
                self.forms_done.add(key)
                self.figures["error states"] += 1
            with page.expect_navigation(wait_until="domcontentloaded"):
                form.evaluate(ERROR_STATE)
            where = f"{username} {url} (form {key[0]}, error state)"
            prefix = "Error:" if language == "en" else "Erreur\u00a0:"
            # A field error shows the summary; an action refused by the server its message.
            if not page.locator(".error-summary, .messages .alert-danger").count():
                self.problems.append(f"{where}: no error summary")
            else:
                if not page.title().startswith(prefix):
                    self.problems.append(f"{where}: title {page.title()!r} lacks {prefix!r}")
                if not page.evaluate(
                    "() => document.activeElement.matches('.error-summary, .alert-danger')"
                ):
                    self.problems.append(f"{where}: the focus is not on the error summary")
            self.look(page, where, language)
            if index + 1 < count:
                page.goto(url, wait_until="domcontentloaded")

    def persona(self, browser, username):
        context = browser.new_context(viewport={"width": WIDE, "height": 900})
        page = context.new_page()
        sign_in(page, self.base_url, username)
        home = f"{self.base_url}/en/"
        queue, seen = deque([home]), {pattern(home)}
        reached = 0
        while queue and reached < MAX_PAGES:
            url = queue.popleft()
            reached += 1
            for language in LANGUAGES:
                target = in_language(url, language)
                response = page.goto(target, wait_until="domcontentloaded")
                if response is None or response.status >= 400:
                    status = response and response.status
                    self.problems.append(f"{username} {target}: HTTP {status}")
                    break
                if language == "en":
                    for link in links(page, self.base_url):
                        route = pattern(link)
                        if route not in seen:
                            seen.add(route)
                            queue.append(link)
                self.look(page, f"{username} {target}", language)
                if username != "outsider":
                    self.error_states(page, target, language, username)
        if queue:
            self.problems.append(f"{username}: more than {MAX_PAGES} page patterns, raise it")
        self.pages[username] = seen
        context.close()


def walk_in_own_browser(walk, username, launch_args):
    """One persona's walk, in a Chromium of its own (Playwright objects stay in their thread)."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(**launch_args)
        try:
            walk.persona(browser, username)
        finally:
            browser.close()


def test_every_persona_both_languages_both_widths(
    live_server, browser_type_launch_args, demo_world
):
    started = time.monotonic()
    walk = Walk(live_server.url)
    # The personas walk side by side: the server renders one page while Chromium checks
    # another. PostgreSQL gives each server thread its own connection; SQLite walks one by one.
    workers = min(3, os.cpu_count() or 1) if connection.vendor == "postgresql" else 1
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for done in [
            pool.submit(walk_in_own_browser, walk, username, browser_type_launch_args)
            for username in PERSONAS
        ]:
            done.result()
    figures = walk.figures
    reached = {username: len(patterns) for username, patterns in walk.pages.items()}
    print(
        f"\nwalk: {sum(reached.values())} pages reached ({reached}) × 2 languages × 2 widths = "
        f"{figures['visits']} page views; axe passed {len(walk.checked)} distinct page "
        f"structures ({figures['axe runs']} runs); {figures['error states']} form error states; "
        f"{len(walk.problems)} problems; {time.monotonic() - started:.0f} s, {workers} at once"
    )
    assert not walk.problems, "\n\n".join(walk.problems)
    for username, paths in MUST_REACH.items():
        missing = {path for path in paths if pattern(path) not in walk.pages[username]}
        assert not missing, f"{username} never reached {missing}"
    assert len(walk.pages["secretariat"]) > 60 and figures["error states"] > 60  # not a stub
