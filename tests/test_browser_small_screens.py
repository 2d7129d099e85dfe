"""Every main page at 320 px, in French (the longer language), in Chromium: no horizontal page
scroll, the menu collapses behind a button, scrollable tables are focusable named regions, and
axe finds nothing. A form with errors gets the Canada.ca error summary."""

import pytest
from django.core.management import call_command

from tests.browser import axe_violations, describe, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 320, "height": 640}


@pytest.fixture
def demo_world(settings):
    settings.DEBUG = True
    call_command("load_demo", verbosity=0)
    settings.DEBUG = False


def pages_to_visit(page, base_url):
    """Each main-menu entry and the first link into a detail page from each of them."""
    hrefs = page.locator("#portal-menu a.nav-link").evaluate_all(
        "els => els.map(e => e.getAttribute('href'))"
    )
    urls = [base_url + h for h in hrefs]
    for url in list(urls):
        page.goto(url)
        first = page.locator("main table a[href^='/']").first
        if first.count():
            urls.append(base_url + first.get_attribute("href"))
    return list(dict.fromkeys(urls))


def problems_at_320(page, url):
    page.goto(url)
    found = []
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    if overflow > 0:
        found.append(f"{url}: the page scrolls sideways by {overflow} px at 320 px")
    unnamed = page.evaluate(
        """[...document.querySelectorAll('.table-responsive')].filter(b =>
             b.getAttribute('tabindex') !== '0' || !b.getAttribute('role') ||
             !(b.getAttribute('aria-label') || b.getAttribute('aria-labelledby'))).length"""
    )
    if unnamed:
        found.append(f"{url}: {unnamed} scrollable tables are not focusable named regions")
    violations = axe_violations(page)
    if violations:
        found.append(f"{url}:\n{describe(violations)}")
    return found


def test_every_main_page_fits_a_phone_in_french(live_server, page, demo_world):
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

    urls = pages_to_visit(page, live_server.url)
    assert len(urls) >= 12
    found = []
    for url in urls:
        found += problems_at_320(page, url)
    assert not found, "\n".join(found)


def test_a_form_with_errors_has_a_summary_that_takes_the_focus(live_server, page, demo_world):
    sign_in(page, live_server.url, "groupchair", language="fr")
    page.goto(f"{live_server.url}/fr/accounts/password/")
    page.get_by_role("button", name="Changer le mot de passe").click()
    page.wait_for_load_state("networkidle")
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
    violations = axe_violations(page)
    assert not violations, describe(violations)


def test_a_checkbox_group_is_one_entry_of_the_error_summary(live_server, page, demo_world):
    sign_in(page, live_server.url, "groupchair", language="fr")
    page.goto(f"{live_server.url}/fr/funding/new/")
    page.locator("#id_title_en").fill("Pilot")
    page.locator("#id_summary_en").fill("A pilot.")
    page.locator("#id_amount_requested").fill("1000")
    page.locator("#id_fiscal_year").fill("2020-22")
    page.get_by_role("button", name="Enregistrer l’ébauche").click()
    page.wait_for_load_state("networkidle")
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
