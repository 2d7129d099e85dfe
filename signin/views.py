import base64
import logging
import time
from urllib.parse import urlencode, urlsplit

import segno
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q, Subquery
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import services
from .flows import (
    ENROL_KEY,
    SSO_SESSION_KEY,
    complete_login,
    pending_next,
    pending_user,
)
from .forms import EnrolForm, SecondFactorForm
from .models import SecurityEvent, SingleSignOnLink
from .oidc import (
    BACKEND,
    STATES_SESSION_KEY,
    AuthenticationRequestView,
    OIDCBackend,
    SignInRefused,
)
from .permissions import can_manage_sign_in
from .providers import DiscoveryError, provider, providers
from .rules import password_signin_allowed, second_factor_required

log = logging.getLogger(__name__)

# Refusals about the person (403) and about the exchange with the provider (400, 503).
REFUSAL_STATUS = {
    "unknown": 403,
    "unverified_email": 403,
    "no_email": 403,
    "ambiguous": 403,
    "deactivated": 403,
    "already_linked": 403,
    "unavailable": 503,
}


def _refused(request, refusal: SignInRefused):
    log.warning(
        "single sign-on refused (%s) via %s: %s",
        refusal.reason,
        refusal.provider.key if refusal.provider else "?",
        refusal.detail,
    )
    # The language toggle leads to the sign-in page: this answer cannot be shown twice.
    other = "en" if translation.get_language() == "fr" else "fr"
    with translation.override(other):
        other_language_url = reverse("login")
    return render(
        request,
        "signin/refused.html",
        {
            "other_language_url": other_language_url,
            "reason": refusal.reason,
            "provider": refusal.provider,
            "email": refusal.email,
            "access_email": settings.PORTAL_ACCESS_REQUEST_EMAIL,
        },
        status=REFUSAL_STATUS.get(refusal.reason, 400),
    )


# --- Single sign-on -------------------------------------------------------------------------


@login_not_required
@require_GET
def sso_start(request, key):
    """Leave for the provider's sign-in page (authorization code flow with PKCE)."""
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    chosen = provider(key)
    if chosen is None:
        raise Http404
    try:
        metadata = chosen.metadata()
    except DiscoveryError as exc:
        return _refused(request, SignInRefused("unavailable", provider=chosen, detail=str(exc)))
    # The answer comes back outside the language prefix: the language is kept with the state.
    view = AuthenticationRequestView(provider=chosen, metadata=metadata)
    return view.redirect(request, language=translation.get_language())


@login_not_required
@require_GET
def oidc_callback(request):
    """The provider's answer. The state is taken out of the session before anything else, so
    a second use of the same answer (a replay) finds nothing and is refused."""
    states = request.session.get(STATES_SESSION_KEY)
    states = states if isinstance(states, dict) else {}
    entry = states.pop(request.GET.get("state", ""), None)
    if entry is not None:
        request.session[STATES_SESSION_KEY] = states
        request.session.save()
        if entry.get("language") in ("en", "fr"):
            translation.activate(entry["language"])
            request.LANGUAGE_CODE = entry["language"]
    try:
        chosen = provider(entry.get("provider")) if isinstance(entry, dict) else None
        if chosen is None:
            raise SignInRefused("state")
        if time.time() - float(entry.get("added_on") or 0) > settings.PORTAL_OIDC_STATE_MAX_AGE:
            raise SignInRefused("expired_state", provider=chosen)
        if request.GET.get("error"):
            raise SignInRefused("provider_error", provider=chosen, detail=request.GET["error"])
        if not request.GET.get("code"):
            raise SignInRefused("incomplete", provider=chosen)
        # RFC 9207: an answer naming another issuer is a mix-up, not this provider's.
        if "iss" in request.GET and request.GET["iss"] != chosen.issuer:
            raise SignInRefused("wrong_issuer", provider=chosen, detail=request.GET["iss"])
        person, id_token = OIDCBackend().sign_in(
            request,
            provider=chosen,
            nonce=entry.get("nonce"),
            code_verifier=entry.get("code_verifier"),
        )
    except SignInRefused as refusal:
        return _refused(request, refusal)
    return complete_login(
        request,
        person,
        backend=BACKEND,
        next_url=entry.get("next"),
        sso={"provider": chosen.key, "id_token": id_token},
    )


@login_not_required
@require_GET
def oidc_signed_out(request):
    """Where a provider sends the browser back after signing out there."""
    if not request.user.is_authenticated:
        messages.info(request, _("Your session is closed, in the portal and at your organisation."))
    return redirect(settings.LOGIN_URL)


class LogoutView(auth_views.LogoutView):
    """Ends the portal session; after a single sign-on, continues to the provider's sign-out
    (RP-initiated logout) when its discovery document offers an end_session_endpoint."""

    def post(self, request, *args, **kwargs):
        sso = request.session.get(SSO_SESSION_KEY)
        language = translation.get_language()
        response = super().post(request, *args, **kwargs)
        target = end_session_url(request, sso, language) if isinstance(sso, dict) else None
        if target is None:
            return response
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(target))
        if origin in settings.PORTAL_CSP_FORM_ACTION:
            return HttpResponseRedirect(target)
        # The sign-out form may not lead elsewhere (CSP form-action): a link does.
        return render(request, "signin/provider_sign_out.html", {"target": target})


def end_session_url(request, sso, language):
    chosen = provider(sso.get("provider"))
    if chosen is None:
        return None
    try:
        endpoint = chosen.metadata().get("end_session_endpoint")
    except DiscoveryError:
        return None
    if not endpoint:
        return None
    query = {
        "client_id": chosen.client_id,
        "post_logout_redirect_uri": request.build_absolute_uri(reverse("oidc_signed_out")),
        "ui_locales": language,
    }
    if sso.get("id_token"):
        query["id_token_hint"] = sso["id_token"]
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{urlencode(query)}"


# --- Second factor during sign-in -----------------------------------------------------------


def _throttled(request, user):
    """The person's sign-in is locked out (django-axes counts password and code failures
    together, per username and client address)."""
    credentials = {"username": user.get_username()}
    if AxesProxyHandler.is_locked(request, credentials):
        return get_lockout_response(request, None, credentials)
    return None


def _count_failure(request, user):
    user_login_failed.send(
        sender=__name__, credentials={"username": user.get_username()}, request=request
    )


@login_not_required
def second_factor(request):
    """The second step of a password sign-in: an authenticator code or a recovery code."""
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    user = pending_user(request)
    if user is None:
        messages.info(request, _("Sign in again: the sign-in had expired."))
        return redirect(settings.LOGIN_URL)
    if not services.has_second_factor(user):
        if second_factor_required(user):
            return redirect("signin:totp_enrol")
        # Reset meanwhile, and not required of this person: the password was enough.
        return complete_login(request, user, backend=user.backend, next_url=pending_next(request))
    locked = _throttled(request, user)
    if locked is not None:
        return locked
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        kind = services.verify_second_factor(user, form.cleaned_data["code"])
        if kind is not None:
            if kind == "recovery":
                left = StaticToken.objects.filter(device__user=user).count()
                messages.warning(
                    request,
                    _(
                        "You used a recovery code; %(count)d left. Make new ones on your "
                        "sign-in and security page when you run low."
                    )
                    % {"count": left},
                )
            return complete_login(
                request, user, backend=user.backend, next_url=pending_next(request)
            )
        _count_failure(request, user)
        form.add_error(
            "code",
            _("That code is not right, or was already used. Check the app and try again."),
        )
    return render(request, "signin/second_factor.html", {"form": form})


def _qr_svg(url, label):
    svg = segno.make(url, error="m").svg_inline(scale=5, border=4, dark="#000", light="#fff")
    return mark_safe(  # segno's own SVG; the label is escaped
        svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1)
    )


def _grouped(text, size=4):
    return " ".join(text[i : i + size] for i in range(0, len(text), size))


@login_not_required
def totp_enrol(request):
    """Set up an authenticator app: the signed-in person, or the pending one whose role
    requires a second factor they do not have yet (a pending person who has one must use it,
    never replace it: a password alone cannot change the second factor)."""
    pending = not request.user.is_authenticated
    user = pending_user(request) if pending else request.user
    if user is None:
        messages.info(request, _("Sign in again: the sign-in had expired."))
        return redirect(settings.LOGIN_URL)
    if pending and services.has_second_factor(user):
        return redirect("signin:second_factor")
    if pending:
        locked = _throttled(request, user)
        if locked is not None:
            return locked
    saved = request.session.get(ENROL_KEY)
    if not (isinstance(saved, dict) and saved.get("user") == user.pk and saved.get("key")):
        saved = {"user": user.pk, "key": services.new_totp_key()}
        request.session[ENROL_KEY] = saved
    device = services.totp_device(user, saved["key"])
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        totp.time = time.time()
        if totp.verify(int(form.cleaned_data["code"]), device.tolerance):
            enrolled, codes = services.totp_enrol(user=user, key=saved["key"])
            TOTPDevice.objects.filter(pk=enrolled.pk).update(last_t=totp.t())  # used once
            request.session.pop(ENROL_KEY, None)
            next_url = reverse("signin:security")
            if pending:
                next_url = pending_next(request)
                response = complete_login(request, user, backend=user.backend, next_url=next_url)
                next_url = response["Location"]
            # 201: saved, and the codes are shown this once.
            return render(
                request,
                "signin/recovery_codes.html",
                {"codes": codes, "next_url": next_url, "first_time": True},
                status=201,
            )
        if pending:
            _count_failure(request, user)
        form.add_error("code", _("That code is not right. Check the app’s clock and try again."))
    label = _("QR code to scan with an authenticator app")
    return render(
        request,
        "signin/totp_enrol.html",
        {
            "form": form,
            "pending": pending,
            "required": second_factor_required(user),
            "replacing": not pending and services.has_second_factor(user),
            "qr": _qr_svg(device.config_url, label),
            "secret": _grouped(base64.b32encode(device.bin_key).decode().rstrip("=")),
        },
    )


# --- The person's own sign-in and security page ---------------------------------------------


def _security_context(person):
    links = list(SingleSignOnLink.objects.filter(user=person).order_by("provider"))
    names = {p.key: p for p in providers()}
    for link in links:
        link.provider_config = names.get(link.provider)
    totp = TOTPDevice.objects.filter(user=person, confirmed=True).first()
    return {
        "person": person,
        "links": links,
        "totp": totp,
        "recovery_left": StaticToken.objects.filter(device__user=person).count(),
        "required": second_factor_required(person),
        "password_allowed": password_signin_allowed(person),
        "events": SecurityEvent.objects.filter(user=person).select_related("by")[:20],
    }


def security(request):
    context = _security_context(request.user)
    context["manage"] = can_manage_sign_in(request.user)
    return render(request, "signin/security.html", context)


@require_POST
def recovery_codes_renew(request):
    if not services.has_second_factor(request.user):
        messages.error(request, _("Set up an authenticator app first."))
        return redirect("signin:security")
    codes = services.recovery_codes_renew(user=request.user)
    return render(
        request,
        "signin/recovery_codes.html",
        {"codes": codes, "next_url": reverse("signin:security"), "first_time": False},
        status=201,
    )


@require_POST
def two_factor_turn_off(request):
    if second_factor_required(request.user):
        messages.error(request, _("Your role requires two-step verification: it stays on."))
        return redirect("signin:security")
    if services.has_second_factor(request.user):
        services.two_factor_turn_off(user=request.user)
        messages.success(request, _("Two-step verification is off."))
    return redirect("signin:security")


# --- The secretariat: a person's sign-in ----------------------------------------------------


def _person_for_secretariat(request, pk):
    if not can_manage_sign_in(request.user):
        raise PermissionDenied
    return get_object_or_404(get_user_model(), pk=pk)


def people_signin(request):
    """Everyone's sign-in at a glance: linked or not, second factor set up or not."""
    if not can_manage_sign_in(request.user):
        raise PermissionDenied
    query = request.GET.get("q", "").strip()[:100]
    people = get_user_model().objects.annotate(
        has_totp=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
        sso_provider=Subquery(
            SingleSignOnLink.objects.filter(user=OuterRef("pk"))
            .order_by("provider")
            .values("provider")[:1]
        ),
    )
    if query:
        people = people.filter(
            Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
            | Q(username__icontains=query)
            | Q(email__icontains=query)
        )
    paginator = Paginator(people.order_by("last_name", "first_name", "username"), 50)
    page = paginator.get_page(request.GET.get("page"))
    names = {p.key: p for p in providers()}
    for person in page:
        person.provider_config = names.get(person.sso_provider)
    return render(
        request,
        "signin/people_signin.html",
        {
            "page_obj": page,
            "paginator": paginator,
            "is_paginated": page.has_other_pages(),
            "page_range": paginator.get_elided_page_range(page.number),
            "query": query,
        },
    )


def person_signin(request, pk):
    person = _person_for_secretariat(request, pk)
    return render(request, "signin/person_signin.html", _security_context(person))


@require_POST
def sso_link_remove(request, pk, link_pk):
    person = _person_for_secretariat(request, pk)
    link = get_object_or_404(SingleSignOnLink, pk=link_pk, user=person)
    services.sso_link_remove(link=link, by=request.user)
    messages.success(
        request,
        _(
            "The single sign-on link is removed. %(name)s’s next single sign-on is matched by "
            "e-mail again."
        )
        % {"name": person.get_full_name() or person.get_username()},
    )
    return redirect("signin:person_signin", pk=person.pk)


@require_POST
def second_factor_reset(request, pk):
    person = _person_for_secretariat(request, pk)
    services.two_factor_reset(user=person, by=request.user)
    messages.success(
        request,
        _(
            "%(name)s’s second factor is reset, and they are told by e-mail. Where their role "
            "requires one, they set up a new authenticator at their next password sign-in."
        )
        % {"name": person.get_full_name() or person.get_username()},
    )
    return redirect("signin:person_signin", pk=person.pk)
