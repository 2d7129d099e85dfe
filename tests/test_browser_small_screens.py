"""Phones, in Chromium: the menu collapses behind a button, a form with errors gets the
Canada.ca error summary, and buttons stay in one place from row to row.

That no page scrolls sideways at 320 px, that scrollable tables are focusable named regions and
that axe finds nothing there (in French, the longer language) is checked on every page each
persona can reach, by the bounded walk (tests/test_browser_walk.py)."""

import pytest

from tests.browser import assert_accessible, follow, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 320, "height": 640}


def test_the_menu_collapses_behind_a_button_on_a_phone(live_server, page, demo_world):
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, "secretariat", language="fr")
    page.goto(f"{live_server.url}/fr/")
    toggle = page.get_by_role("button", name="Menu")
    assert toggle.is_visible()
    first_item = page.locator("#portal-menu a.nav-link").first
    assert not first_item.is_visible()  # collapsed: the first screen is the page, not the menu
    toggle.click()
    first_item.wait_for(state="visible")
    assert toggle.get_attribute("aria-expanded") == "true"


def test_a_form_with_errors_has_a_summary_that_takes_the_focus(live_server, page, demo_world):
    sign_in(page, live_server.url, "groupchair", language="fr")
    page.goto(f"{live_server.url}/fr/accounts/password/")
    follow(page, page.get_by_role("button", name="Changer le mot de passe"))
    summary = page.locator(".error-summary")
    assert summary.count() == 1
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert page.title().startswith("Erreur\u00a0:")
    links = summary.locator("a")
    assert links.count() >= 1
    target = links.first.get_attribute("href")
    assert page.locator(target).get_attribute("aria-invalid") == "true" or page.locator(
        target
    ).evaluate("e => e.classList.contains('is-invalid')")
    assert_accessible(page)


def test_a_checkbox_group_is_one_entry_of_the_error_summary(live_server, page, demo_world):
    sign_in(page, live_server.url, "groupchair", language="fr")
    page.goto(f"{live_server.url}/fr/funding/new/")
    page.locator("#id_title_en").fill("Pilot")
    page.locator("#id_summary_en").fill("A pilot.")
    page.locator("#id_amount_requested").fill("1000")
    page.locator("#id_fiscal_year").fill("2020-22")
    follow(page, page.get_by_role("button", name="Enregistrer l’ébauche"))
    entries = page.locator(".error-summary li").all_inner_texts()
    boxes = page.locator("input[name=priorities]").count()
    assert boxes > 1  # several boxes, one problem
    priorities = [e for e in entries if "priorités" in e.lower()]
    assert len(priorities) == 1, entries
    assert priorities[0].startswith("Priorités des conseils"), entries
    fiscal = [e for e in entries if "Exercice" in e]
    assert len(fiscal) == 1 and "valeur nulle" not in fiscal[0], entries
    assert len(entries) == 2, entries


@pytest.mark.parametrize("width", [375, 1280])
def test_mark_as_read_stays_in_one_place_from_row_to_row(live_server, page, demo_world, width):
    from django.contrib.auth import get_user_model

    from notifications.models import Notification

    user = get_user_model().objects.get(username="groupchair")
    Notification.objects.filter(recipient=user).update(read_at=None)
    for text in ("Short.", "A much longer notice " * 8):
        Notification.objects.create(recipient=user, kind="deadline_7", text_en=text, text_fr=text)
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(page, live_server.url, "groupchair", language="en")
    page.goto(f"{live_server.url}/en/inbox/")
    buttons = page.get_by_role("button", name="Mark as read")
    assert buttons.count() >= 2
    lefts = {round(buttons.nth(i).bounding_box()["x"]) for i in range(buttons.count())}
    assert len(lefts) == 1, lefts
