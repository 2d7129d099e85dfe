"""Single sign-on and two-step verification, walked in Chromium.

Single sign-on runs against a real OpenID provider (panva's certified oidc-provider, started on
loopback by tests/oidc_provider.py): the portal reads its discovery document, sends the browser
there with state, nonce and a PKCE challenge, and checks the signed ID token it gets back.
Each refusal ends on a page that says why, with nobody signed in. axe runs on every portal
page these journeys show, in English and in French."""

import re

import pytest
from django.contrib.auth import get_user_model

from tests import oidc_provider
from tests.browser import DEMO_PASSWORD, assert_accessible, follow, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SSO_BUTTON = {"en": "Sign in with Test ID", "fr": "Se connecter avec ID d’essai"}
HOME_HEADING = {"en": "What waits on me", "fr": "Ce qui m’attend"}
LOGIN_HEADING = {"en": "Sign in", "fr": "Connexion"}
LOOPBACK = re.compile(r"^https?://(127\.0\.0\.1|localhost)[:/]")


@pytest.fixture(scope="session")
def oidc_server(live_server):
    oidc_provider.require()
    server = oidc_provider.start([live_server.url])
    yield server
    server.stop()


@pytest.fixture
def sso(settings, oidc_server):
    settings.PORTAL_OIDC_PROVIDERS = [oidc_server.settings_entry()]
    settings.PORTAL_CSP_FORM_ACTION = [oidc_server.issuer]
    oidc_server.set_fault(None)
    yield oidc_server
    oidc_server.set_fault(None)


@pytest.fixture
def page(page):
    # The provider's sign-in page asks for a web font; nothing leaves this machine.
    page.route(
        "**/*",
        lambda route: route.continue_() if LOOPBACK.match(route.request.url) else route.abort(),
    )
    return page


def person(username, email, *, language="en", active=True, password=None):
    from councils.models import Profile
    from councils.tests.factories import CouncilFactory, CouncilMembershipFactory

    user = get_user_model().objects.create_user(
        username=username,
        email=email,
        password=password,
        first_name=username.capitalize(),
        last_name="Example",
        is_active=active,
    )
    Profile.objects.update_or_create(user=user, defaults={"preferred_language": language})
    council = CouncilFactory()
    CouncilMembershipFactory(user=user, council=council, role="member")
    return user


def sso_sign_in(page, base_url, login, language="en"):
    page.goto(f"{base_url}/{language}/accounts/login/")
    follow(page, page.get_by_role("link", name=SSO_BUTTON[language]))
    page.get_by_placeholder("Enter any login").fill(login)
    page.get_by_placeholder("and password").fill("any password")
    follow(page, page.get_by_role("button", name="Sign-in"))


def assert_signed_out(page, base_url):
    page.goto(f"{base_url}/en/")
    assert "/accounts/login/" in page.url
    assert page.get_by_role("heading", name="Sign in", exact=True).is_visible()


def test_invited_person_signs_in_with_sso_and_out_at_the_provider(live_server, page, sso):
    from signin.models import SecurityEvent, SingleSignOnLink

    # Invited under the same address, written in another case.
    invited = person("ines", "invited.person@dept.example", language="fr")
    page.goto(f"{live_server.url}/en/accounts/login/")
    assert_accessible(page)
    page.goto(f"{live_server.url}/fr/accounts/login/")
    assert page.get_by_role("link", name=SSO_BUTTON["fr"]).is_visible()
    assert_accessible(page)

    sso_sign_in(page, live_server.url, "invited")
    # Signed in, in the person's own language, and linked at this first sign-in.
    assert page.get_by_role("heading", name=HOME_HEADING["fr"]).is_visible()
    assert "/fr/" in page.url
    link = SingleSignOnLink.objects.get()
    assert (link.user, link.subject, link.issuer) == (invited, "invited", sso.issuer)
    assert SecurityEvent.objects.filter(user=invited, kind="sso_linked").count() == 1

    # The link shows on the person's sign-in and security page.
    follow(page, page.get_by_role("link", name="Connexion et sécurité"))
    assert page.locator("#sso-links").get_by_text("ID d’essai").is_visible()
    assert_accessible(page)

    # Sign-out ends the portal session, then signs out at the provider (RP-initiated logout).
    follow(page, page.get_by_role("button", name="Se déconnecter"))
    assert page.url.startswith(sso.issuer)
    follow(page, page.get_by_role("button", name="Yes, sign me out"))
    assert "/accounts/login/" in page.url
    assert page.get_by_text("Votre session est fermée").is_visible()
    assert_signed_out(page, live_server.url)

    # The second sign-in goes by the link, not the e-mail: the address may change since.
    invited.email = "ines.vaillancourt@dept.example"
    invited.save()
    sso_sign_in(page, live_server.url, "invited")
    assert page.get_by_role("heading", name=HOME_HEADING["fr"]).is_visible()
    assert SingleSignOnLink.objects.count() == 1


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_person_nobody_invited_is_told_how_to_ask_for_access(live_server, page, sso, language):
    from signin.models import SingleSignOnLink

    sso_sign_in(page, live_server.url, "stranger", language=language)
    heading = {
        "en": "No portal account for this address",
        "fr": "Aucun compte du portail pour cette adresse",
    }[language]
    assert page.get_by_role("heading", name=heading).is_visible()
    assert page.locator("html").get_attribute("lang") == language
    assert page.get_by_text("stranger@elsewhere.example").first.is_visible()
    assert page.locator('a[href^="mailto:"]').first.is_visible()
    assert_accessible(page)
    assert not SingleSignOnLink.objects.exists()
    assert not get_user_model().objects.filter(email__iexact="stranger@elsewhere.example")
    assert_signed_out(page, live_server.url)


REFUSALS = {
    "wrong_audience": "made for another application",
    "expired_token": "has expired",
    "unverified_email": "has not verified the address",
    "deactivated": "Your access to the portal has ended",
}


@pytest.mark.parametrize("reason", sorted(REFUSALS))
def test_each_refusal_says_why_and_signs_nobody_in(live_server, page, sso, reason):
    from signin.models import SingleSignOnLink

    login = "invited"
    person("ines", "invited.person@dept.example")
    if reason == "wrong_audience":
        sso.set_fault("wrong_audience")
    elif reason == "expired_token":
        sso.set_fault("expired")
    elif reason == "unverified_email":
        login = "unverified"
        person("uma", "unverified@dept.example")
    else:
        login = "departed"
        person("dora", "departed@dept.example", active=False)

    sso_sign_in(page, live_server.url, login)
    assert page.get_by_role("heading", name="Single sign-on refused").is_visible()
    assert page.locator("#sso-refusal").get_attribute("data-reason") == reason
    assert REFUSALS[reason] in page.locator("#sso-refusal").inner_text()
    assert page.get_by_text("You are not signed in.").is_visible()
    assert_accessible(page)
    assert not SingleSignOnLink.objects.exists()
    assert_signed_out(page, live_server.url)


def test_a_replayed_state_is_refused(live_server, page, browser, sso):
    from signin.models import SingleSignOnLink

    person("ines", "invited.person@dept.example")
    answers = []
    page.on(
        "request",
        lambda request: answers.append(request.url) if "/oidc/callback/" in request.url else None,
    )
    sso_sign_in(page, live_server.url, "invited")
    assert page.get_by_role("heading", name=HOME_HEADING["en"]).is_visible()
    assert len(answers) == 1 and "state=" in answers[0]

    # The same answer (code and state) replayed, by another browser or by the same one once
    # signed out: the state was used up, nothing is signed in.
    other = browser.new_context()
    try:
        intruder = other.new_page()
        intruder.goto(answers[0])
        assert intruder.locator("#sso-refusal").get_attribute("data-reason") == "state"
        assert "already used" in intruder.locator("#sso-refusal").inner_text()
        assert_accessible(intruder)
        assert_signed_out(intruder, live_server.url)
    finally:
        other.close()
    page.context.clear_cookies()
    page.goto(answers[0])
    assert page.locator("#sso-refusal").get_attribute("data-reason") == "state"
    assert_signed_out(page, live_server.url)
    assert SingleSignOnLink.objects.count() == 1  # the first, genuine sign-in's


# --- Two-step verification ------------------------------------------------------------------


def current_code(secret_text, offset=0):
    """What an authenticator app shows now (or `offset` steps later) for the key on the page."""
    import base64

    from django_otp.oath import totp

    secret = "".join(secret_text.split())
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return f"{totp(key, t0=0, step=30, digits=6, drift=offset):06d}"


@pytest.fixture
def secretariat_person(settings):
    from councils.models import Profile
    from councils.tests.factories import CouncilFactory, CouncilMembershipFactory

    settings.PORTAL_TWO_FACTOR_REQUIRED_ROLES = ["secretariat", "co_chair"]
    user = get_user_model().objects.create_user(
        username="sophie",
        email="sophie@councils.example",
        password=DEMO_PASSWORD,
        first_name="Sophie",
        last_name="Leblanc",
    )
    Profile.objects.update_or_create(user=user, defaults={"preferred_language": "en"})
    CouncilMembershipFactory(user=user, council=CouncilFactory(), role="secretariat")
    return user


def test_secretariat_enrols_in_totp_then_signs_in_with_it_and_a_recovery_code_once(
    live_server, page, secretariat_person
):
    from signin.models import SecurityEvent

    # The password alone does not sign in: the role requires a second factor, set up now.
    sign_in(page, live_server.url, "sophie")
    assert "/accounts/security/authenticator/" in page.url
    assert page.get_by_role("heading", name="Set up an authenticator app").is_visible()
    assert page.get_by_role("img", name="QR code to scan with an authenticator app").is_visible()
    assert_accessible(page)
    page.goto(f"{live_server.url}/fr/accounts/security/authenticator/")
    assert page.get_by_role("heading", name="Configurer une application d’authentification")
    assert_accessible(page)
    page.goto(f"{live_server.url}/en/")  # not signed in yet
    assert "/accounts/login/" in page.url
    page.goto(f"{live_server.url}/en/accounts/security/authenticator/")

    secret = page.locator("#totp-secret").inner_text()
    wrong = "000000" if current_code(secret) != "000000" else "111111"
    page.get_by_label("Code from the app").fill(wrong)
    follow(page, page.get_by_role("button", name="Confirm and continue"))
    assert page.get_by_text("That code is not right").first.is_visible()
    page.get_by_label("Code from the app").fill(current_code(secret))
    follow(page, page.get_by_role("button", name="Confirm and continue"))
    assert page.get_by_role("heading", name="Your recovery codes").is_visible()
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    assert_accessible(page)
    follow(page, page.get_by_role("link", name="I have saved them — continue"))
    assert page.get_by_role("heading", name=HOME_HEADING["en"]).is_visible()
    assert SecurityEvent.objects.filter(kind="totp_enrolled").count() == 1

    # Signing in again: password, then the app's code (the next one: a code is used once).
    follow(page, page.get_by_role("button", name="Sign out"))
    sign_in(page, live_server.url, "sophie")
    assert page.get_by_role("heading", name="Two-step verification").is_visible()
    assert_accessible(page)
    page.get_by_label("Code").fill(current_code(secret, offset=1))
    follow(page, page.get_by_role("button", name="Verify and sign in"))
    assert page.get_by_role("heading", name=HOME_HEADING["en"]).is_visible()

    # A recovery code works once...
    follow(page, page.get_by_role("button", name="Sign out"))
    sign_in(page, live_server.url, "sophie")
    page.get_by_label("Code").fill(codes[0])
    follow(page, page.get_by_role("button", name="Verify and sign in"))
    assert page.get_by_role("heading", name=HOME_HEADING["en"]).is_visible()
    assert page.get_by_text("You used a recovery code; 9 left.").is_visible()

    # ... and is refused the second time: still not signed in.
    follow(page, page.get_by_role("button", name="Sign out"))
    sign_in(page, live_server.url, "sophie")
    page.get_by_label("Code").fill(codes[0])
    follow(page, page.get_by_role("button", name="Verify and sign in"))
    assert page.get_by_text("That code is not right, or was already used.").first.is_visible()
    assert page.get_by_role("heading", name="Two-step verification").is_visible()
    page.goto(f"{live_server.url}/en/")
    assert "/accounts/login/" in page.url
    assert SecurityEvent.objects.filter(kind="recovery_used").count() == 1


def test_sign_in_pages_pass_axe_in_both_languages(live_server, page, secretariat_person):
    """The security page (own) and a person's sign-in page (the secretariat's), with a second
    factor set up and a single sign-on link, in English and in French."""
    from signin import services
    from signin.models import SingleSignOnLink

    services.totp_enrol(user=secretariat_person, key=services.new_totp_key())
    member = person("ines", "invited.person@dept.example", language="fr")
    SingleSignOnLink.objects.create(
        user=member, provider="testid", issuer="https://id.example", subject="s-1"
    )
    services.totp_enrol(user=member, key=services.new_totp_key())
    codes = services.recovery_codes_renew(user=secretariat_person)
    sign_in(page, live_server.url, "sophie")
    page.get_by_label("Code").fill(codes[0])
    follow(page, page.get_by_role("button", name="Verify and sign in"))
    for language in ("en", "fr"):
        for path in ("accounts/security/", "people/sign-in/", f"people/{member.pk}/sign-in/"):
            page.goto(f"{live_server.url}/{language}/{path}")
            assert page.locator("html").get_attribute("lang") == language
            assert page.locator("h1").is_visible()
            assert_accessible(page)
    # New recovery codes (shown once), from the French page.
    page.goto(f"{live_server.url}/fr/accounts/security/")
    follow(page, page.get_by_role("button", name="Créer de nouveaux codes de récupération"))
    assert page.get_by_role("heading", name="Vos codes de récupération").is_visible()
    assert page.locator("#recovery-codes li").count() == 10
    assert_accessible(page)
    # The second step of a sign-in, in French.
    follow(page, page.get_by_role("button", name="Se déconnecter"))
    sign_in(page, live_server.url, "sophie", language="fr")
    assert "/fr/accounts/two-step/" in page.url
    assert page.get_by_role("heading", name="Vérification en deux étapes").is_visible()
    assert_accessible(page)


def test_a_refusal_in_french(live_server, page, sso):
    person("uma", "unverified@dept.example", language="fr")
    sso_sign_in(page, live_server.url, "unverified", language="fr")
    assert page.get_by_role("heading", name="Authentification unique refusée").is_visible()
    assert "n’a pas vérifié l’adresse" in page.locator("#sso-refusal").inner_text()
    assert page.get_by_text("Aucune session n’est ouverte.").is_visible()
    assert_accessible(page)


def test_sign_out_offers_a_link_when_the_provider_s_page_may_not_be_posted_to(
    live_server, page, sso, settings
):
    """A provider whose sign-out page is on an origin the sign-out form may not lead to
    (CSP form-action): the portal session ends, and a page offers the provider's sign-out."""
    settings.PORTAL_CSP_FORM_ACTION = []
    person("ines", "invited.person@dept.example")
    for language in ("en", "fr"):
        sso_sign_in(page, live_server.url, "invited", language=language)
        page.goto(f"{live_server.url}/{language}/")
        follow(
            page,
            page.get_by_role("button", name={"en": "Sign out", "fr": "Se déconnecter"}[language]),
        )
        heading = {"en": "Signed out of the portal", "fr": "Session du portail fermée"}[language]
        assert page.get_by_role("heading", name=heading).is_visible()
        assert_accessible(page)
        also = {
            "en": "Sign out of your organisation’s account too",
            "fr": "Fermer aussi la session du compte de votre organisation",
        }[language]
        follow(page, page.get_by_role("link", name=also))
        follow(page, page.get_by_role("button", name="Yes, sign me out"))
        assert "/accounts/login/" in page.url
        assert_signed_out(page, live_server.url)
