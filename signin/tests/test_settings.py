"""Settings: production requires a second factor of the secretariat and the council co-chairs;
`make run` (local settings) starts without any provider and asks no phone of the demo
accounts; a provider configured halfway fails loudly."""

import json

import pytest
from django.urls import reverse

from core.tests.test_settings import PRODUCTION, run_manage
from signin.tests.conftest import make_person

SHOW = (
    "from django.conf import settings; import json; print(json.dumps(["
    "settings.PORTAL_TWO_FACTOR_REQUIRED_ROLES, settings.PORTAL_OIDC_PROVIDERS, "
    "settings.PORTAL_PASSWORD_SIGNIN_DISABLED_ROLES]))"
)


def show(**env):
    result = run_manage("shell", "-c", SHOW, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_requires_a_second_factor_and_local_settings_do_not():
    roles, providers, _ = show(**PRODUCTION)
    assert roles == ["secretariat", "co_chair"] and providers == []
    roles, providers, _ = show(DJANGO_SETTINGS_MODULE="config.settings.local")
    assert roles == [] and providers == []


@pytest.mark.django_db
def test_with_production_s_requirement_a_secretariat_password_is_not_enough(client, settings):
    settings.PORTAL_TWO_FACTOR_REQUIRED_ROLES = show(**PRODUCTION)[0]
    for role in ("secretariat", "co_chair"):
        make_person(f"p-{role}", role=role)
        response = client.post(
            reverse("login"), {"username": f"p-{role}", "password": "correct-horse-battery"}
        )
        assert response["Location"] == reverse("signin:totp_enrol"), role
        assert client.get(reverse("portal:home")).status_code == 302
    make_person("p-member", role="member")
    response = client.post(
        reverse("login"), {"username": "p-member", "password": "correct-horse-battery"}
    )
    assert response["Location"] == "/en/"


PROVIDER = {
    "PORTAL_OIDC_PROVIDERS": "entra",
    "PORTAL_OIDC_ENTRA_ISSUER": "https://login.microsoftonline.com/tenant-id/v2.0/",
    "PORTAL_OIDC_ENTRA_CLIENT_ID": "00000000-0000-0000-0000-000000000001",
    "PORTAL_OIDC_ENTRA_CLIENT_SECRET": "secret",
    "PORTAL_OIDC_ENTRA_NAME_EN": "Government of Canada account",
    "PORTAL_OIDC_ENTRA_NAME_FR": "Compte du gouvernement du Canada",
    "PORTAL_OIDC_ENTRA_EMAIL_VERIFIED_CLAIM": "xms_edov",
    "PORTAL_PASSWORD_SIGNIN_DISABLED_ROLES": "secretariat,co_chair",
}


def test_a_provider_is_read_from_the_environment():
    _, providers, disabled = show(**PROVIDER)
    assert providers == [
        {
            "key": "entra",
            "issuer": "https://login.microsoftonline.com/tenant-id/v2.0",
            "client_id": "00000000-0000-0000-0000-000000000001",
            "client_secret": "secret",
            "name_en": "Government of Canada account",
            "name_fr": "Compte du gouvernement du Canada",
            "scopes": "openid email profile",
            "email_verified_claim": "xms_edov",
        }
    ]
    assert disabled == ["secretariat", "co_chair"]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PORTAL_OIDC_ENTRA_CLIENT_SECRET", ""),
        ("PORTAL_OIDC_ENTRA_ISSUER", "http://login.example.org"),  # not https, not loopback
        ("PORTAL_OIDC_ENTRA_SCOPES", "email profile"),
        ("PORTAL_OIDC_PROVIDERS", "entra,bad-name"),
        ("PORTAL_PASSWORD_SIGNIN_DISABLED_ROLES", "secretariat,cochairs"),
        ("PORTAL_TWO_FACTOR_REQUIRED_ROLES", "everybody"),
    ],
)
def test_a_provider_configured_halfway_fails_loudly(name, value):
    result = run_manage("check", **{**PROVIDER, name: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr


def test_make_run_starts_with_no_provider_configured():
    result = run_manage("check", DJANGO_SETTINGS_MODULE="config.settings.local")
    assert result.returncode == 0, result.stderr
