"""A person's API tokens, walked in Chromium (issue 18): in French, a token is made (shown
once), used against the API, revoked after the confirmation, and then refused; axe finds no
WCAG 2.1 AA violation on the pages, in English and in French. The API's documentation renders
under the portal's Content-Security-Policy from the portal's own files."""

import pytest
from django.contrib.auth import get_user_model

from api.models import ApiToken
from tests.browser import assert_accessible, follow, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-Horse-battery-9"  # noqa: S105 - a test account's


def reader(language):
    from councils.models import Profile
    from councils.tests.factories import CouncilFactory, CouncilMembershipFactory

    user = get_user_model().objects.create_user(
        username=f"reader-{language}", password=PASSWORD, first_name="Alex", last_name="Roy"
    )
    Profile.objects.update_or_create(user=user, defaults={"preferred_language": language})
    CouncilMembershipFactory(user=user, council=CouncilFactory(), role="member")
    return user


def test_a_token_is_made_used_and_revoked_in_french(page, live_server):
    user = reader("fr")
    sign_in(page, live_server.url, user.username, PASSWORD, language="fr")
    page.goto(f"{live_server.url}/fr/")
    follow(page, page.get_by_role("link", name="Jetons d’API"))
    assert page.get_by_role("heading", name="Jetons d’API", level=1).is_visible()
    assert_accessible(page)
    page.get_by_label("Nom").fill("Tableau de bord de l’équipe")
    follow(page, page.get_by_role("button", name="Créer le jeton"))
    raw = page.get_by_label("Votre nouveau jeton (affiché maintenant seulement : copiez-le)")
    token = raw.input_value()
    assert len(token) > 30
    assert ApiToken.objects.get(user=user).token_hash != token
    assert_accessible(page)

    api = page.context.request
    answer = api.get(
        f"{live_server.url}/api/v1/councils/", headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status == 200 and len(answer.json()["results"]) == 1

    page.goto(f"{live_server.url}/fr/accounts/api-tokens/")
    assert token not in page.content()  # shown once
    follow(page, page.get_by_role("link", name="Révoquer Tableau de bord de l’équipe"))
    assert page.get_by_role("heading", name="Révoquer un jeton d’API").is_visible()
    assert_accessible(page)
    follow(page, page.get_by_role("button", name="Oui, révoquer le jeton"))
    assert page.get_by_text("est révoqué").is_visible()
    assert_accessible(page)
    assert ApiToken.objects.get(user=user).revoked_at is not None
    refused = api.get(
        f"{live_server.url}/api/v1/councils/", headers={"Authorization": f"Bearer {token}"}
    )
    assert refused.status == 401


def test_the_token_pages_are_accessible_in_english(page, live_server):
    user = reader("en")
    sign_in(page, live_server.url, user.username, PASSWORD)
    page.goto(f"{live_server.url}/en/accounts/api-tokens/")
    assert_accessible(page)
    follow(page, page.get_by_role("button", name="Make the token"))  # no name: the error summary
    assert page.get_by_text("This field is required.").first.is_visible()
    assert_accessible(page)


def test_the_api_documentation_renders_from_the_portals_own_files(page, live_server):
    outside = []
    page.on(
        "request",
        lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None,
    )
    refused = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else None)
    page.goto(f"{live_server.url}/api/v1/docs/")
    page.locator(".opblock-summary-path", has_text="/api/v1/groups/").first.wait_for()
    assert not outside
    assert not [m for m in refused if "script" in m]
