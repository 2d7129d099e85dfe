"""Single sign-on: what the browser journeys (tests/test_browser_signin.py) do not show one by
one — the authorization request's parameters, discovery checks, the ID token checks, matching
by verified e-mail, and the password refusal per role."""

import time
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from signin.models import SecurityEvent, SingleSignOnLink
from signin.oidc import OIDCBackend, SignInRefused
from signin.providers import Provider
from signin.services import match_person
from signin.tests.conftest import make_person

pytestmark = pytest.mark.django_db


def test_the_authorization_request_uses_pkce_state_and_nonce(client, sso):
    response = client.get(reverse("signin:sso_start", args=["testid"]) + "?next=/en/groups/")
    assert response.status_code == 302
    url = urlsplit(response["Location"])
    assert f"{url.scheme}://{url.netloc}" == sso.issuer
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert query["response_type"] == "code"
    assert query["scope"] == "openid email profile"
    assert query["code_challenge_method"] == "S256"
    assert query["redirect_uri"] == "http://testserver/oidc/callback/"
    entry = client.session["oidc_states"][query["state"]]
    assert entry["nonce"] == query["nonce"] and len(entry["nonce"]) >= 32
    assert len(entry["code_verifier"]) >= 43 and entry["code_verifier"] != query["code_challenge"]
    assert (entry["provider"], entry["next"], entry["language"]) == ("testid", "/en/groups/", "en")
    # The endpoints came from the provider's discovery document.
    assert url.path == "/auth"


def test_a_discovery_document_for_another_issuer_is_refused(client, settings, oidc_server):
    entry = oidc_server.settings_entry(issuer=oidc_server.issuer.replace("127.0.0.1", "localhost"))
    settings.PORTAL_OIDC_PROVIDERS = [entry]
    response = client.get(reverse("signin:sso_start", args=["testid"]))
    assert response.status_code == 503
    assert "cannot be reached right now" in response.content.decode()
    assert "oidc_states" not in client.session


def test_an_unknown_provider_is_not_found(client, sso):
    assert client.get(reverse("signin:sso_start", args=["other"])).status_code == 404


def test_the_sign_out_form_may_continue_to_the_provider(client, sso):
    policy = client.get(reverse("login"))["Content-Security-Policy"]
    assert f"form-action 'self' {sso.issuer};" in policy


def test_without_a_provider_the_sign_in_page_offers_passwords_only(client):
    page = client.get(reverse("login")).content.decode()
    assert (
        "Sign in with" not in page
        and "form-action 'self';" in client.get(reverse("login"))["Content-Security-Policy"]
    )


@pytest.mark.parametrize("params", ["", "?state=made-up&code=x", "?code=x"])
def test_a_callback_without_its_state_is_refused(client, sso, params):
    response = client.get(reverse("oidc_callback") + params)
    assert response.status_code == 400
    assert "already used, or did not start in this browser" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_an_answer_naming_another_issuer_is_refused(client, sso):
    start = client.get(reverse("signin:sso_start", args=["testid"]))
    state = parse_qs(urlsplit(start["Location"]).query)["state"][0]
    response = client.get(
        reverse("oidc_callback") + f"?state={state}&code=x&iss=https://evil.example"
    )
    assert response.status_code == 400 and "did not come from Test ID" in response.content.decode()
    # The state was used up by that answer.
    again = client.get(reverse("oidc_callback") + f"?state={state}&code=x")
    assert "already used" in again.content.decode()


def test_a_code_the_provider_never_issued_is_refused(client, sso):
    start = client.get(reverse("signin:sso_start", args=["testid"]))
    state = parse_qs(urlsplit(start["Location"]).query)["state"][0]
    response = client.get(reverse("oidc_callback") + f"?state={state}&code=forged")
    assert response.status_code == 400
    assert "did not confirm this sign-in" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_an_old_state_is_refused(client, sso, settings):
    start = client.get(reverse("signin:sso_start", args=["testid"]))
    state = parse_qs(urlsplit(start["Location"]).query)["state"][0]
    session = client.session
    session["oidc_states"][state]["added_on"] = time.time() - settings.PORTAL_OIDC_STATE_MAX_AGE - 1
    session.save()
    response = client.get(reverse("oidc_callback") + f"?state={state}&code=x")
    assert "took too long" in response.content.decode()


# --- ID token checks, on tokens made here (the browser tests use the provider's own) ---------

PROVIDER = Provider(
    key="testid",
    issuer="https://id.example",
    client_id="portal",
    client_secret="s",
    name_en="Test ID",
    name_fr="ID d’essai",
    scopes="openid email",
    email_verified_claim="email_verified",
)
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def backend(monkeypatch):
    checker = OIDCBackend()
    checker.provider = PROVIDER
    checker.metadata = {"id_token_signing_alg_values_supported": ["RS256"]}
    checker.OIDC_RP_CLIENT_ID = PROVIDER.client_id
    monkeypatch.setattr(checker, "retrieve_matching_jwk", lambda token: KEY.public_key())
    return checker


def token(key=KEY, alg="RS256", **changes):
    now = int(time.time())
    claims = {
        "iss": PROVIDER.issuer,
        "sub": "person-1",
        "aud": PROVIDER.client_id,
        "iat": now,
        "exp": now + 300,
        "nonce": "n-1",
        **changes,
    }
    claims = {k: v for k, v in claims.items() if v is not None}
    return jwt.encode(claims, key, algorithm=alg, headers={"kid": "k1"})


def test_a_genuine_id_token_passes(monkeypatch):
    assert backend(monkeypatch).verify_token(token(), nonce="n-1")["sub"] == "person-1"


@pytest.mark.parametrize(
    ("made", "reason"),
    [
        (lambda: token(key=OTHER_KEY), "signature"),
        (lambda: token(key="a-shared-secret-of-thirty-two-bytes!", alg="HS256"), "signature"),
        (lambda: jwt.encode({"sub": "x"}, None, algorithm="none"), "signature"),
        (lambda: token(aud="another-application"), "wrong_audience"),
        (lambda: token(aud=["portal", "other"]), "wrong_audience"),  # no azp
        (lambda: token(azp="other"), "wrong_audience"),
        (lambda: token(iss="https://evil.example"), "wrong_issuer"),
        (lambda: token(exp=int(time.time()) - 3600, iat=int(time.time()) - 7200), "expired_token"),
        (lambda: token(exp=None), "invalid_token"),
        (lambda: token(nonce="n-2"), "nonce"),
        (lambda: token(nonce=None), "nonce"),
        (lambda: "not-a-token", "invalid_token"),
    ],
)
def test_each_bad_id_token_is_refused_for_its_reason(monkeypatch, made, reason):
    with pytest.raises(SignInRefused) as refused:
        backend(monkeypatch).verify_token(made(), nonce="n-1")
    assert refused.value.reason == reason


def test_several_audiences_pass_when_the_portal_is_the_authorized_party(monkeypatch):
    claims = backend(monkeypatch).verify_token(
        token(aud=["portal", "other"], azp="portal"), nonce="n-1"
    )
    assert claims["azp"] == "portal"


# --- Matching a provider's person to an invited one ------------------------------------------


def claims(**changes):
    return {"sub": "person-1", "email": "Marc@Dept.Example", "email_verified": True, **changes}


def test_the_first_sign_in_links_by_verified_email_then_by_subject():
    marc = make_person("marc", email="marc@dept.example")
    assert match_person(provider=PROVIDER, claims=claims()) == marc
    link = SingleSignOnLink.objects.get()
    assert (link.subject, link.issuer, link.email) == (
        "person-1",
        PROVIDER.issuer,
        claims()["email"],
    )
    assert SecurityEvent.objects.filter(user=marc, kind="sso_linked").count() == 1
    # Later: the subject decides, whatever the e-mail says now.
    assert match_person(provider=PROVIDER, claims=claims(email="", email_verified=False)) == marc


@pytest.mark.parametrize(
    ("given", "reason"),
    [
        (claims(email_verified=False), "unverified_email"),
        (claims(email_verified=None), "unverified_email"),
        (claims(email_verified="false"), "unverified_email"),
        (claims(email=None), "no_email"),
        (claims(email="someone.else@dept.example"), "unknown"),
    ],
)
def test_a_person_is_matched_only_by_a_verified_known_address(given, reason):
    make_person("marc", email="marc@dept.example")
    with pytest.raises(SignInRefused) as refused:
        match_person(provider=PROVIDER, claims=given)
    assert refused.value.reason == reason
    assert not SingleSignOnLink.objects.exists()


def test_a_string_true_and_a_custom_verified_claim_are_accepted():
    marc = make_person("marc", email="marc@dept.example")
    entra = Provider(**{**PROVIDER.__dict__, "email_verified_claim": "xms_edov"})
    refused = claims(xms_edov=False)
    with pytest.raises(SignInRefused):
        match_person(provider=entra, claims=refused)
    assert match_person(provider=entra, claims=claims(email_verified=None, xms_edov="true")) == marc


def test_two_accounts_with_one_address_are_not_guessed_between():
    make_person("marc", email="marc@dept.example")
    make_person("marc2", email="MARC@dept.example")
    with pytest.raises(SignInRefused) as refused:
        match_person(provider=PROVIDER, claims=claims())
    assert refused.value.reason == "ambiguous"


def test_a_second_account_at_the_provider_cannot_take_over_a_linked_person():
    make_person("marc", email="marc@dept.example")
    match_person(provider=PROVIDER, claims=claims())
    with pytest.raises(SignInRefused) as refused:
        match_person(provider=PROVIDER, claims=claims(sub="person-2"))
    assert refused.value.reason == "already_linked"
    assert SingleSignOnLink.objects.count() == 1


def test_a_deactivated_person_is_refused_linked_or_not():
    marc = make_person("marc", email="marc@dept.example")
    match_person(provider=PROVIDER, claims=claims())
    marc.is_active = False
    marc.save()
    for given in (claims(), claims(sub="new")):
        with pytest.raises(SignInRefused) as refused:
            match_person(provider=PROVIDER, claims=given)
        assert refused.value.reason == "deactivated"


def test_a_deactivated_person_s_sso_session_ends(client):
    marc = make_person("marc", email="marc@dept.example")
    client.force_login(marc, backend="signin.oidc.OIDCBackend")
    assert client.get(reverse("portal:home")).status_code == 200
    marc.is_active = False
    marc.save()
    assert client.get(reverse("portal:home")).status_code == 302


# --- Local passwords per role -----------------------------------------------------------------


@pytest.fixture
def sso_only_for_leaders(settings):
    settings.PORTAL_OIDC_PROVIDERS = [{**PROVIDER.__dict__}]
    settings.PORTAL_PASSWORD_SIGNIN_DISABLED_ROLES = ["secretariat", "co_chair"]


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("secretariat", False), ("co_chair", False), ("member", True), ("guest", True)],
)
def test_roles_that_must_use_sso_cannot_sign_in_with_a_password(
    client, sso_only_for_leaders, role, allowed
):
    make_person("p", role=role)
    response = client.post(reverse("login"), {"username": "p", "password": "correct-horse-battery"})
    assert (SESSION_KEY in client.session) is allowed
    if not allowed:
        assert response.status_code == 200
        assert "signs in with your organisation’s account" in response.content.decode()


def test_passwords_stay_open_while_no_provider_is_configured(client, settings):
    settings.PORTAL_PASSWORD_SIGNIN_DISABLED_ROLES = ["secretariat", "co_chair"]
    make_person("p", role="secretariat")
    client.post(reverse("login"), {"username": "p", "password": "correct-horse-battery"})
    assert SESSION_KEY in client.session


def test_a_password_sign_in_elsewhere_is_undone_for_those_roles(client, sso_only_for_leaders):
    user = make_person("p", role="secretariat")
    client.force_login(user)
    response = client.get(reverse("portal:home"))
    assert response["Location"] == reverse("login")
    assert SESSION_KEY not in client.session


def test_the_refusal_page_s_language_toggle_leads_to_the_sign_in_page(client, sso):
    response = client.get(reverse("oidc_callback") + "?state=made-up&code=x")
    assert 'name="next" value="/fr/accounts/login/"' in response.content.decode()
