"""OpenID Connect single sign-on on mozilla-django-oidc.

The library does the protocol's moving parts: the authorization request with a fresh `state`,
`nonce` and PKCE verifier kept in the session (one entry per sign-in, consumed once), the
code-for-token exchange, the JWKS key lookup and the signature check. This module adds what it
leaves to the project:

- several providers, each from the environment (signin/providers.py), their endpoints read
  from discovery (`/.well-known/openid-configuration`) rather than typed in settings;
- the ID token's issuer, audience (and `azp`), expiry and issue time verified, asymmetric
  signatures only;
- the `iss` parameter of the authorization response checked (RFC 9207) where sent;
- no self sign-up: a provider's person is matched to an active portal account by verified
  e-mail once, then by the link (issuer + subject) made at that first sign-in;
- each refusal named (`SignInRefused.reason`), so the person gets a clear page.
"""

import logging
from urllib.parse import parse_qs, urlsplit

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import SuspiciousOperation
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from .providers import SIGNING_ALGORITHMS, DiscoveryError, Provider

log = logging.getLogger(__name__)

STATES_SESSION_KEY = "oidc_states"  # mozilla-django-oidc's own key
BACKEND = "signin.oidc.OIDCBackend"


class SignInRefused(Exception):
    """A single sign-on that must not sign anyone in; `reason` picks the page's message."""

    def __init__(self, reason, *, provider=None, email="", detail=""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.provider = provider
        self.email = email
        self.detail = detail


def callback_url(request):
    return request.build_absolute_uri(reverse("oidc_callback"))


def _library_settings(provider: Provider, metadata: dict) -> dict:
    """The values mozilla-django-oidc reads with get_settings(), for one provider."""
    methods = metadata.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
    return {
        "OIDC_RP_CLIENT_ID": provider.client_id,
        "OIDC_RP_CLIENT_SECRET": provider.client_secret,
        "OIDC_RP_SCOPES": provider.scopes,
        "OIDC_OP_AUTHORIZATION_ENDPOINT": metadata["authorization_endpoint"],
        "OIDC_AUTHENTICATION_CALLBACK_URL": "oidc_callback",
        "OIDC_USE_NONCE": True,
        "OIDC_USE_PKCE": True,
        "OIDC_PKCE_CODE_CHALLENGE_METHOD": "S256",
        "OIDC_PKCE_CODE_VERIFIER_SIZE": 64,
        "OIDC_STATE_SIZE": 32,
        "OIDC_NONCE_SIZE": 32,
        "OIDC_REDIRECT_FIELD_NAME": "next",
        "OIDC_AUTH_REQUEST_EXTRA_PARAMS": {},
        # The secret in the form body where the provider takes it (Entra ID does); HTTP Basic
        # otherwise, the token endpoint's default method.
        "OIDC_TOKEN_USE_BASIC_AUTH": "client_secret_post" not in methods,
        "OIDC_VERIFY_SSL": True,
        "OIDC_TIMEOUT": settings.PORTAL_OIDC_TIMEOUT,
        "OIDC_PROXY": None,
        "OIDC_ALLOW_UNSECURED_JWT": False,
    }


class AuthenticationRequestView(OIDCAuthenticationRequestView):
    """Sends the browser to one provider's authorization endpoint. The library makes the
    state, nonce and PKCE pair and keeps them in the session; the provider's key is kept
    beside them, so the callback knows which provider answered."""

    def __init__(self, *, provider: Provider, metadata: dict):
        # The library's __init__ reads the project settings; ours come from the provider.
        self.provider = provider
        self.values = _library_settings(provider, metadata)
        self.OIDC_OP_AUTH_ENDPOINT = self.values["OIDC_OP_AUTHORIZATION_ENDPOINT"]
        self.OIDC_RP_CLIENT_ID = provider.client_id

    def get_settings(self, attr, *args):
        if attr in self.values:
            return self.values[attr]
        return OIDCAuthenticationRequestView.get_settings(attr, *args)

    def redirect(self, request, **extra):
        """The library's redirect; the provider's key, the `next` page and `extra` are kept
        with this sign-in's state (the library keeps one `next` per session)."""
        self.request = request
        response = self.get(request)
        state = parse_qs(urlsplit(response.url).query)["state"][0]
        request.session[STATES_SESSION_KEY][state].update(
            provider=self.provider.key, next=request.session.pop("oidc_login_next", None), **extra
        )
        request.session.modified = True
        return response


class OIDCBackend(OIDCAuthenticationBackend):
    """Signs in the person a provider vouches for; also the session backend of those sessions
    (get_user refuses deactivated people, like Django's own backend)."""

    def __init__(self, *args, **kwargs):
        # Nothing to read at start: every value belongs to a provider (sign_in below).
        self.UserModel = get_user_model()
        self.values = {}

    def get_settings(self, attr, *args):
        if attr in self.values:
            return self.values[attr]
        return OIDCAuthenticationBackend.get_settings(attr, *args)

    def get_user(self, user_id):
        return ModelBackend.get_user(self, user_id)

    def authenticate(self, request, **kwargs):
        """Never through django.contrib.auth.authenticate(): a password form posted to an
        address that carries ?code=&state= must not start a token exchange."""
        return None

    # --- the sign-in, called by the callback view ------------------------------------------

    def sign_in(self, request, *, provider: Provider, nonce, code_verifier):
        """(person, ID token) for the authorization code in `request`, or SignInRefused."""
        self.request = request
        self.provider = provider
        try:
            metadata = provider.metadata()
        except DiscoveryError as exc:
            raise SignInRefused("unavailable", provider=provider, detail=str(exc)) from exc
        self.values = _library_settings(provider, metadata)
        self.metadata = metadata
        self.OIDC_OP_TOKEN_ENDPOINT = metadata["token_endpoint"]
        self.OIDC_OP_USER_ENDPOINT = metadata.get("userinfo_endpoint")
        self.OIDC_OP_JWKS_ENDPOINT = metadata["jwks_uri"]
        self.OIDC_RP_CLIENT_ID = provider.client_id
        self.OIDC_RP_CLIENT_SECRET = provider.client_secret
        self.OIDC_RP_IDP_SIGN_KEY = None
        self.OIDC_RP_SIGN_ALGO = "RS256"

        payload = {
            "client_id": provider.client_id,
            "client_secret": provider.client_secret,
            "grant_type": "authorization_code",
            "code": request.GET.get("code", ""),
            "redirect_uri": callback_url(request),
            "code_verifier": code_verifier,
        }
        try:
            token_info = self.get_token(payload)
        except requests.HTTPError as exc:
            # A code used twice, expired, or issued for another client: the provider says no.
            raise SignInRefused("token", provider=provider, detail=str(exc)[:300]) from exc
        except (requests.RequestException, ValueError) as exc:
            raise SignInRefused("unavailable", provider=provider, detail=str(exc)) from exc
        id_token = token_info.get("id_token")
        if not isinstance(id_token, str) or not id_token:
            raise SignInRefused("invalid_token", provider=provider, detail="no id_token")
        claims = self.verify_token(id_token, nonce=nonce)
        claims = self.claims_with_userinfo(token_info.get("access_token"), claims)

        from .services import match_person

        return match_person(provider=provider, claims=claims), id_token

    def verify_token(self, token, **kwargs):
        """Signature (a key of the provider's JWKS, asymmetric algorithms only), then issuer,
        audience, expiry and issue time, then the nonce of this sign-in when one is given."""
        provider = self.provider
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise SignInRefused("invalid_token", provider=provider, detail=str(exc)) from exc
        allowed = set(self.metadata.get("id_token_signing_alg_values_supported") or ["RS256"])
        alg = header.get("alg")
        if alg not in SIGNING_ALGORITHMS or alg not in allowed:
            raise SignInRefused("signature", provider=provider, detail=f"algorithm {alg!r}")
        self.OIDC_RP_SIGN_ALGO = alg
        try:
            key = self.retrieve_matching_jwk(token)
        except (SuspiciousOperation, KeyError, jwt.PyJWTError) as exc:
            raise SignInRefused("signature", provider=provider, detail=str(exc)) from exc
        except (requests.RequestException, ValueError) as exc:
            raise SignInRefused("unavailable", provider=provider, detail=str(exc)) from exc
        claims = self._verify_jws(token, key)
        if "nonce" in kwargs and (not kwargs["nonce"] or claims.get("nonce") != kwargs["nonce"]):
            raise SignInRefused("nonce", provider=provider)
        return claims

    def _verify_jws(self, payload, key):
        provider = self.provider
        try:
            claims = jwt.decode(
                payload,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=provider.client_id,
                issuer=provider.issuer,
                leeway=settings.PORTAL_OIDC_LEEWAY_SECONDS,
                options={"require": ["iss", "sub", "aud", "exp", "iat"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise SignInRefused("expired_token", provider=provider) from exc
        except jwt.InvalidAudienceError as exc:
            raise SignInRefused("wrong_audience", provider=provider, detail=str(exc)) from exc
        except jwt.InvalidIssuerError as exc:
            raise SignInRefused("wrong_issuer", provider=provider, detail=str(exc)) from exc
        except jwt.InvalidSignatureError as exc:
            raise SignInRefused("signature", provider=provider) from exc
        except jwt.PyJWTError as exc:
            raise SignInRefused("invalid_token", provider=provider, detail=str(exc)) from exc
        # Several audiences, or an authorized party: it must be this portal (OIDC Core 3.1.3.7).
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if (len(audiences) > 1 or "azp" in claims) and claims.get("azp") != provider.client_id:
            raise SignInRefused("wrong_audience", provider=provider, detail="azp")
        return claims

    def claims_with_userinfo(self, access_token, claims):
        """The ID token's claims, completed from the userinfo endpoint where the provider
        keeps the e-mail there (a code-flow ID token often carries only `sub`). Userinfo for
        another subject is ignored (OIDC Core 5.3.2)."""
        if not self.OIDC_OP_USER_ENDPOINT or not access_token:
            return claims
        try:
            info = self.get_userinfo(access_token, None, claims)
        except (requests.RequestException, ValueError, SignInRefused) as exc:
            log.warning("userinfo of %s unreadable: %s", self.provider.key, exc)
            return claims
        if not isinstance(info, dict) or info.get("sub") != claims["sub"]:
            return claims
        return {**info, **claims}
