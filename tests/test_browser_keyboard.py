"""Keyboard only: no mouse, no clicks. Each workflow is driven with Tab, typing, Space and
Enter from the sign-in page to the change in the database, as a person who cannot use a
pointer would. `tab_to` fails if the control is not reachable with Tab."""

import pytest

from funding.models import FundingRequest, Status
from tests.browser import follow
from workinggroups.models import Group

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOCUSED_TEXT = """(name) => {
  const el = document.activeElement;
  const texts = [el.innerText, el.value, el.getAttribute('aria-label'),
                 ...(el.labels ? [...el.labels].map(l => l.innerText) : [])];
  return texts.some(t => t && t.trim().replace(/\\s*\\*$/, '') === name);
}"""


def tab_to(page, name, limit=150):
    """Press Tab until the focused control's text or label is exactly `name`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(FOCUSED_TEXT, name):
            return
    seen = page.evaluate("document.activeElement.outerHTML.slice(0, 120)")
    raise AssertionError(f"{name!r} cannot be reached with the keyboard (at {seen})")


def sign_in_by_keyboard(page, base_url, username):
    page.goto(f"{base_url}/en/accounts/login/")
    tab_to(page, "Username")
    page.keyboard.type(username)
    tab_to(page, "Password")
    page.keyboard.type("demo-Councils-2020")
    follow(page, "Enter")


def test_a_cochair_endorses_a_request_with_the_keyboard_only(live_server, page, demo_world):
    request = FundingRequest.objects.get(
        title_en="Citizen panels on the client journey for life events"
    )
    sign_in_by_keyboard(page, live_server.url, "cochair.pssdc")
    tab_to(page, "Funding")
    follow(page, "Enter")
    tab_to(page, "My review queue")
    follow(page, "Enter")
    tab_to(page, request.title_en)
    follow(page, "Enter")
    tab_to(page, "Endorse")
    page.keyboard.press("Space")
    assert page.get_by_label("Endorse", exact=True).is_checked()
    tab_to(page, "Comment")
    page.keyboard.type("Aligned with client-centred service.")
    tab_to(page, "Record my recommendation")
    follow(page, "Enter")
    request.refresh_from_db()
    assert request.status == Status.ENDORSED


def test_the_secretariat_converts_a_group_with_the_keyboard_only(live_server, page, demo_world):
    sign_in_by_keyboard(page, live_server.url, "secretariat")
    page.goto(f"{live_server.url}/en/groups/gdpr-wg/")
    tab_to(page, "Convert to a community of practice")
    follow(page, "Enter")
    tab_to(page, "Reason")
    page.keyboard.type("Measure 3 of 27 February 2020.")
    tab_to(page, "Confirm: Convert to a community of practice")
    follow(page, "Enter")
    group = Group.objects.get(slug="gdpr-wg")
    assert (group.kind, group.status) == ("cop", "active")
