"""Writes: single sign-on links, second factors, and the record of each change."""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import SecurityEvent, SingleSignOnLink
from .oidc import SignInRefused
from .providers import Provider

# Recovery codes: 10 characters from an alphabet without look-alikes (0/o, 1/l/i), shown as
# two groups of five. django-otp keeps each as one StaticToken and deletes it when used.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
TOTP_DEVICE_NAME = "authenticator"
RECOVERY_DEVICE_NAME = "recovery"


def record(user, kind, *, by=None, detail=""):
    return SecurityEvent.objects.create(user=user, kind=kind, by=by, detail=detail[:255])


def _is_true(value) -> bool:
    """Providers send booleans; a few send the string "true"."""
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def match_person(*, provider: Provider, claims: dict):
    """The portal account a provider's person signs in to, or SignInRefused.

    By the link made at the first sign-in (issuer + subject); otherwise by an e-mail the
    provider says is verified, matched to exactly one active account that has no link to this
    provider yet: that first sign-in makes the link. Nobody is ever created."""
    subject = str(claims.get("sub") or "")
    link = (
        SingleSignOnLink.objects.select_related("user")
        .filter(issuer=provider.issuer, subject=subject)
        .first()
    )
    if link is not None:
        if not link.user.is_active:
            raise SignInRefused("deactivated", provider=provider, email=link.user.email)
        SingleSignOnLink.objects.filter(pk=link.pk).update(last_used_at=timezone.now())
        return link.user
    email = claims.get("email")
    email = email.strip() if isinstance(email, str) else ""
    if not email:
        raise SignInRefused("no_email", provider=provider)
    if not _is_true(claims.get(provider.email_verified_claim)):
        raise SignInRefused("unverified_email", provider=provider, email=email)
    people = list(get_user_model().objects.filter(email__iexact=email).order_by("pk")[:2])
    if not people:
        raise SignInRefused("unknown", provider=provider, email=email)
    if len(people) > 1:
        raise SignInRefused("ambiguous", provider=provider, email=email)
    person = people[0]
    if not person.is_active:
        raise SignInRefused("deactivated", provider=provider, email=email)
    try:
        sso_link_create(user=person, provider=provider, subject=subject, email=email)
    except IntegrityError as exc:
        # The same first sign-in twice at once (the other one linked), or the account is
        # already linked to another account at this provider.
        if SingleSignOnLink.objects.filter(
            issuer=provider.issuer, subject=subject, user=person
        ).exists():
            return person
        raise SignInRefused("already_linked", provider=provider, email=email) from exc
    return person


@transaction.atomic
def sso_link_create(*, user, provider: Provider, subject, email):
    link = SingleSignOnLink.objects.create(
        user=user,
        provider=provider.key,
        issuer=provider.issuer,
        subject=subject,
        email=email,
        last_used_at=timezone.now(),
    )
    record(user, SecurityEvent.Kind.SSO_LINKED, detail=provider.name_en)
    return link


@transaction.atomic
def sso_link_remove(*, link: SingleSignOnLink, by):
    """The person's next single sign-on is matched by e-mail again, as on the first day."""
    user = link.user
    label = link.provider
    link.delete()
    record(user, SecurityEvent.Kind.SSO_UNLINKED, by=by, detail=label)


# --- Second factor --------------------------------------------------------------------------


def new_totp_key() -> str:
    """A fresh TOTP secret in django-otp's form (40 hex digits, 160 bits)."""
    return secrets.token_hex(20)


def totp_device(user, key=None) -> TOTPDevice:
    """An unsaved device with `key`, to check a code against before enrolling it."""
    return TOTPDevice(user=user, name=TOTP_DEVICE_NAME, key=key or new_totp_key(), confirmed=True)


def new_recovery_codes() -> list[str]:
    return [
        "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10))
        for _ in range(settings.PORTAL_RECOVERY_CODES)
    ]


def normalise_code(value: str) -> str:
    return "".join(ch for ch in (value or "").lower() if ch.isalnum())


def _replace_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = new_recovery_codes()
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def totp_enrol(*, user, key) -> tuple[TOTPDevice, list[str]]:
    """Replaces the person's authenticator and recovery codes; returns the device and the new
    codes (shown once, never again)."""
    TOTPDevice.objects.filter(user=user).delete()
    device = totp_device(user, key)
    device.save()
    codes = _replace_recovery_codes(user)
    record(user, SecurityEvent.Kind.TOTP_ENROLLED, by=user)
    return device, codes


@transaction.atomic
def recovery_codes_renew(*, user) -> list[str]:
    codes = _replace_recovery_codes(user)
    record(user, SecurityEvent.Kind.RECOVERY_CODES_RENEWED, by=user)
    return codes


def _remove_second_factor(user):
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


@transaction.atomic
def two_factor_turn_off(*, user):
    _remove_second_factor(user)
    record(user, SecurityEvent.Kind.TWO_FACTOR_TURNED_OFF, by=user)


def two_factor_reset(*, user, by):
    """A lost phone: the secretariat removes the person's authenticator and recovery codes.
    Recorded, and the person is told by e-mail in their language (so a reset they did not ask
    for does not go unnoticed). Where their role requires a second factor, their next
    password sign-in asks them to set up a new one."""
    from .mail import second_factor_reset_enqueue

    with transaction.atomic():
        _remove_second_factor(user)
        event = record(user, SecurityEvent.Kind.TWO_FACTOR_RESET, by=by)
        second_factor_reset_enqueue(event)
    return event


def has_second_factor(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def verify_second_factor(user, code) -> str | None:
    """ "totp" or "recovery" when `code` is the person's current authenticator code or one of
    their unused recovery codes (which is then used up); None otherwise. django-otp refuses a
    TOTP code used before and slows down repeated failures per device; the device row is
    locked so that two requests cannot both use one code."""
    token = normalise_code(code)
    if not token:
        return None
    model, kind = (TOTPDevice, "totp") if token.isdigit() else (StaticDevice, "recovery")
    with transaction.atomic():
        device = model.objects.select_for_update().filter(user=user, confirmed=True).first()
        if device is None or not device.verify_token(token):
            return None
        if kind == "recovery":
            record(user, SecurityEvent.Kind.RECOVERY_CODE_USED, by=user)
    return kind
