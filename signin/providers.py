"""The OpenID providers configured in the environment (settings.PORTAL_OIDC_PROVIDERS), and
their discovery documents (`<issuer>/.well-known/openid-configuration`)."""

from dataclasses import dataclass

import requests
from django.conf import settings
from django.core.cache import cache
from django.utils.translation import get_language

DISCOVERY_PATH = "/.well-known/openid-configuration"
DISCOVERY_CACHE_SECONDS = 3600
# Signature algorithms accepted on ID tokens: asymmetric only, never "none".
SIGNING_ALGORITHMS = {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384"}


class DiscoveryError(Exception):
    """The provider's discovery document could not be read or does not describe it."""


@dataclass(frozen=True)
class Provider:
    key: str
    issuer: str
    client_id: str
    client_secret: str
    name_en: str
    name_fr: str
    scopes: str
    email_verified_claim: str

    @property
    def name(self):
        return self.name_fr if (get_language() or "en").startswith("fr") else self.name_en

    @property
    def discovery_url(self):
        return self.issuer + DISCOVERY_PATH

    def metadata(self, *, fresh=False) -> dict:
        """The provider's discovery document, cached an hour. Its `issuer` must be exactly
        the configured one (OpenID Connect Discovery §4.3), and the endpoints the code flow
        needs must be there."""
        key = f"signin:oidc-discovery:{self.issuer}"
        document = None if fresh else cache.get(key)
        if document is None:
            try:
                response = requests.get(self.discovery_url, timeout=settings.PORTAL_OIDC_TIMEOUT)
                response.raise_for_status()
                document = response.json()
            except (requests.RequestException, ValueError) as exc:
                raise DiscoveryError(f"{self.discovery_url}: {exc}") from exc
            if not isinstance(document, dict) or document.get("issuer") != self.issuer:
                raise DiscoveryError(
                    f"{self.discovery_url} names issuer {document.get('issuer')!r}, "
                    f"not {self.issuer!r}"
                    if isinstance(document, dict)
                    else f"{self.discovery_url} is not a JSON object"
                )
            needed = ("authorization_endpoint", "token_endpoint", "jwks_uri")
            absent = [name for name in needed if not document.get(name)]
            if absent:
                raise DiscoveryError(f"{self.discovery_url} lacks {', '.join(absent)}")
            cache.set(key, document, DISCOVERY_CACHE_SECONDS)
        return document


def providers() -> list[Provider]:
    return [Provider(**entry) for entry in settings.PORTAL_OIDC_PROVIDERS]


def provider(key) -> Provider | None:
    return next((p for p in providers() if p.key == key), None)


def sso_configured() -> bool:
    return bool(settings.PORTAL_OIDC_PROVIDERS)
