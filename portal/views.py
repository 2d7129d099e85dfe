import datetime

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import translate_url
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language as django_set_language

from core.bilingual import translated_order
from core.cache import FUNDING, GROUPS, MEETINGS, PEOPLE, PLAN, cached_value
from core.joins import first_rows
from core.params import safe_next
from core.proxies import client_ip
from councils.models import CouncilMembership
from signin.flows import begin_second_factor
from signin.forms import PortalAuthenticationForm
from workinggroups.models import GroupMembership, Objective
from workinggroups.permissions import group_roles, persona

# What home shows of a person's own work depends on these domains of the governance data
# (core.cache): their requests, groups and objectives, the plan, their action items, their
# council roles. Not on what the secretariat published.
HOME_DOMAINS = (FUNDING, GROUPS, PLAN, MEETINGS, PEOPLE)
# What _home_parts returns; a new value whenever that changes.
HOME_PARTS_SHAPE = 1


def home(request):
    """My work: my groups, my councils, and what waits on me.

    Everything but the inbox is kept as HTML per person, query string and data version of
    HOME_DOMAINS (and per day and language, core.cache): a person's home was 13-14 small
    queries of their own and a page of sections on every view (issue 17: 5.5x the empty page
    for a member, 11x for a co-chair of 200 groups). A change to any of those domains, the
    person's own included, shows on their next view; what depends on the day is kept for
    the day (the waiting requests say how many days, not hours). The inbox is read on every
    view (home sections marked `live`). Rebuilt by one request at a time: the person's other
    requests meanwhile get the previous copy if it is at most PORTAL_FRAGMENT_STALE_SECONDS
    old (core.cache). Without that, at scale 1,000 with one write a second, every request of
    a co-chair's home rebuilt it at once (p95 328 against 75 ms without writes, issue 17).
    The page a person opens after their own write is normally the one that rebuilds it."""
    user = request.user
    # First: the person's roles are read with their unread count, in one query
    # (workinggroups.permissions.load_roles), before the inbox section and the badge ask.
    who = persona(user)
    kept = cached_value(
        # A dict of parts, not one HTML string: the name changes with its shape, so a copy
        # kept by the code before a deploy is never read by the code after.
        f"home:{HOME_PARTS_SHAPE}",
        (user.pk, user.is_superuser, sorted(request.GET.lists())),
        lambda: _home_parts(request),
        domains=HOME_DOMAINS,
    )
    sections = [
        _section_html(import_string(path)(user)) if html is None else html
        for path, html in kept["sections"]
    ]
    return render(
        request,
        "portal/home.html",
        {
            # All three rendered by our own templates, autoescaped.
            "sections": [mark_safe(html) for html in sections if html],
            "deadlines": mark_safe(kept["deadlines"].strip()),
            "mine": mark_safe(kept["mine"]),
            "persona": who,
            "secretariat_email": settings.PORTAL_SECRETARIAT_EMAIL,
        },
    )


def _section_html(section):
    if not section:
        return ""
    return render_to_string(section["template"], {"section": section})


def _home_parts(request):
    """The person's part of home as HTML: each section of settings.PORTAL_HOME_SECTIONS
    (None for a `live` one, read on every view), the deadlines of the groups they co-chair,
    and their groups (25 a page) and councils."""
    user = request.user
    today = timezone.localdate()
    sections = []
    for path in settings.PORTAL_HOME_SECTIONS:
        try:
            provider = import_string(path)
        except ImportError:
            continue  # that app offers no section (yet)
        live = getattr(provider, "live", False)
        sections.append((path, None if live else _section_html(provider(user))))
    my_councils = (
        CouncilMembership.objects.active()
        .filter(user=user)
        .select_related("council")
        .order_by("council__code")
    )
    # 25 a page: a co-chair of hundreds of groups got every one of them on each visit
    # (issue 17: 2,000 at scale 1,000, three quarters of the page's time).
    my_groups = Paginator(
        GroupMembership.objects.active()
        .filter(user=user)
        .select_related("group", "council")
        .only(
            "role",
            "group__slug",
            "group__name_en",
            "group__name_fr",
            "council__acronym_en",
            "council__acronym_fr",
        )
        .order_by(translated_order("group__name"), "group_id", "pk"),
        settings.PORTAL_PAGE_SIZE,
    )
    groups_page = my_groups.get_page(request.GET.get("groups_page"))
    cochaired = group_roles(user).co_chair_of
    deadlines = first_rows(
        Objective.objects.open()
        .filter(group_id__in=cochaired)
        .filter(Q(due_date__lte=today + datetime.timedelta(days=30)))
        .select_related("group")
        .order_by("due_date", "pk"),
        20,
    )
    return {
        "sections": sections,
        "deadlines": render_to_string(
            "portal/partials/home_deadlines.html", {"deadlines": deadlines, "today": today}
        ),
        "mine": render_to_string(
            "portal/partials/home_mine.html",
            {
                "request": request,  # the pager's links keep the query string
                "my_councils": my_councils,
                "my_groups": groups_page.object_list,
                "groups_page": groups_page,
                "groups_paginator": my_groups,
                "groups_page_range": my_groups.get_elided_page_range(groups_page.number),
            },
        ),
    }


@login_not_required
@require_POST
def set_language(request):
    """Django's language switch, plus: a signed-in person's choice is kept in their profile."""
    response = django_set_language(request)
    language = request.POST.get("language")
    if request.user.is_authenticated and language in ("en", "fr"):
        profile = request.user.profile
        if profile.preferred_language != language:
            profile.preferred_language = language
            profile.save(update_fields=["preferred_language"])
    return response


class LoginView(auth_views.LoginView):
    """After sign-in, continue in the language the person chose last time."""

    redirect_authenticated_user = True
    authentication_form = PortalAuthenticationForm

    def get_initial(self):
        """`?username=` fills the username in (after an invitee chose their password)."""
        username = self.request.GET.get("username", "")
        return {"username": username[:150]} if isinstance(username, str) else {}

    def get_redirect_url(self):
        """The `next` page, unless it is another site's or a sign-in/out page: then "" and the
        default landing page (issue 14: signed in, `?next=` the sign-in page itself was a
        redirect loop that Django reports as a 500). One rule: core.params.safe_next."""
        return safe_next(self.request, super().get_redirect_url())

    def form_valid(self, form):
        # A second factor owed: not signed in yet, on to the code (signin/flows.py).
        pending = begin_second_factor(self.request, form.get_user(), self.get_success_url())
        if pending is not None:
            return pending
        self.request._signin_checked = True  # the rules above were just applied
        response = super().form_valid(form)
        language = form.get_user().profile.preferred_language
        response["Location"] = translate_url(response["Location"], language)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            secure=settings.LANGUAGE_COOKIE_SECURE,
        )
        return response


@login_not_required
@require_GET
def healthz(request):
    """For a load balancer: 503 when PostgreSQL is down, 200 "degraded" with the reasons when
    Redis or the broker is, 200 "ok" otherwise (docs/operations.md)."""
    from core.health import health

    state, reasons = health()
    body = "\n".join([state, *reasons]) + "\n"
    return HttpResponse(
        body, content_type="text/plain", status=503 if state == "unavailable" else 200
    )


class ThrottledPasswordChangeForm(PasswordChangeForm):
    """Wrong current passwords are failed sign-ins (issue 14): django-axes counts them with
    the sign-in page's, per username and client address, in the database, with the same
    limit and cool-off, so a session left open cannot be used to guess the password, and a
    lock-out here is one at the sign-in page too (and the secretariat's reset ends both)."""

    def __init__(self, user, *args, request=None, **kwargs):
        self.request = request
        super().__init__(user, *args, **kwargs)

    def _throttled(self):
        return ValidationError(
            _("Too many wrong current passwords. Try again in %(minutes)s minutes."),
            code="throttled",
            params={"minutes": int(settings.AXES_COOLOFF_TIME * 60)},
        )

    def clean_old_password(self):
        credentials = {"username": self.user.get_username()}
        if AxesProxyHandler.is_locked(self.request, credentials):
            raise self._throttled()
        try:
            return super().clean_old_password()
        except ValidationError:
            user_login_failed.send(sender=__name__, credentials=credentials, request=self.request)
            if getattr(self.request, "axes_locked_out", False):
                # This failure reached the limit. axes' middleware would replace the page
                # with the sign-in lock-out page; the form says it next to the field instead.
                self.request.axes_locked_out = False
                raise self._throttled() from None
            raise


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = ThrottledPasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.has_error("old_password", code="throttled"):
            response.status_code = 429
        return response

    def form_valid(self, form):
        # Like a successful sign-in (AXES_RESET_ON_SUCCESS): this client's count starts over.
        AxesProxyHandler.reset_attempts(
            ip_address=client_ip(self.request), username=form.user.get_username()
        )
        return super().form_valid(form)
