"""The steps of a sign-in that need more than a password.

After a right password, a person who must (or chose to) pass a second factor is not signed in
yet: the session only remembers who they are for a few minutes ("pending"), and the portal
asks for their authenticator code, or has them set one up first. Only then does Django's
login() run, so sign-in throttling (django-axes) counts password and code failures together
and is reset only by a complete sign-in."""

import time

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model, login
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, resolve_url
from django.urls import translate_url
from django.utils.crypto import constant_time_compare

from .rules import second_factor_required
from .services import has_second_factor

PENDING_KEY = "signin_pending"
# Set by the user_logged_in signal on a session signed in by a password outside the portal's
# own sign-in page (Django admin, a link that signs in after setting a password, ...).
NEEDS_SECOND_FACTOR_KEY = "signin_needs_second_factor"
PASSWORD_REFUSED_KEY = "signin_password_refused"  # noqa: S105 - a session key
SSO_SESSION_KEY = "signin_sso"
ENROL_KEY = "signin_enrol_key"


def needs_second_factor(user) -> bool:
    return second_factor_required(user) or has_second_factor(user)


def begin_second_factor(request, user, next_url, backend=None):
    """Keep `user` pending and send them to the second step; None when they need none."""
    if not needs_second_factor(user):
        return None
    hold_pending(request, user, next_url, backend or getattr(user, "backend", ""))
    return redirect("signin:second_factor" if has_second_factor(user) else "signin:totp_enrol")


def hold_pending(request, user, next_url, backend):
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "backend": backend,
        "next": next_url,
        "since": time.time(),
        # A password changed meanwhile makes the pending sign-in worthless.
        "hash": user.get_session_auth_hash(),
    }


def pending_user(request):
    """The person between their password and their second factor, or None (none, expired,
    deactivated, or their password changed)."""
    data = request.session.get(PENDING_KEY)
    if not isinstance(data, dict):
        return None
    age = time.time() - float(data.get("since") or 0)
    if age > settings.PORTAL_SECOND_FACTOR_MAX_AGE:
        request.session.pop(PENDING_KEY, None)
        return None
    user = get_user_model().objects.filter(pk=data.get("user"), is_active=True).first()
    if user is None or not constant_time_compare(
        str(data.get("hash", "")), user.get_session_auth_hash()
    ):
        request.session.pop(PENDING_KEY, None)
        return None
    user.backend = data.get("backend") or "django.contrib.auth.backends.ModelBackend"
    return user


def pending_next(request):
    data = request.session.get(PENDING_KEY) or {}
    return data.get("next") or resolve_url(settings.LOGIN_REDIRECT_URL)


def complete_login(request, user, *, backend, next_url, sso=None):
    """Django's login(), then the person's language for what follows (as the sign-in page
    does): the redirect in their language and the language cookie set."""
    request.session.pop(PENDING_KEY, None)
    request._signin_checked = True  # the user_logged_in signal need not check again
    login(request, user, backend=backend)
    if sso is not None:
        request.session[SSO_SESSION_KEY] = sso
    language = user.profile.preferred_language if hasattr(user, "profile") else None
    target = next_url or resolve_url(settings.LOGIN_REDIRECT_URL)
    if language:
        target = translate_url(target, language)
    response = HttpResponseRedirect(target)
    if language:
        set_language_cookie(response, language)
    return response


def set_language_cookie(response, language):
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
    )


def signed_in_by_password(request) -> bool:
    from .oidc import BACKEND

    return request.session.get(BACKEND_SESSION_KEY) not in (None, BACKEND)
