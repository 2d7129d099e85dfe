"""Issue 14: signed in, `GET /en/accounts/login/?next=/en/accounts/login/` was a redirect loop
that Django reports as a 500. The class: any `next` that leads to a sign-in or sign-out page
(in either language), or off the site, falls back to the home page, whether the person is
already signed in or signs in now."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db

HOME = {"/en/", "/fr/"}


def _in(language, name):
    with translation.override(language):
        return reverse(name)


UNSAFE_NEXT = [
    _in("en", "login"),
    _in("fr", "login"),
    _in("en", "login") + "?next=" + _in("en", "login"),
    _in("en", "login").replace("/accounts/", "/accounts%2F"),
    _in("en", "logout"),
    _in("fr", "logout"),
    _in("en", "set_language"),
    "/oidc/callback/",
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "javascript:alert(1)",
    "http://[::1",
    "/en/\x00",
    "",
    "x" * 3000,
]


@pytest.mark.parametrize("next_url", UNSAFE_NEXT)
def test_signed_in_a_next_to_sign_in_or_out_or_elsewhere_goes_home(member, next_url):
    client = Client(raise_request_exception=False)
    client.force_login(member)
    response = client.get(reverse("login"), {"next": next_url})
    if response.status_code == 400:  # control characters: refused before any page
        return
    assert response.status_code == 302, response.status_code
    assert response["Location"] in HOME


@pytest.mark.parametrize("next_url", UNSAFE_NEXT)
def test_signing_in_with_such_a_next_goes_home(member, next_url):
    client = Client(raise_request_exception=False)
    response = client.post(
        reverse("login") + "?" + "next=" + next_url.replace("&", "%26"),
        {"username": member.username, "password": "correct-horse-battery", "next": next_url},
    )
    if response.status_code == 400:
        return
    assert response.status_code == 302, response.status_code
    assert response["Location"] in HOME
    assert client.get(response["Location"]).status_code == 200


def test_an_ordinary_next_is_kept(member):
    client = Client()
    client.force_login(member)
    councils = reverse("councils:meeting_list")
    response = client.get(reverse("login"), {"next": councils})
    assert response.status_code == 302 and response["Location"] == councils
    page = Client().get(reverse("login"), {"next": councils}).content.decode()
    assert f'name="next" value="{councils}"' in page


@pytest.mark.parametrize("next_url", [*UNSAFE_NEXT, "0", "notifications:inbox"])
def test_the_forms_that_post_a_next_use_the_same_rule(member, next_url):
    """The inbox's "mark all read" and an action item's status form send the person back to
    a posted `next`: the same rule applies (core.params.safe_next)."""
    from councils.tests.factories import ActionItemFactory

    client = Client(raise_request_exception=False)
    client.force_login(member)
    inbox = client.post(reverse("notifications:mark_all_read"), {"next": next_url})
    assert inbox.status_code == 302 and inbox["Location"] == reverse("notifications:inbox")
    item = ActionItemFactory(owner=member)
    status = client.post(
        reverse("councils:action_item_status", args=[item.pk]),
        {"status": "done", "next": next_url},
    )
    assert status.status_code == 302
    assert status["Location"] == reverse("councils:action_item_list")
