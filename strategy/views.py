from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.cache import FUNDING, GROUPS, PEOPLE, PLAN, cached_fragment
from core.csvfile import amount, csv_response, safe_text
from core.fiscal import fiscal_year_label, fiscal_year_of
from core.params import parse_int
from core.permissions import get_object_for_user
from councils.models import Priority
from funding.selectors import overview_withheld

from . import dashboard as dashboard_builder
from . import selectors, services
from .display import describe_changes
from .forms import DashboardFilterForm, PlanCreateForm, TransitionForm, WeightForm
from .models import PlanItem, PlanStatusChange, PlanVersion, ProgressState, Status
from .permissions import can_manage_plans, can_view_dashboard, can_view_plan

# URL action -> target status; the TRANSITIONS table decides whether it is allowed.
ACTIONS = {"adopt": Status.ADOPTED, "reopen": Status.DRAFT, "archive": Status.ARCHIVED}
ACTION_LABELS = {
    "adopt": (
        gettext_lazy("Adopt this plan"),
        gettext_lazy("Adopting freezes this version of the plan and takes a progress snapshot."),
    ),
    "reopen": (
        gettext_lazy("Reopen as a draft"),
        gettext_lazy(
            "The plan becomes a draft again so it can be refreshed and adopted as a new "
            "version. The adopted versions stay as they were."
        ),
    ),
    "archive": (
        gettext_lazy("Archive this plan"),
        gettext_lazy(
            "An archived plan is no longer followed: no more snapshots, and it cannot come back."
        ),
    ),
}


def _require_reader(user):
    if not can_view_dashboard(user):
        raise PermissionDenied


def _load_plan(request, pk, *, change=False):
    """404 for a plan the person may not see (a draft, for members), 403 for a reader who may
    not change it, 403 for people who read nothing of the portal."""
    _require_reader(request.user)
    return get_object_for_user(
        selectors.visible_plans(request.user),
        request.user,
        can_view=can_view_plan,
        can_change=can_manage_plans if change else None,
        pk=pk,
    )


def _priorities_by_id():
    return {p.pk: p for p in Priority.objects.all()}


# --- Dashboard --------------------------------------------------------------------------------


def _dashboard_filters(request):
    """(form, plan, council, fiscal year, councils) from the query string. Bad values fall
    back to the defaults rather than failing, so an old bookmark still opens."""
    plans = list(selectors.visible_plans(request.user))
    councils = selectors.dashboard_councils()
    form = DashboardFilterForm(request.GET or None, plans=plans, councils=councils)
    data = form.cleaned_data if form.is_valid() else {}
    plan = next((p for p in plans if p.pk == data.get("plan")), None)
    if plan is None:
        plan = selectors.default_plan(plans)
    council = next((c for c in councils if c.code == data.get("council")), None)
    fiscal_year = data.get("fiscal_year")
    if plan is None or fiscal_year not in plan.fiscal_years:
        fiscal_year = None
    initial = {
        "plan": plan.pk if plan else "",
        "council": council.code if council else "",
        "fiscal_year": fiscal_year or "",
    }
    form = DashboardFilterForm(initial, plans=plans, councils=councils, plan=plan)
    return form, plan, council, fiscal_year, councils


@require_GET
def dashboard(request):
    _require_reader(request.user)
    form, plan, council, fiscal_year, councils = _dashboard_filters(request)
    context = {
        "form": form,
        "plan": plan,
        "council": council,
        "fiscal_year": fiscal_year,
        "can_manage": can_manage_plans(request.user),
        "today": timezone.localdate(),
    }
    if plan is not None:
        # The export follows what is on screen, the default plan included.
        context["export_query"] = urlencode({k: v for k, v in form.data.items() if v})

    # Funding cells that would give away a single request this reader cannot open: part of
    # the cache key, so readers share a board only when the same cells are withheld for them.
    withheld = (
        overview_withheld(request.user, fiscal_year=fiscal_year, council=council, years=False)[0]
        if plan is not None
        else frozenset()
    )

    def render_content():
        if plan is not None:
            board = dashboard_builder.build(
                plan, council=council, fiscal_year=fiscal_year, councils=councils
            )
            dashboard_builder.withhold_funding(board, withheld)
            context["board"] = board
            context["chart_data"] = dashboard_builder.chart_data(board)
        return render_to_string("strategy/partials/dashboard_content.html", context, request)

    # Below the breadcrumbs, the page is the same for every reader who may see the same plans
    # and asks for the same filters: it is built once per data version, day and language
    # (core.cache), not on every request.
    parts = (
        tuple(pk for pk, _label in form.fields["plan"].choices),  # the plans this reader sees
        plan.pk if plan else None,
        council.code if council else "",
        fiscal_year,
        context["can_manage"] and plan is None,
        tuple(sorted(withheld)),
    )
    # The board reads the plan, the groups' objectives and measures, the funding totals and
    # the councils: not the meetings.
    context["content_html"] = cached_fragment(
        "dashboard", parts, render_content, domains=(PLAN, GROUPS, FUNDING, PEOPLE)
    )
    return render(request, "strategy/dashboard.html", context)


@require_GET
def dashboard_csv(request):
    """Every item of the plan under the same filters, one row each, in the reader's language;
    then the funding per priority and fiscal year under the same filters, if any."""
    _require_reader(request.user)
    _form, plan, council, fiscal_year, _councils = _dashboard_filters(request)
    if plan is None:
        raise Http404
    items = (
        selectors.plan_items(plan, council=council, fiscal_year=fiscal_year)
        .select_related("priority", "objective__group", "workplan_item__workplan")
        .order_by(F("priority__number").asc(nulls_last=True), "due", "pk")
    )
    name = slugify(f"{plan.title}-{plan.span_label}") or _("strategic-plan")
    if request.GET.get("table") == "funding":
        # One table per file: the funding per priority and fiscal year, same filters.
        response, writer = csv_response(name + "-" + _("funding-file"))
        writer.writerow(
            [
                _("Priority"),
                _("Fiscal year"),
                pgettext("funding amount", "Requested"),
                pgettext("funding amount", "Endorsed"),
                pgettext("funding amount", "Approved"),
            ]
        )
        funding = dashboard_builder.plan_funding(plan, fiscal_year=fiscal_year, council=council)
        withheld, _years = overview_withheld(
            request.user, fiscal_year=fiscal_year, council=council, years=False
        )
        for row in funding.rows:
            hidden = (row["priority_id"], row["fiscal_year"]) in withheld
            writer.writerow(
                [
                    safe_text(row["priority"].title),
                    fiscal_year_label(row["fiscal_year"]),
                    *(
                        ["", "", ""]  # withheld: one request this reader cannot open
                        if hidden
                        else [amount(row[k]) for k in ("requested", "endorsed", "approved")]
                    ),
                ]
            )
        return response
    response, writer = csv_response(name)
    writer.writerow(
        [
            _("Priority"),
            _("Group"),
            _("Kind"),
            _("Objective or deliverable"),
            _("Deadline"),
            _("Fiscal year"),
            _("Progress"),
            _("Weight"),
            _("Workplan"),
        ]
    )
    for item in items:
        writer.writerow(
            [
                safe_text(item.priority.title if item.priority else _("No priority stated")),
                safe_text(item.objective.group.name),
                item.get_kind_display(),
                safe_text(item.title),
                item.due.isoformat() if item.due else "",
                fiscal_year_label(fiscal_year_of(item.due)) if item.due else "",
                ProgressState(item.state).label,
                item.weight,
                f"v{item.workplan_item.workplan.version}" if item.workplan_item else "",
            ]
        )
    return response


# --- Plans --------------------------------------------------------------------------------


@require_GET
def plan_list(request):
    _require_reader(request.user)
    plans = list(selectors.visible_plans(request.user))
    # The roll-ups are kept per data version (selectors.rollup_per_plan): the item count comes
    # with them rather than from a COUNT over every item on each read.
    totals = selectors.rollup_per_plan([p.pk for p in plans])
    for plan in plans:
        plan.total = totals.get(plan.pk) or dashboard_builder.empty_rollup()
        plan.item_count = plan.total["item_count"]
    return render(
        request,
        "strategy/plan_list.html",
        {"plans": plans, "can_manage": can_manage_plans(request.user)},
    )


@require_GET
def plan_detail(request, pk):
    plan = _load_plan(request, pk)
    items = (
        selectors.plan_items(plan)
        .select_related("priority", "objective__group", "workplan_item__workplan")
        .order_by(F("priority__number").asc(nulls_last=True), "due", "pk")
    )
    blocks = {}
    for item in items:
        blocks.setdefault(item.priority_id, {"priority": item.priority, "items": []})
        blocks[item.priority_id]["items"].append(item)
    rollup = selectors.rollup_by_priority(selectors.plan_items(plan))
    for key, block in blocks.items():
        block["rollup"] = rollup.get(key)
    last_refresh = plan.refreshes.select_related("by").first()
    can_manage = can_manage_plans(request.user)
    return render(
        request,
        "strategy/plan_detail.html",
        {
            "plan": plan,
            "blocks": list(blocks.values()),
            "total": selectors.rollup_total(selectors.plan_items(plan)),
            "versions": list(plan.versions.select_related("adopted_by")),
            "status_changes": list(PlanStatusChange.objects.filter(plan=plan).select_related("by")),
            "snapshots": list(plan.snapshots.order_by("-taken_on")[:12]),
            "last_refresh": last_refresh,
            "last_changes": describe_changes(last_refresh.changes, _priorities_by_id())
            if last_refresh
            else None,
            "can_manage": can_manage,
            "actions": _actions(plan, request.user),
            "weight_form": WeightForm() if can_manage and plan.status == Status.DRAFT else None,
        },
    )


def _actions(plan, user):
    allowed = services.allowed_transitions(plan, user)
    return [
        {"action": action, "label": ACTION_LABELS[action][0]}
        for action, target in ACTIONS.items()
        if target in allowed
    ]


@require_http_methods(["GET", "POST"])
def plan_create(request):
    _require_reader(request.user)
    if not can_manage_plans(request.user):
        raise PermissionDenied
    form = PlanCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan, changes = services.plan_create(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request,
                _("The draft plan was created with %(count)s items from the accepted workplans.")
                % {"count": len(changes.added)},
            )
            return redirect("strategy:plan_detail", pk=plan.pk)
    return render(request, "strategy/plan_form.html", {"form": form})


def _add_errors(form, exc):
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@require_http_methods(["GET", "POST"])
def plan_refresh(request, pk):
    """GET: what a refresh would change, and a confirmation. POST: refresh."""
    plan = _load_plan(request, pk, change=True)
    if request.method == "POST":
        try:
            changes = services.plan_refresh_from_workplans(plan=plan, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            if changes:
                messages.success(
                    request,
                    _(
                        "The plan was refreshed: %(added)s added, %(removed)s removed, "
                        "%(changed)s changed."
                    )
                    % {
                        "added": len(changes.added),
                        "removed": len(changes.removed),
                        "changed": len(changes.changed),
                    },
                )
            else:
                messages.info(request, _("The plan was already up to date with the workplans."))
        return redirect("strategy:plan_detail", pk=plan.pk)
    wanted, skipped = services.workplan_rows(plan)
    preview = services.compare_rows(services.current_rows(plan), wanted, services.ITEM_FIELDS)
    preview.skipped = skipped
    return render(
        request,
        "strategy/plan_refresh.html",
        {
            "plan": plan,
            "preview": describe_changes(preview, _priorities_by_id()),
            "is_draft": plan.status == Status.DRAFT,
        },
    )


@require_http_methods(["GET", "POST"])
def plan_transition(request, pk, action):
    if action not in ACTIONS:
        raise PermissionDenied
    plan = _load_plan(request, pk, change=True)
    to = ACTIONS[action]
    form = TransitionForm(request.POST or None, plan=plan, to=to)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_transition(
                plan=plan, by=request.user, to=to, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("The plan is now %(status)s.") % {"status": Status(to).label.lower()},
            )
        return redirect("strategy:plan_detail", pk=plan.pk)
    title, explanation = ACTION_LABELS[action]
    return render(
        request,
        "strategy/plan_confirm.html",
        {
            "plan": plan,
            "form": form,
            "title": title,
            "explanation": explanation,
            "allowed": to in services.allowed_transitions(plan, request.user),
        },
    )


@require_POST
def plan_snapshot(request, pk):
    plan = _load_plan(request, pk, change=True)
    try:
        snapshot = services.plan_snapshot(plan=plan)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Progress recorded for %(day)s.") % {"day": snapshot.taken_on.isoformat()},
        )
    return redirect("strategy:plan_detail", pk=plan.pk)


@require_POST
def item_weight(request, pk, item_pk):
    plan = _load_plan(request, pk, change=True)
    item = get_object_or_404(PlanItem, plan=plan, pk=item_pk)
    form = WeightForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            _("The weight must be a whole number from 1 to 100."),
        )
        return redirect("strategy:plan_detail", pk=plan.pk)
    weight = form.cleaned_data["weight"]
    try:
        services.plan_item_set_weight(item=item, by=request.user, weight=weight)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("“%(item)s” now weighs %(weight)s.") % {"item": item.title, "weight": weight},
        )
    return redirect(f"{plan_url(plan)}#item-{item.pk}")


def plan_url(plan):
    return reverse("strategy:plan_detail", args=[plan.pk])


@require_GET
def plan_compare(request, pk):
    """An adopted version against another, or against the plan as it is now."""
    plan = _load_plan(request, pk)
    versions = list(PlanVersion.objects.filter(plan=plan).order_by("-number"))
    if not versions:
        return render(request, "strategy/plan_compare.html", {"plan": plan, "versions": []})
    by_number = {v.number: v for v in versions}
    old = by_number.get(_int(request.GET.get("from"))) or versions[0]
    new = by_number.get(_int(request.GET.get("to")))
    changes = services.compare_versions(old, new or plan)
    return render(
        request,
        "strategy/plan_compare.html",
        {
            "plan": plan,
            "versions": versions,
            "old": old,
            "new": new,
            "changes": describe_changes(changes, _priorities_by_id()),
        },
    )


def _int(value):
    return parse_int(value)
