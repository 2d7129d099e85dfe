"""Two-step verification after a password: required by role, counted by sign-in throttling
with the password, enforced on sign-ins that do not pass the portal's sign-in page."""

import base64
import time

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from signin import services
from signin.models import SecurityEvent
from signin.tests.conftest import make_person

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


def sign_in(client, username, password=PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def code_for(device, offset=0):
    return f"{totp(device.bin_key, t0=0, step=30, digits=6, drift=offset):06d}"


def signed_in(client):
    return SESSION_KEY in client.session


def enrolled(user):
    device, codes = services.totp_enrol(user=user, key=services.new_totp_key())
    return device, codes


def test_a_password_alone_does_not_sign_in_a_role_that_requires_a_second_factor(
    client, two_factor_required
):
    make_person("sophie", role="secretariat")
    response = sign_in(client, "sophie")
    assert response.status_code == 302
    assert response["Location"] == reverse("signin:totp_enrol")
    assert not signed_in(client)
    assert client.get(reverse("portal:home")).status_code == 302

    page = client.get(reverse("signin:totp_enrol"))
    assert page.status_code == 200 and b"<svg" in page.content and b'role="img"' in page.content
    key = client.session["signin_enrol_key"]["key"]
    device = services.totp_device(None, key)
    response = client.post(reverse("signin:totp_enrol"), {"code": code_for(device)})
    assert response.status_code == 201  # saved; the recovery codes are shown this once
    assert signed_in(client)
    assert TOTPDevice.objects.filter(user__username="sophie", confirmed=True).count() == 1
    assert StaticToken.objects.filter(device__user__username="sophie").count() == 10
    assert SecurityEvent.objects.filter(kind="totp_enrolled").count() == 1


def test_members_are_not_asked_unless_they_chose_a_second_factor(client, two_factor_required):
    member = make_person("alex", role="member")
    assert sign_in(client, "alex")["Location"] == "/en/"
    assert signed_in(client)
    client.logout()
    device, _ = enrolled(member)
    assert sign_in(client, "alex")["Location"] == reverse("signin:second_factor")
    assert not signed_in(client)
    response = client.post(reverse("signin:second_factor"), {"code": code_for(device)})
    assert response.status_code == 302 and signed_in(client)


def test_the_requirement_is_off_unless_configured(client):
    make_person("sophie", role="secretariat")
    assert sign_in(client, "sophie")["Location"] == "/en/"
    assert signed_in(client)


def test_a_code_works_once_and_a_recovery_code_once(client):
    user = make_person("sophie", role="secretariat")
    device, codes = enrolled(user)
    code = code_for(device)
    sign_in(client, "sophie")
    assert client.post(reverse("signin:second_factor"), {"code": code}).status_code == 302
    client.logout()
    sign_in(client, "sophie")
    response = client.post(reverse("signin:second_factor"), {"code": code})
    assert response.status_code == 200 and not signed_in(client)
    assert "already used" in response.content.decode()

    client.logout()
    device.refresh_from_db()
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    sign_in(client, "sophie")
    spaced = f"{codes[3][:5]}-{codes[3][5:]}".upper()  # as printed, in capitals
    assert client.post(reverse("signin:second_factor"), {"code": spaced}).status_code == 302
    client.logout()
    sign_in(client, "sophie")
    response = client.post(reverse("signin:second_factor"), {"code": codes[3]})
    assert response.status_code == 200 and not signed_in(client)
    assert StaticToken.objects.filter(device__user=user).count() == 9


def test_password_and_code_failures_are_throttled_together(client, settings):
    settings.AXES_FAILURE_LIMIT = 4
    user = make_person("sophie", role="secretariat")
    device, _ = enrolled(user)
    for _ in range(2):
        assert sign_in(client, "sophie", "wrong password").status_code == 200
    assert sign_in(client, "sophie").status_code == 302
    wrong = "000000" if code_for(device) != "000000" else "111111"
    assert client.post(reverse("signin:second_factor"), {"code": wrong}).status_code == 200
    # The fourth failure (two passwords, two codes) locks the sign-in out.
    response = client.post(reverse("signin:second_factor"), {"code": wrong})
    assert response.status_code == 429
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    response = client.post(reverse("signin:second_factor"), {"code": code_for(device)})
    assert response.status_code == 429 and not signed_in(client)
    assert sign_in(client, "sophie").status_code == 429


def test_an_enrolment_code_is_throttled_too_while_signing_in(client, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.PORTAL_TWO_FACTOR_REQUIRED_ROLES = ["secretariat"]
    make_person("sophie", role="secretariat")
    sign_in(client, "sophie")
    client.get(reverse("signin:totp_enrol"))
    device = services.totp_device(None, client.session["signin_enrol_key"]["key"])
    wrong = "000000" if code_for(device) != "000000" else "111111"
    assert client.post(reverse("signin:totp_enrol"), {"code": wrong}).status_code == 200
    assert client.post(reverse("signin:totp_enrol"), {"code": wrong}).status_code == 429
    assert client.post(reverse("signin:totp_enrol"), {"code": code_for(device)}).status_code == 429
    assert not TOTPDevice.objects.exists()


def test_a_password_alone_cannot_replace_an_existing_second_factor(client, two_factor_required):
    user = make_person("sophie", role="secretariat")
    device, _ = enrolled(user)
    sign_in(client, "sophie")
    response = client.get(reverse("signin:totp_enrol"))
    assert response["Location"] == reverse("signin:second_factor")
    other = services.totp_device(None)
    client.post(reverse("signin:totp_enrol"), {"code": code_for(other)})
    assert list(TOTPDevice.objects.values_list("key", flat=True)) == [device.key]


def test_the_second_step_expires(client, settings):
    user = make_person("sophie", role="secretariat")
    device, _ = enrolled(user)
    with time_machine.travel(time.time(), tick=False) as clock:
        sign_in(client, "sophie")
        clock.shift(settings.PORTAL_SECOND_FACTOR_MAX_AGE + 1)
        response = client.post(reverse("signin:second_factor"), {"code": code_for(device)})
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert not signed_in(client)


def test_a_sign_in_outside_the_sign_in_page_owes_the_second_factor_too(client, two_factor_required):
    """The Django admin's own form, or any page that calls login() after a password."""
    make_person("sophie", role="secretariat", is_staff=True, is_superuser=True)
    response = client.post(
        reverse("admin:login"), {"username": "sophie", "password": PASSWORD, "next": "/en/"}
    )
    assert response.status_code == 302  # Django's admin signed the person in...
    response = client.get(reverse("admin:index"))
    # ... and the next request asks for the second factor, signed out until it is given.
    assert response["Location"] == reverse("signin:totp_enrol")
    assert not signed_in(client)
    assert client.session["signin_pending"]["next"] == reverse("admin:index")


def test_force_login_of_someone_with_a_device_is_stopped(client):
    user = make_person("alex", role="member")
    enrolled(user)
    client.force_login(user)
    assert client.get(reverse("portal:home"))["Location"] == reverse("signin:second_factor")
    assert not signed_in(client)


def test_recovery_codes_are_renewed_and_two_step_turned_off_only_when_not_required(
    client, settings
):
    user = make_person("alex", role="member")
    device, codes = enrolled(user)
    client.force_login(user)
    client.get("/en/")  # owes the code: answer it
    client.post(reverse("signin:second_factor"), {"code": code_for(device)})
    assert signed_in(client)
    response = client.post(reverse("signin:recovery_codes_renew"))
    assert response.status_code == 201
    fresh = set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert len(fresh) == 10 and not fresh & set(codes)

    settings.PORTAL_TWO_FACTOR_REQUIRED_ROLES = ["member"]
    client.post(reverse("signin:two_factor_turn_off"))
    assert TOTPDevice.objects.filter(user=user).exists()
    settings.PORTAL_TWO_FACTOR_REQUIRED_ROLES = []
    client.post(reverse("signin:two_factor_turn_off"))
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticToken.objects.filter(device__user=user).exists()
    kinds = list(SecurityEvent.objects.filter(user=user).values_list("kind", flat=True))
    assert kinds == ["two_factor_off", "recovery_renewed", "totp_enrolled"]


def test_the_enrolment_page_shows_the_key_that_the_qr_code_holds(client):
    user = make_person("alex", role="member")
    client.force_login(user)
    page = client.get(reverse("signin:totp_enrol")).content.decode()
    key = bytes.fromhex(client.session["signin_enrol_key"]["key"])
    assert " ".join(base64.b32encode(key).decode()[i : i + 4] for i in range(0, 32, 4)) in page


def test_a_second_factor_reset_meanwhile_lets_in_whom_it_is_not_required_of(client):
    member = make_person("alex", role="member")
    enrolled(member)
    sign_in(client, "alex")
    services.two_factor_reset(user=member, by=make_person("sophie", role="secretariat"))
    response = client.get(reverse("signin:second_factor"))
    assert response.status_code == 302 and signed_in(client)
