"""The secretariat's People area (list, person page, invite, edit, deactivate, reactivate),
the invitee's "choose your password" page, and Django's password-reset views with the
portal's throttle and e-mails in each person's language. Nobody signs themselves up."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import PasswordResetForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.cache import GROUPS, PEOPLE, kept_page_part
from core.pagination import CachedCountPaginator, kept_rows
from core.proxies import client_ip
from core.workflow import StepRefused

from . import services
from .forms import (
    ChoosePasswordForm,
    DeactivateForm,
    InviteForm,
    PersonForm,
    PersonSearchForm,
    ReactivateForm,
)
from .permissions import can_deactivate, can_manage_people
from .selectors import (
    people_queryset,
    person_history,
    person_invitations,
    person_memberships,
    person_status,
)

User = get_user_model()


def _require_manager(request):
    if not can_manage_people(request.user):
        raise PermissionDenied


def _load_person(request, pk):
    _require_manager(request)
    return get_object_or_404(User.objects.select_related("profile", "profile__jurisdiction"), pk=pk)


def _form_errors(form, exc):
    """A service's ValidationError shown on the form's fields (or above it)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


# --- The secretariat's People area ---------------------------------------------------------


@require_safe
def person_list(request):
    _require_manager(request)
    form = PersonSearchForm(request.GET or None)
    q = status = ""
    if form.is_bound and form.is_valid():
        q, status = form.cleaned_data["q"], form.cleaned_data["status"]
    # Counted once per version of the people domain, which every change to the list makes:
    # an invitation saves a profile, joining, leaving and coming back record an event (issue
    # 17: a COUNT over every account on each view, 5.6x the empty page at scale 1,000).
    people = people_queryset(q=q, status=status)
    paginator = CachedCountPaginator(people, settings.PORTAL_PAGE_SIZE, domains=(PEOPLE,))
    page_obj = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "people/person_list.html",
        {
            "form": form,
            # The page's rows as HTML, kept per the ids on it and the people domain's version,
            # which every change they show makes (core.cache: a person's account, profile or
            # jurisdiction; issue 17: rendering them was half the page at scale 1,000). The
            # page's own query reads only the ids.
            "rows": kept_rows(
                "people-list-rows",
                people,
                page_obj.object_list,
                "people/partials/person_rows.html",
                domains=(PEOPLE,),
            ),
            "page_obj": page_obj,
            "paginator": paginator,
            "is_paginated": paginator.num_pages > 1,
            "page_range": paginator.get_elided_page_range(page_obj.number),
            "searching": bool(q or status),
        },
    )


@require_safe
def person_detail(request, pk):
    """A person's page for the secretariat. Their history and their memberships are the same
    for everyone who may open it, and are kept as HTML per data version of the people (and
    groups) domain (issue 17: their 50 events and 25 memberships were most of the page, 5.2x
    the empty page at scale 100). Their details, the actions offered, their sign-in methods
    and their invitation links (whose state turns with the hour) are read on each view."""
    person = _load_person(request, pk)
    history = kept_page_part(
        request,
        "person-history",
        (person.pk,),
        "people/partials/person_history.html",
        lambda: person_history(person),
        domains=(PEOPLE,),
    )
    memberships = kept_page_part(
        request,
        "person-memberships",
        (person.pk,),
        "people/partials/person_memberships.html",
        lambda: person_memberships(person, groups_page=request.GET.get("groups_page")),
        domains=(PEOPLE, GROUPS),
    )
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "status": person_status(person),
            "may_deactivate": can_deactivate(request.user, person),
            "history": history,
            "memberships": memberships,
            "invitations": person_invitations(person),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def person_invite(request):
    _require_manager(request)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = services.person_invite(
                by=request.user,
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                language=data["language"],
                jurisdiction=data["jurisdiction"],
                title_en=data["title_en"],
                title_fr=data["title_fr"],
                role=data["role"],
                council=data["council"],
                group=data["group"],
                start_date=data["start_date"],
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(
                request,
                _(
                    "%(name)s is invited: the e-mail with the link to choose a password is on "
                    "its way to %(email)s."
                )
                % {"name": person.get_full_name(), "email": person.email},
            )
            return redirect("people:person_detail", person.pk)
    status = 400 if form.is_bound else 200
    return render(
        request,
        "people/person_invite.html",
        {"form": form, "days": settings.PORTAL_INVITATION_DAYS},
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def person_edit(request, pk):
    person = _load_person(request, pk)
    if request.method == "POST":
        form = PersonForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.person_update(
                    person=person,
                    by=request.user,
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    email=data["email"],
                    language=data["language"],
                    jurisdiction=data["jurisdiction"],
                    title_en=data["title_en"],
                    title_fr=data["title_fr"],
                )
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _("The person's details were saved."))
                return redirect("people:person_detail", person.pk)
    else:
        form = PersonForm(initial=PersonForm.initial_for(person))
    status = 400 if form.is_bound else 200
    return render(
        request, "people/person_edit.html", {"form": form, "person": person}, status=status
    )


@require_POST
def invitation_resend(request, pk):
    person = _load_person(request, pk)
    try:
        services.invitation_resend(person=person, by=request.user)
    except StepRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("A new link is on its way to %(email)s; earlier links no longer work.")
            % {"email": person.email},
        )
    return redirect("people:person_detail", person.pk)


@require_http_methods(["GET", "HEAD", "POST"])
def person_deactivate(request, pk):
    person = _load_person(request, pk)
    if not can_deactivate(request.user, person):
        raise PermissionDenied
    form = DeactivateForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.person_deactivate(
                    person=person,
                    by=request.user,
                    last_day=form.cleaned_data["last_day"],
                    reason=form.cleaned_data["reason"],
                )
            except StepRefused as exc:
                messages.error(request, exc.message)
                return redirect("people:person_detail", person.pk)
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(
                    request,
                    _(
                        "%(name)s is deactivated: their memberships ended and they can no "
                        "longer sign in. Their records are kept."
                    )
                    % {"name": person.get_full_name() or person.get_username()},
                )
                return redirect("people:person_detail", person.pk)
        status = 400
    elif not person.is_active:
        messages.info(request, _("This person has already been deactivated."))
        return redirect("people:person_detail", person.pk)
    day = form.cleaned_data.get("last_day") if form.is_bound and form.is_valid() else None
    council_rows, group_rows = services.open_memberships(person, day or form["last_day"].initial)
    return render(
        request,
        "people/person_deactivate.html",
        {
            "form": form,
            "person": person,
            "council_memberships": council_rows,
            "group_memberships": group_rows,
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def person_reactivate(request, pk):
    person = _load_person(request, pk)
    form = ReactivateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_reactivate(
                person=person, by=request.user, reason=form.cleaned_data["reason"]
            )
        except StepRefused as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _(
                    "%(name)s is active again. Add their memberships from the council and "
                    "group pages."
                )
                % {"name": person.get_full_name() or person.get_username()},
            )
        return redirect("people:person_detail", person.pk)
    if request.method != "POST" and person.is_active:
        messages.info(request, _("This person is already active."))
        return redirect("people:person_detail", person.pk)
    status = 400 if form.is_bound else 200
    return render(
        request, "people/person_reactivate.html", {"form": form, "person": person}, status=status
    )


# --- The invitee's link ---------------------------------------------------------------------


def _refused(request, invitation, message, status):
    return render(
        request,
        "people/invitation_refused.html",
        {
            "invitation": invitation,
            "message": message,
            "may_renew": invitation is not None and services.may_renew(invitation),
        },
        status=status,
    )


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def invitation_accept(request, token):
    """The link from the invitation e-mail: choose a password, once, before it expires."""
    invitation = services.invitation_for_token(token)
    if invitation is None:
        return _refused(
            request,
            None,
            _(
                "This link is not valid. Check that you copied the whole link from the e-mail, "
                "or contact the councils' secretariat."
            ),
            404,
        )
    refusal = services.refusal_for(invitation)
    if refusal:
        return _refused(request, invitation, refusal, 410)
    if request.user.is_authenticated:
        return render(
            request,
            "people/invitation_signed_in.html",
            {"invitation": invitation},
            status=409 if request.method == "POST" else 200,
        )
    person = invitation.person
    form = ChoosePasswordForm(person, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_accept(token=token, password=form.cleaned_data["new_password1"])
        except StepRefused as exc:
            invitation.refresh_from_db()
            return _refused(request, invitation, exc.message, 409)
        messages.success(
            request,
            _("Your password is set. Sign in with your username %(username)s.")
            % {"username": person.get_username()},
        )
        return redirect(f"{reverse('login')}?username={person.get_username()}")
    return render(
        request,
        "people/invitation_accept.html",
        {"invitation": invitation, "person": person, "form": form},
        status=400 if form.is_bound else 200,
    )


@login_not_required
@require_POST
def invitation_renew(request, token):
    """ "Send me a new link", from an expired or replaced one: the new link goes to the
    address the invitation was sent to, once per old link."""
    invitation = services.invitation_for_token(token)
    if invitation is None:
        return _refused(request, None, _("This link is not valid."), 404)
    try:
        services.invitation_renew(token=token)
    except StepRefused as exc:
        invitation.refresh_from_db()
        return _refused(request, invitation, exc.message, 409)
    return render(
        request,
        "people/invitation_renewed.html",
        {"days": settings.PORTAL_INVITATION_DAYS},
        status=201,
    )


# --- Password reset (Django's views, throttled, e-mail in the person's language) -----------


class ThrottledPasswordResetForm(PasswordResetForm):
    """Same answer whether or not the address is someone's. Counted per address and per
    client in the database; over the limit, the form says so (it reveals nothing about the
    address, since the count is of requests, not of people)."""

    def __init__(self, *args, client_ip="", **kwargs):
        self.client_ip = client_ip
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("E-mail address")

    def clean_email(self):
        email = self.cleaned_data["email"]
        if services.password_reset_throttled(email=email, client_ip=self.client_ip):
            raise ValidationError(
                _(
                    "Too many requests for a new password. Wait %(minutes)s minutes, then try "
                    "again."
                ),
                code="throttled",
                params={"minutes": settings.PORTAL_PASSWORD_RESET_WINDOW_MINUTES},
            )
        return email

    def save(self, *args, **kwargs):
        """Queue a reset e-mail to each person with this address, in their language; a person
        who was invited and never chose a password gets a fresh invitation link instead.
        Nothing is sent from the request: the outbox's worker sends them and makes each link
        then (people.mail), so the answer and its timing are the same for any address."""
        email = self.cleaned_data["email"]
        self.request_id = services.password_reset_record(email=email, client_ip=self.client_ip).pk
        for user in self.get_users(email):
            self.send_mail(None, None, {"user": user}, None, user.email)
        for person in services.invited_people_for(email):
            services.invitation_send_on_request(person=person)

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        """Django's hook for sending one reset e-mail: queued in the outbox instead. The token
        Django may have put in `context` is ignored; the worker makes its own."""
        services.password_reset_send(
            user=context["user"], request_id=getattr(self, "request_id", "")
        )


class PasswordResetView(auth_views.PasswordResetView):
    form_class = ThrottledPasswordResetForm
    success_url = reverse_lazy("password_reset_done")
    title = gettext_lazy("Forgot your password?")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "client_ip": client_ip(self.request)}

    def form_valid(self, form):
        form.save()
        return redirect(self.get_success_url())


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    title = gettext_lazy("Check your e-mail")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("password_reset_complete")
    title = gettext_lazy("Choose a new password")

    def form_valid(self, form):
        response = super().form_valid(form)
        # A new password ends the sign-in lock-out of that username (django-axes).
        from axes.utils import reset as axes_reset

        axes_reset(username=form.user.get_username())
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    title = gettext_lazy("Your password is changed")
