"""Each demo account signs in through the real login form and sees its home, in English and
in French, in Chromium. This is the foundation's "done when" walked by a browser."""

import pytest

from tests.browser import assert_accessible, follow, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ACCOUNTS = ["cochair.pssdc", "cochair.pscioc", "secretariat", "member", "groupchair", "outsider"]


HOME_HEADING = {"en": "What waits on me", "fr": "Ce qui m’attend"}
TOGGLE = {"en": "Français", "fr": "English"}


@pytest.mark.parametrize("username", ACCOUNTS)
def test_demo_account_signs_in_and_sees_home_in_both_languages(
    live_server, page, demo_world, username
):
    from django.contrib.auth import get_user_model

    preferred = get_user_model().objects.get(username=username).profile.preferred_language
    other = "fr" if preferred == "en" else "en"
    sign_in(page, live_server.url, username)
    # Signed in through the English form, the portal continues in the person's own language.
    assert f"/{preferred}/" in page.url
    for language in (preferred, other):
        assert page.locator("html").get_attribute("lang") == language
        assert page.get_by_role("heading", name=HOME_HEADING[language]).is_visible()
        assert_accessible(page)
        if language == preferred:
            follow(page, page.get_by_role("button", name=TOGGLE[language]))
    assert f"/{other}/" in page.url


def test_group_co_chair_finds_their_group_with_the_keyboard(live_server, page, demo_world):
    sign_in(page, live_server.url, "groupchair")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "Skip to main content"
    page.get_by_role("link", name="Client-Centred Service Working Group").first.focus()
    follow(page, "Enter")
    assert (
        page.get_by_role("heading", level=1).inner_text() == "Client-Centred Service Working Group"
    )
    assert_accessible(page)
