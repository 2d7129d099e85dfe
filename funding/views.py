"""Funding pages. Each action is a small POST view: load with the permission helper (404 to
outsiders, 403 to readers who may not act), validate the form, call one service, redirect.

When the request changed under the person's feet (`StaleRequest`), the page is drawn again
with their form still filled in, the version refreshed and a message saying what happened."""

from django.conf import settings
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.cache import FUNDING, GROUPS, MEETINGS, PEOPLE, PLAN, cached_value
from core.csvfile import amount, csv_response, safe_text
from core.fiscal import fiscal_year_label
from core.pagination import CachedCountPaginator, kept_rows
from core.params import parse_int
from core.permissions import get_object_for_user
from councils.models import Council
from councils.permissions import can_declare_interest, council_roles
from councils.selectors import declarations_on
from councils.views import declaration_page
from workinggroups.models import Group, Objective
from workinggroups.permissions import group_roles

from . import services
from .diff import revision_changes
from .filters import QueueFilter, RequestFilter, fiscal_year_choices
from .forms import (
    DecisionForm,
    FundingRequestForm,
    RecommendationForm,
    RescheduleForm,
    ScheduleForm,
    SubmitForm,
    WithdrawForm,
)
from .models import Attachment, Recommendation
from .permissions import (
    can_create_request,
    can_edit_request,
    can_record_decision,
    can_review_request,
    can_schedule_request,
    can_submit_request,
    can_use_review_queue,
    can_view_funding,
    can_view_overview,
    can_view_request,
    can_withdraw_request,
    declaration_subjects,
    is_recused,
    may_act_as_requester,
    may_act_as_reviewer,
    may_act_as_secretariat,
    reviewing_councils,
)
from .review import review_state
from .selectors import (
    detail_queryset,
    funding_totals,
    funding_totals_by_year,
    overview_withheld,
    past_requests,
    visible_requests,
)
from .selectors import (
    review_queue as review_queue_queryset,
)


def _load(request, pk, can_change=None):
    return get_object_for_user(
        detail_queryset(pk), request.user, can_view=can_view_request, can_change=can_change, pk=pk
    )


def _page(request, queryset, *, count_domains=None):
    """The page asked for; with `count_domains`, the count of every row is cached per data
    version of those domains (core.pagination) instead of counted on every view."""
    if count_domains:
        paginator = CachedCountPaginator(queryset, settings.PORTAL_PAGE_SIZE, domains=count_domains)
    else:
        paginator = Paginator(queryset, settings.PORTAL_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return {
        "page_obj": page,
        "paginator": paginator,
        "is_paginated": page.has_other_pages(),
        "page_range": paginator.get_elided_page_range(page.number),
        "object_list": page.object_list,
    }


def _add_service_errors(form, exc: ValidationError):
    """Put a service's ValidationError on the matching fields, or on the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


# --- Lists -------------------------------------------------------------------------------------


@require_GET
def request_list(request):
    user = request.user
    if not can_view_funding(user):
        raise PermissionDenied
    requests = visible_requests(user)
    request_filter = RequestFilter(request.GET, queryset=requests)
    # What a reader sees is decided by ids in the SQL (their roles), and reads the requests
    # and their groups' councils.
    page = _page(request, request_filter.qs, count_domains=(FUNDING, GROUPS))
    context = {
        "filter": request_filter,
        **page,
        # A row shows nothing that depends on its reader; a reader only gets ids they may see.
        "rows": kept_rows(
            "funding-list-rows",
            request_filter.qs,
            page["object_list"],
            "funding/partials/request_rows.html",
            domains=(FUNDING, GROUPS, PLAN, MEETINGS),
        ),
        "can_create": can_create_request(user),
        "can_review": can_use_review_queue(user),
        "is_secretariat": may_act_as_secretariat(user, None),
    }
    return render(request, "funding/request_list.html", context)


@require_GET
def review_queue(request):
    user = request.user
    if not can_use_review_queue(user):
        raise PermissionDenied
    queue = review_queue_queryset(user)
    queue_filter = QueueFilter(request.GET, queryset=queue)
    councils = sorted(council_roles(user).co_chair_of)
    queue_filter.filters["council"].queryset = Council.objects.filter(pk__in=councils)
    # The count, per reviewer (their id and councils are in its SQL), kept per data version:
    # counting the councils' requests under review took 53 ms at scale 1,000 (issue 17).
    page = _page(request, queue_filter.qs, count_domains=(FUNDING, GROUPS))
    context = {
        "filter": queue_filter,
        # The filter's fields are kept like the funding list's, per the councils offered.
        "filter_vary": ",".join(map(str, councils)),
        **page,
        # Like the funding list's: a row shows nothing that depends on the co-chair reading
        # it (rendering 25 rows was half the page, issue 17).
        "rows": kept_rows(
            "review-queue-rows",
            queue_filter.qs,
            page["object_list"],
            "funding/partials/queue_rows.html",
            domains=(FUNDING, GROUPS, PLAN, MEETINGS),
        ),
    }
    return render(request, "funding/review_queue.html", context)


# --- One request -------------------------------------------------------------------------------


def _detail_context(request, obj, forms):
    user = request.user
    # Every recommendation at once: the current revision's feed the review state, the
    # earlier ones the history (one query for both).
    recommendations = list(
        Recommendation.objects.filter(request=obj, revision__lte=obj.revision)
        .select_related("reviewer", "reviewer__profile")
        .order_by("created_at", "pk")
    )
    current = [r for r in recommendations if r.revision == obj.revision]
    earlier = sorted(
        (r for r in recommendations if r.revision < obj.revision), key=lambda r: -r.revision
    )
    # The declared interests, read once: the request's own for the recusal panel (withdrawn
    # ones too: both steps are kept), and with its agenda line's the active ones that recuse
    # (funding.permissions.declared_ids reads them from here instead of asking again).
    every = list(
        declarations_on(declaration_subjects(obj))
        .select_related("person", "declared_by")
        .order_by("declared_at", "pk")
    )
    request_type = ContentType.objects.get_for_model(obj)
    declarations = [
        d for d in every if d.content_type_id == request_type.pk and d.object_id == obj.pk
    ]
    obj._declared_ids = frozenset(d.person_id for d in every if d.withdrawn_at is None)
    state = review_state(obj, recommendations=current) if obj.revision else None
    revisions = list(obj.revisions.order_by("-number")[:2])
    changes = (
        revision_changes(revisions[1].content, revisions[0].content) if len(revisions) == 2 else []
    )
    already = state is not None and user.pk in state.recommended_ids
    may_review = can_review_request(user, obj) and not already
    priorities = list(obj.priorities.all())  # with outcomes and in_group (detail_queryset)
    version = {"version": obj.version}
    forms = {
        "recommend": RecommendationForm(initial=version),
        "submit": SubmitForm(initial=version),
        "schedule": ScheduleForm(initial=version, request_obj=obj),
        "reschedule": RescheduleForm(initial=version, request_obj=obj),
        "decide": DecisionForm(initial=version, request_obj=obj),
        **forms,
    }
    automatic = {u.pk: u for c in (state.councils if state else []) for u in c.recused}
    return {
        "req": obj,
        "state": state,
        "declarations": declarations,
        "automatic_recusals": list(automatic.values()),
        "can_declare": can_declare_interest(user),
        "is_secretariat": may_act_as_secretariat(user, obj),
        "changes": changes,
        "previous_revision": revisions[1] if len(revisions) == 2 else None,
        "earlier_recommendations": earlier,
        "history": obj.status_changes.select_related("by").order_by("at", "pk"),
        "attachments": obj.attachments.select_related("uploaded_by").order_by("uploaded_at", "pk"),
        "alignment": [(p, p.in_group) for p in priorities],
        "objectives": Objective.objects.filter(group=obj.group)
        .select_related("priority")
        .order_by("due_date", "pk"),
        "past_requests": past_requests(obj, user),
        "forms": forms,
        "is_reviewer": bool(reviewing_councils(user, obj)),
        "recused": bool(reviewing_councils(user, obj)) and is_recused(user, obj),
        "already_recommended": already,
        "may": {
            "edit": can_edit_request(user, obj),
            "submit": can_submit_request(user, obj),
            "withdraw": can_withdraw_request(user, obj),
            "review": may_review or forms["recommend"].is_bound,
            "schedule": can_schedule_request(user, obj) or forms["schedule"].is_bound,
            "reschedule": can_record_decision(user, obj) or forms["reschedule"].is_bound,
            "decide": can_record_decision(user, obj) or forms["decide"].is_bound,
        },
    }


def _render_detail(request, obj, forms=None, status=200):
    context = _detail_context(request, obj, forms or {})
    return render(request, "funding/request_detail.html", context, status=status)


@require_GET
def request_detail(request, pk):
    return _render_detail(request, _load(request, pk))


def _retry(request, pk, key, form_class, exc, *, form_kwargs=None):
    """Draw the page again with the person's input kept and the version refreshed.

    The form is built exactly as `_action` builds it (same `form_kwargs`), so a form that needs
    the request it acts on (scheduling, decision) is redrawn with it, not with a 500."""
    obj = _load(request, pk)
    data = request.POST.copy()
    data["version"] = str(obj.version)
    form = form_class(data, **(form_kwargs(obj) if form_kwargs else {}))
    form.is_valid()
    messages.error(request, exc.message)
    return _render_detail(request, obj, {key: form}, status=409)


def _action(request, pk, *, key, form_class, may, perform, success, form_kwargs=None):
    obj = _load(request, pk, can_change=may)
    kwargs = form_kwargs(obj) if form_kwargs else {}
    form = form_class(request.POST, **kwargs)
    if not form.is_valid():
        return _render_detail(request, obj, {key: form}, status=400)
    try:
        perform(obj, form.cleaned_data)
    except services.StaleRequest as exc:
        return _retry(request, pk, key, form_class, exc, form_kwargs=form_kwargs)
    except services.WorkflowError as exc:
        return _retry(request, pk, key, form_class, exc, form_kwargs=form_kwargs)
    except ValidationError as exc:
        _add_service_errors(form, exc)
        return _render_detail(request, _load(request, pk), {key: form}, status=400)
    messages.success(request, success)
    return redirect("funding:request_detail", pk=pk)


@require_POST
def request_submit(request, pk):
    def perform(obj, data):
        services.funding_request_submit(
            request=obj, by=request.user, expected_version=data["version"]
        )

    return _action(
        request,
        pk,
        key="submit",
        form_class=SubmitForm,
        may=may_act_as_requester,
        perform=perform,
        success=_("The request is submitted. The council co-chairs will be told."),
    )


@require_http_methods(["GET", "POST"])
def request_withdraw(request, pk):
    """Withdrawing is final: a page that names the request, says it cannot be undone and asks
    why (GET), then the withdrawal itself (POST)."""
    obj = _load(request, pk, can_change=may_act_as_requester)
    form = WithdrawForm(request.POST or None, initial={"version": obj.version})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.funding_request_withdraw(
                    request=obj,
                    by=request.user,
                    expected_version=form.cleaned_data["version"],
                    reason=form.cleaned_data["reason"],
                )
            except services.WorkflowError as exc:
                # Changed under them, or no longer theirs to withdraw: say so, keep the reason.
                obj = _load(request, pk)
                data = request.POST.copy()
                data["version"] = str(obj.version)
                form = WithdrawForm(data)
                form.is_valid()
                messages.error(request, exc.message)
                status = 409
            else:
                messages.success(request, _("The request is withdrawn."))
                return redirect("funding:request_detail", pk=pk)
    context = {"req": obj, "form": form, "may_withdraw": can_withdraw_request(request.user, obj)}
    return render(request, "funding/withdraw_confirm.html", context, status=status)


@require_POST
def request_recommend(request, pk):
    outcome = {}

    def perform(obj, data):
        updated, _recommendation = services.recommendation_record(
            request=obj,
            by=request.user,
            decision=data["decision"],
            comment=data["comment"],
            expected_version=data["version"],
        )
        outcome["status"] = updated.get_status_display()
        outcome["decided"] = updated.status in services.REVIEW_OUTCOMES

    response = _action(
        request,
        pk,
        key="recommend",
        form_class=RecommendationForm,
        may=may_act_as_reviewer,
        perform=perform,
        success=_("Your recommendation is recorded."),
    )
    if outcome.get("decided"):
        messages.info(
            request,
            _("The request is now “%(status)s”. The requesters will be told.")
            % {"status": outcome["status"]},
        )
    elif outcome:
        messages.info(
            request, _("The request is now “%(status)s”.") % {"status": outcome["status"]}
        )
    return response


@require_POST
def request_schedule(request, pk):
    def perform(obj, data):
        services.funding_request_schedule(
            request=obj, by=request.user, meeting=data["meeting"], expected_version=data["version"]
        )

    return _action(
        request,
        pk,
        key="schedule",
        form_class=ScheduleForm,
        may=may_act_as_secretariat,
        perform=perform,
        success=_("The request is on the meeting's agenda. The requesters will be told."),
        form_kwargs=lambda obj: {"request_obj": obj},
    )


@require_POST
def request_reschedule(request, pk):
    def perform(obj, data):
        services.funding_request_reschedule(
            request=obj,
            by=request.user,
            meeting=data["meeting"],
            reason=data["reason"],
            expected_version=data["version"],
        )

    return _action(
        request,
        pk,
        key="reschedule",
        form_class=RescheduleForm,
        may=may_act_as_secretariat,
        perform=perform,
        success=_("The meeting's agenda is changed, and the step is in the request's history."),
        form_kwargs=lambda obj: {"request_obj": obj},
    )


@require_http_methods(["GET", "POST"])
def request_declare(request, pk):
    """Declare an interest in a request (a member or co-chair; the secretariat for them)."""
    obj = _load(request, pk)
    return declaration_page(
        request,
        subject=obj,
        title=_("Declare an interest in “%(title)s”") % {"title": obj.title},
        back_url=reverse("funding:request_detail", args=[obj.pk]) + "#recusals-h",
        crumbs=[
            (reverse("funding:request_list"), _("Funding requests")),
            (reverse("funding:request_detail", args=[obj.pk]), obj.title),
        ],
    )


@require_POST
def request_decide(request, pk):
    def perform(obj, data):
        services.funding_request_record_decision(
            request=obj,
            by=request.user,
            outcome=data["outcome"],
            amount_approved=data["amount_approved"],
            votes_for=data["votes_for"],
            votes_against=data["votes_against"],
            votes_abstaining=data["votes_abstaining"],
            note=data["note"],
            expected_version=data["version"],
        )

    return _action(
        request,
        pk,
        key="decide",
        form_class=DecisionForm,
        may=may_act_as_secretariat,
        perform=perform,
        success=_(
            "The members' decision is recorded. The requesters and the council co-chairs will "
            "be told."
        ),
        form_kwargs=lambda obj: {"request_obj": obj},
    )


# --- Create and edit ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def request_create(request):
    user = request.user
    if not can_create_request(user):
        raise PermissionDenied
    groups = Group.objects.current().filter(pk__in=group_roles(user).co_chair_of)
    form = FundingRequestForm(request.POST or None, request.FILES or None, user=user, groups=groups)
    if request.method == "POST" and form.is_valid():
        try:
            obj = services.funding_request_create(
                group=form.cleaned_data["group"],
                by=user,
                data=form.content(),
                priorities=form.cleaned_data["priorities"],
                attachments=form.cleaned_data["attachments"],
            )
        except ValidationError as exc:
            _add_service_errors(form, exc)
        except services.WorkflowError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("The draft is saved. Submit it when it is ready for the co-chairs' review."),
            )
            return redirect("funding:request_detail", pk=obj.pk)
    status = 400 if form.is_bound else 200
    return render(request, "funding/request_form.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
def request_edit(request, pk):
    user = request.user
    obj = _load(request, pk, can_change=may_act_as_requester)
    if request.method == "GET" and not can_edit_request(user, obj):
        messages.warning(
            request,
            _("A request that is “%(status)s” cannot be edited.")
            % {"status": obj.get_status_display()},
        )
        return redirect("funding:request_detail", pk=pk)
    form = FundingRequestForm(request.POST or None, request.FILES or None, instance=obj, user=user)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.funding_request_update(
                    request=obj,
                    by=user,
                    expected_version=form.cleaned_data["version"],
                    data=form.content(),
                    priorities=form.cleaned_data["priorities"],
                    attachments=form.cleaned_data["attachments"],
                    remove=form.cleaned_data["remove_attachments"],
                )
            except services.WorkflowError as exc:
                obj = _load(request, pk)
                data = request.POST.copy()
                data["version"] = str(obj.version)
                form = FundingRequestForm(data, instance=obj, user=user)
                form.is_valid()
                message = exc.message
                if request.FILES:
                    message += " " + _("Files you had chosen were not kept: choose them again.")
                messages.error(request, message)
                status = 409
            except ValidationError as exc:
                _add_service_errors(form, exc)
            else:
                messages.success(request, _("Your changes are saved."))
                return redirect("funding:request_detail", pk=pk)
    return render(request, "funding/request_form.html", {"form": form, "req": obj}, status=status)


@require_GET
def attachment_download(request, pk, attachment_pk):
    """Files leave MEDIA_ROOT only through here, to people who may see the request."""
    obj = _load(request, pk)
    attachment = get_object_or_404(Attachment, pk=attachment_pk, request=obj)
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- Overview ----------------------------------------------------------------------------------


def _overview_filters(request):
    years = dict(fiscal_year_choices())
    fiscal_year = parse_int(request.GET.get("fiscal_year"))
    if fiscal_year not in years:
        fiscal_year = None
    council = Council.objects.filter(code=request.GET.get("council") or "").first()
    return fiscal_year, council, years


WITHHELD_FIGURES = ("count", "requested", "endorsed", "approved")


def _withhold(user, fiscal_year, council, rows, totals):
    """Copies of the (shared, cached) rows and year totals in which every cell that would
    give away a single request this reader cannot open has its figures withheld (None) and
    `withheld` set: see selectors.overview_withheld. The secretariat sees them all."""
    cells, years = overview_withheld(
        user, fiscal_year=fiscal_year, council=council, years=bool(totals)
    )

    def copy(figures, hidden):
        if not hidden:
            return {**figures, "withheld": False}
        return {**figures, **dict.fromkeys(WITHHELD_FIGURES), "withheld": True}

    rows = [copy(r, (r["priority_id"], r["fiscal_year"]) in cells) for r in rows]
    totals = {year: copy(t, year in years) for year, t in totals.items()}
    return rows, totals


@require_GET
def overview(request):
    if not can_view_overview(request.user):
        raise PermissionDenied
    fiscal_year, council, years = _overview_filters(request)

    def compute():
        return (
            funding_totals(fiscal_year=fiscal_year, council=council),
            funding_totals_by_year(fiscal_year=fiscal_year, council=council),
        )

    # Sums over every request: computed once per data version (core.cache), not per reader.
    parts = (fiscal_year, council.code if council else "")
    # The totals read requests (funding), priorities and outcomes (plan), groups and councils.
    rows, totals = cached_value(
        "funding-overview", parts, compute, domains=(FUNDING, PLAN, GROUPS, PEOPLE)
    )
    rows, totals = _withhold(request.user, fiscal_year, council, rows, totals)
    by_year = []
    for year in sorted(totals, reverse=True):
        by_year.append(
            {
                "year": year,
                "label": fiscal_year_label(year),
                "rows": [r for r in rows if r["fiscal_year"] == year],
                "total": totals[year],
            }
        )
    context = {
        "by_year": by_year,
        "years": years,
        "councils": Council.objects.all(),
        "selected_year": fiscal_year,
        "selected_council": council,
        "any_withheld": any(r["withheld"] for r in rows)
        or any(t["withheld"] for t in totals.values()),
    }
    return render(request, "funding/overview.html", context)


@require_GET
def overview_csv(request):
    if not can_view_overview(request.user):
        raise PermissionDenied
    fiscal_year, council, _years = _overview_filters(request)
    response, writer = csv_response(_("funding-overview"))
    writer.writerow(
        [
            _("Fiscal year"),
            _("Priority code"),
            _("Priority"),
            _("Requests"),
            _("Requested (CAD)"),
            _("Endorsed (CAD)"),
            _("Approved (CAD)"),
        ]
    )
    rows, _totals = _withhold(
        request.user, fiscal_year, council, funding_totals(fiscal_year, council), {}
    )
    for row in rows:
        figures = (
            ["", "", "", ""]  # withheld: one request this reader cannot open
            if row["withheld"]
            else [
                row["count"],
                amount(row["requested"]),
                amount(row["endorsed"]),
                amount(row["approved"]),
            ]
        )
        writer.writerow(
            [
                fiscal_year_label(row["fiscal_year"]),
                row["priority"].code,
                safe_text(row["priority"].title),
                *figures,
            ]
        )
    return response
