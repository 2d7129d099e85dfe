from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef, Prefetch, Q, Subquery
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST, require_safe
from django.views.generic import DetailView, ListView
from django_filters.views import FilterView

from core.bilingual import translated_order
from core.cache import GROUPS, MEETINGS, PEOPLE, PLAN, cached_fragment, cached_value
from core.emails import language_of
from core.pagination import CachedCountPaginator, kept_rows
from core.params import parse_id, parse_int
from core.permissions import get_object_for_user
from councils.models import Council, Meeting
from councils.permissions import is_portal_reader, is_secretariat
from councils.views import ReaderRequiredMixin, edit_page

from . import rules
from .filters import GroupFilter
from .forms import (
    GroupLinkForm,
    MandateReviewForm,
    MeasureForm,
    MeasureStatusForm,
    ObjectiveUpdateForm,
    ReviewCommentForm,
    TransitionForm,
    WorkplanForm,
    WorkplanItemFormSet,
    WorkplanStartForm,
)
from .health import HEALTH_DOMAINS, health_sections
from .lifecycle import To, allowed_targets
from .models import (
    CalendarToken,
    Group,
    GroupLink,
    GroupMembership,
    GroupStatusChange,
    MandateReview,
    MandateVersion,
    Measure,
    MeasureGroup,
    Objective,
    ProgressReport,
    Workplan,
)
from .permissions import (
    can_draft_workplan,
    can_edit_group,
    can_file_progress_report,
    can_manage_group_records,
    can_manage_memberships,
    can_review_workplan,
    can_transition_group,
    can_update_measure,
    can_update_objective,
    can_use_calendar,
    can_view_group,
    can_view_health,
    can_view_workplan,
    group_roles,
)
from .selectors import (
    calendar_for,
    group_list_queryset,
    liaison_by_council,
    split_seats,
    with_seats,
)
from .services import (
    TransitionRefused,
    calendar_token_create,
    calendar_token_revoke,
    compare_workplans,
    group_link_create,
    group_link_delete,
    group_transition,
    measure_save,
    review_record,
    transition_refusal,
    user_for_calendar_token,
    workplan_accept,
    workplan_discard,
    workplan_return,
    workplan_start,
    workplan_submit,
    workplan_update,
)


def _messages_from(exc):
    if hasattr(exc, "message_dict"):
        return [m for msgs in exc.message_dict.values() for m in msgs]
    return list(exc.messages)


class GroupListView(ReaderRequiredMixin, FilterView):
    template_name = "workinggroups/group_list.html"
    filterset_class = GroupFilter
    context_object_name = "groups"
    paginate_by = settings.PORTAL_PAGE_SIZE

    def get_queryset(self):
        # The page reads only the ids and the count: the rows' counts, parent, councils and
        # priorities are read when the rows are rendered (below), not on every view.
        return Group.objects.order_by(translated_order("name"), "pk")

    def get_paginator(self, queryset, per_page, **kwargs):
        # The filters read the groups and their councils and priorities (groups).
        return CachedCountPaginator(queryset, per_page, domains=(GROUPS,), **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_create"] = can_edit_group(self.request.user)
        # Every reader sees every group the same way: the page reads its ids, and the rows
        # are kept as HTML per those ids (core.pagination.kept_rows; issue 17). A row shows
        # the group, its parent, objectives (groups), councils (people) and priorities (plan).
        ctx["rows"] = kept_rows(
            "group-list-rows",
            group_list_queryset,
            ctx["page_obj"].object_list,
            "workinggroups/partials/group_rows.html",
            domains=(GROUPS, PEOPLE, PLAN),
        )
        return ctx


def _measure_rows():
    return MeasureGroup.objects.select_related("group")


# What GroupDetailView._load keeps of a group; a new value whenever that changes.
GROUP_PAGE_SHAPE = 1


class GroupDetailView(ReaderRequiredMixin, DetailView):
    template_name = "workinggroups/group_detail.html"
    context_object_name = "group"

    def get_queryset(self):
        # With the council each member sits on today, for the liaisons (one query).
        members = with_seats(
            GroupMembership.objects.active().select_related(
                "user", "user__profile", "user__profile__jurisdiction", "council"
            )
        )
        last_filed = ProgressReport.objects.filter(
            group=OuterRef("pk"), status__in=ProgressReport.FILED
        ).order_by("-submitted_at")
        latest_version = MandateVersion.objects.filter(group=OuterRef("pk")).order_by("-number")
        groups = Group.objects.annotate(
            last_reported_at=Subquery(last_filed.values("submitted_at")[:1]),
            mandate_number=Subquery(latest_version.values("number")[:1]),
            mandate_changed_at=Subquery(latest_version.values("at")[:1]),
        )
        return groups.select_related("parent").prefetch_related(
            "councils",
            "priorities",
            "children",
            Prefetch("memberships", queryset=members, to_attr="current_memberships"),
            Prefetch(
                "objectives",
                queryset=Objective.objects.select_related("priority").order_by("due_date", "pk"),
                to_attr="objective_list",
            ),
            Prefetch("status_changes", queryset=GroupStatusChange.objects.select_related("by")),
            Prefetch(
                "reviews",
                queryset=MandateReview.objects.select_related("recorded_by", "mandate_version"),
            ),
            Prefetch(
                "workplans",
                queryset=Workplan.objects.order_by("-version"),
                to_attr="workplan_list",
            ),
            Prefetch(
                "check_ins",
                queryset=Meeting.objects.order_by("-starts_at", "pk"),
                to_attr="check_in_list",
            ),
            # This group's row of each measure, with the measure: one query.
            Prefetch(
                "measure_rows",
                queryset=MeasureGroup.objects.select_related(
                    "measure", "measure__owner", "measure__meeting"
                ).order_by("measure__number", "measure__pk"),
                to_attr="measure_row_list",
            ),
        )

    def get_object(self, queryset=None):
        """The group with everything its page shows, loaded in 11 queries, kept per data
        version of what it is made of (its memberships and objectives, the people and
        councils, its check-ins, the plan's priorities) and day, for every reader: what
        depends on the reader (the actions offered, the forms, which workplans and meetings
        they may open) is worked out from it on each view (issue 17: the 11 queries were a
        third of the page, 7.8x the empty page at scale 100). Never a previous copy. A group
        that does not exist is not kept: its 404 is looked up again."""
        slug = self.kwargs[self.slug_url_kwarg]
        return cached_value(
            # A model instance, not HTML: the name changes with what _load puts on it, so a
            # copy kept by the code before cannot be read by the code after.
            f"group-page:{GROUP_PAGE_SHAPE}",
            (slug,),
            lambda: self._load(queryset),
            domains=(GROUPS, PEOPLE, MEETINGS, PLAN),
            stale=False,
        )

    def _load(self, queryset):
        group = super().get_object(queryset)
        links = GroupLink.objects.filter(Q(group_a=group) | Q(group_b=group))
        group.link_list = list(links.select_related("group_a", "group_b").order_by("pk"))
        return group

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        group = self.object
        user = self.request.user
        roles = GroupMembership.Role
        group.current_memberships, seats = split_seats(group.current_memberships)
        ctx["co_chairs"] = [m for m in group.current_memberships if m.role == roles.CO_CHAIR]
        ctx["members"] = [m for m in group.current_memberships if m.role == roles.MEMBER]
        ctx["liaisons"] = liaison_by_council(
            group, memberships=group.current_memberships, seats=seats
        )
        ctx["links"] = [
            (link, link.group_b if link.group_a_id == group.pk else link.group_a)
            for link in group.link_list
        ]
        ctx["can_transition"] = can_transition_group(user, group)
        ctx["transitions"] = (
            [To(t) for t in allowed_targets(group)] if ctx["can_transition"] else []
        )
        ctx["can_manage"] = can_manage_group_records(user)
        ctx["can_edit"] = can_edit_group(user, group)
        ctx["can_manage_members"] = can_manage_memberships(user, group)
        ctx["can_draft"] = can_draft_workplan(user, group)
        ctx["visible_workplans"] = [w for w in group.workplan_list if can_view_workplan(user, w)]
        ctx["objective_rows"] = [
            (o, ObjectiveUpdateForm.for_objective(o) if can_update_objective(user, o) else None)
            for o in group.objective_list
        ]
        ctx["last_reported"] = (
            timezone.localdate(group.last_reported_at) if group.last_reported_at else None
        )
        ctx["can_file_report"] = can_file_progress_report(user, group)
        group.measure_list = []
        for row in group.measure_row_list:
            row.measure.row_for_group = row
            group.measure_list.append(row.measure)
        return ctx


# --- Lifecycle ------------------------------------------------------------------------------


def group_transition_view(request, slug, to):
    """The confirmation page of one lifecycle action (GET), and the action itself (POST)."""
    if to not in To.values:
        raise Http404
    group = get_object_for_user(
        Group.objects.all(),
        request.user,
        can_view=can_view_group,
        can_change=can_transition_group,
        slug=slug,
    )
    form = TransitionForm(
        request.POST or None,
        initial={"seen": f"{group.kind}:{group.status}"},
        group=group,
        to=to,
    )
    if request.method == "POST" and form.is_valid():
        try:
            group_transition(
                group=group,
                to=to,
                by=request.user,
                reason=form.cleaned_data["reason"],
                next_review_date=form.cleaned_data.get("next_review_date"),
                seen=form.cleaned_data["seen"] or None,
                name_en=form.cleaned_data.get("name_en"),
                name_fr=form.cleaned_data.get("name_fr"),
            )
        except TransitionRefused as exc:
            if hasattr(exc, "error_dict"):  # on the field it is about, when the form has it
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                for message in _messages_from(exc):
                    form.add_error(None, message)
        else:
            messages.success(
                request,
                _("%(group)s: %(action)s — done.") % {"group": group.name, "action": To(to).label},
            )
            return redirect("workinggroups:group_detail", slug=group.slug)
    carries_out = Measure.objects.open().filter(
        groups=group,
        type={To.COP: Measure.Type.CONVERT_TO_COP, To.DISSOLVED: Measure.Type.DISSOLVE}.get(
            to, "-"
        ),
    )
    return render(
        request,
        "workinggroups/transition_confirm.html",
        {
            "group": group,
            "to": To(to),
            "form": form,
            "refusal": transition_refusal(group, to),
            "open_objectives": group.objectives.open().count(),
            "measures": carries_out,
        },
    )


def review_create(request, slug):
    """Record a review of the mandate as it stands: the page shows the current version, and
    the review records it (a newer version since the page was shown is refused)."""
    group = get_object_for_user(
        Group.objects.all(),
        request.user,
        can_view=can_view_group,
        can_change=lambda u, g: can_manage_group_records(u),
        slug=slug,
    )
    kind = (
        MandateReview.Kind.USEFULNESS
        if group.kind == Group.Kind.COMMUNITY_OF_PRACTICE
        else MandateReview.Kind.MANDATE
    )
    version = group.mandate_versions.select_related("by").order_by("-number").first()
    form = MandateReviewForm(
        request.POST or None,
        instance=MandateReview(group=group),
        initial={"kind": kind, "mandate_version": version.number if version else None},
    )
    return edit_page(
        request,
        form=form,
        title=_("Record a review of %(group)s") % {"group": group.name},
        save=lambda f: review_record(
            review=f.save(commit=False),
            by=request.user,
            seen_version=f.cleaned_data.get("mandate_version"),
        ),
        success_url=reverse("workinggroups:group_detail", args=[group.slug]) + "#reviews-h",
        back_url=reverse("workinggroups:group_detail", args=[group.slug]),
        template="workinggroups/review_form.html",
        extra={"group": group, "version": version},
    )


def link_create(request, slug):
    group = get_object_for_user(
        Group.objects.all(),
        request.user,
        can_view=can_view_group,
        can_change=lambda u, g: can_manage_group_records(u),
        slug=slug,
    )
    form = GroupLinkForm(request.POST or None, group=group)
    return edit_page(
        request,
        form=form,
        title=_("Link %(group)s to another group") % {"group": group.name},
        save=lambda f: group_link_create(
            group=group,
            other=f.cleaned_data["other"],
            by=request.user,
            note_en=f.cleaned_data["note_en"],
            note_fr=f.cleaned_data["note_fr"],
        ),
        success_url=reverse("workinggroups:group_detail", args=[group.slug]) + "#links-h",
        back_url=reverse("workinggroups:group_detail", args=[group.slug]),
    )


@require_POST
def link_delete(request, pk):
    link = get_object_for_user(
        GroupLink.objects.select_related("group_a", "group_b"),
        request.user,
        can_view=lambda u, o: is_portal_reader(u),
        can_change=lambda u, o: can_manage_group_records(u),
        pk=pk,
    )
    # Back to the group the person came from: one of the two linked groups, never a slug
    # taken as typed (a value that is no slug made reverse() fail with a server error).
    slug = (
        link.group_b.slug if request.POST.get("group") == link.group_b.slug else link.group_a.slug
    )
    group_link_delete(link=link, by=request.user)
    messages.success(request, _("The link was removed."))
    return redirect("workinggroups:group_detail", slug=slug)


# --- Measures -------------------------------------------------------------------------------


def _measure_queryset():
    return Measure.objects.select_related("owner", "meeting", "decision").prefetch_related(
        Prefetch("group_rows", queryset=_measure_rows())
    )


class MeasureListView(ListView):
    template_name = "workinggroups/measure_list.html"
    context_object_name = "measures"

    def dispatch(self, request, *args, **kwargs):
        if not is_portal_reader(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        qs = _measure_queryset()
        status = self.request.GET.get("status")
        if status == "open":
            qs = qs.open()
        elif status in Measure.Status.values:
            qs = qs.filter(status=status)
        return qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_manage"] = can_manage_group_records(self.request.user)
        ctx["statuses"] = Measure.Status.choices
        return ctx


def measure_detail(request, pk):
    measure = get_object_for_user(
        _measure_queryset(), request.user, can_view=lambda u, m: is_portal_reader(u), pk=pk
    )
    return render(
        request,
        "workinggroups/measure_detail.html",
        {
            "measure": measure,
            "can_manage": can_manage_group_records(request.user),
            "can_update": can_update_measure(request.user, measure),
            "status_form": MeasureStatusForm(initial={"status": measure.status}),
        },
    )


def measure_edit(request, pk=None):
    measure = (
        get_object_for_user(
            Measure.objects.all(),
            request.user,
            can_view=lambda u, m: is_portal_reader(u),
            can_change=lambda u, m: can_manage_group_records(u),
            pk=pk,
        )
        if pk
        else None
    )
    if not can_manage_group_records(request.user):
        raise PermissionDenied
    initial = {}
    meeting_pk = parse_id(request.GET.get("meeting"))
    if measure is None and meeting_pk:
        initial["meeting"] = meeting_pk
    form = MeasureForm(request.POST or None, instance=measure, initial=initial)
    return edit_page(
        request,
        form=form,
        title=_("Measure"),
        save=lambda f: measure_save(
            measure=f.save(commit=False), groups=f.cleaned_data["groups"], by=request.user
        ),
        success_url=lambda m: reverse("workinggroups:measure_detail", args=[m.pk]),
        back_url=reverse("workinggroups:measure_list"),
    )


@require_POST
def measure_status(request, pk):
    measure = get_object_for_user(
        Measure.objects.all(),
        request.user,
        can_view=lambda u, m: is_portal_reader(u),
        can_change=can_update_measure,
        pk=pk,
    )
    form = MeasureStatusForm(request.POST)
    if form.is_valid():
        measure.status = form.cleaned_data["status"]
        try:
            measure.full_clean()
        except ValidationError as exc:
            messages.error(request, " ".join(_messages_from(exc)))
        else:
            measure.save()
            messages.success(request, _("The measure's status was updated."))
    return redirect("workinggroups:measure_detail", pk=measure.pk)


# --- Workplans ------------------------------------------------------------------------------


def _group_for(request, slug, can_change=None):
    return get_object_for_user(
        Group.objects.all(),
        request.user,
        can_view=can_view_group,
        can_change=can_change,
        slug=slug,
    )


def _workplan_for(request, pk, can_change=None):
    return get_object_for_user(
        Workplan.objects.select_related("group", "submitted_by", "reviewed_by"),
        request.user,
        can_view=can_view_workplan,
        can_change=can_change,
        pk=pk,
    )


def workplan_list(request, slug):
    group = _group_for(request, slug)
    workplans = [
        w
        for w in group.workplans.select_related("submitted_by", "reviewed_by").order_by("-version")
        if can_view_workplan(request.user, w)
    ]
    # Each version is compared with the previous one this person may read, never with a
    # version hidden from them (a link that would refuse them).
    for index, newer in enumerate(workplans):
        newer.compare_with = workplans[index + 1] if index + 1 < len(workplans) else None
    return render(
        request,
        "workinggroups/workplan_list.html",
        {
            "group": group,
            "workplans": workplans,
            "can_draft": can_draft_workplan(request.user, group),
        },
    )


def workplan_new(request, slug):
    group = _group_for(request, slug, can_change=can_draft_workplan)
    latest = group.workplans.order_by("-version").first()
    initial = {}
    if latest:
        initial = {"period_start": latest.period_start, "period_end": latest.period_end}
    form = WorkplanStartForm(request.POST or None, initial=initial)
    return edit_page(
        request,
        form=form,
        title=_("New workplan version for %(group)s") % {"group": group.name},
        save=lambda f: workplan_start(
            group=group,
            by=request.user,
            period_start=f.cleaned_data["period_start"],
            period_end=f.cleaned_data["period_end"],
        ),
        success_url=lambda w: reverse("workinggroups:workplan_edit", args=[w.pk]),
        back_url=reverse("workinggroups:workplan_list", args=[group.slug]),
    )


def workplan_detail(request, pk):
    workplan = _workplan_for(request, pk)
    items = workplan.items.select_related("priority", "objective")
    previous = (
        workplan.group.workplans.filter(version__lt=workplan.version).order_by("-version").first()
    )
    if previous and not can_view_workplan(request.user, previous):
        previous = None
    return render(
        request,
        "workinggroups/workplan_detail.html",
        {
            "workplan": workplan,
            "group": workplan.group,
            "items": items,
            "previous": previous,
            "can_draft": can_draft_workplan(request.user, workplan.group),
            "can_review": can_review_workplan(request.user, workplan),
            "review_form": ReviewCommentForm(),
        },
    )


def workplan_edit(request, pk):
    workplan = _workplan_for(request, pk, can_change=lambda u, w: can_draft_workplan(u, w.group))
    if workplan.status != Workplan.Status.DRAFT:
        messages.error(request, _("Only a draft can be edited; start a new version instead."))
        return redirect("workinggroups:workplan_detail", pk=workplan.pk)
    data = request.POST or None
    form = WorkplanForm(data, instance=workplan)
    formset = WorkplanItemFormSet(
        data,
        instance=workplan,
        queryset=workplan.items.all(),
        form_kwargs={"group": workplan.group},
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            workplan_update(workplan=workplan, by=request.user, form=form, formset=formset)
        except TransitionRefused as exc:
            messages.error(request, " ".join(_messages_from(exc)))
        else:
            messages.success(request, _("The draft was saved."))
            if "submit" in request.POST:
                return _submit(request, workplan)
            return redirect("workinggroups:workplan_edit", pk=workplan.pk)
    return render(
        request,
        "workinggroups/workplan_edit.html",
        {"workplan": workplan, "group": workplan.group, "form": form, "formset": formset},
    )


def _submit(request, workplan):
    try:
        workplan_submit(workplan=workplan, by=request.user)
    except TransitionRefused as exc:
        messages.error(request, " ".join(_messages_from(exc)))
        return redirect("workinggroups:workplan_edit", pk=workplan.pk)
    messages.success(request, _("Workplan submitted to the secretariat."))
    return redirect("workinggroups:workplan_detail", pk=workplan.pk)


@require_POST
def workplan_submit_view(request, pk):
    workplan = _workplan_for(request, pk, can_change=lambda u, w: can_draft_workplan(u, w.group))
    return _submit(request, workplan)


@require_POST
def workplan_discard_view(request, pk):
    workplan = _workplan_for(request, pk, can_change=lambda u, w: can_draft_workplan(u, w.group))
    slug = workplan.group.slug
    try:
        workplan_discard(workplan=workplan, by=request.user)
    except TransitionRefused as exc:
        messages.error(request, " ".join(_messages_from(exc)))
        return redirect("workinggroups:workplan_detail", pk=workplan.pk)
    messages.success(request, _("The draft was discarded."))
    return redirect("workinggroups:workplan_list", slug=slug)


def _review(request, pk, service):
    workplan = _workplan_for(request, pk, can_change=can_review_workplan)
    form = ReviewCommentForm(request.POST)
    if not form.is_valid():  # a comment past its limit: nothing is done, the page says why
        for message in form.errors.get("comment", []):
            messages.error(request, message)
        return redirect("workinggroups:workplan_detail", pk=workplan.pk)
    try:
        service(workplan=workplan, by=request.user, comment=form.cleaned_data.get("comment", ""))
    except TransitionRefused as exc:
        messages.error(request, " ".join(_messages_from(exc)))
    else:
        messages.success(
            request,
            _("Version %(version)s is now %(status)s.")
            % {"version": workplan.version, "status": workplan.get_status_display().lower()},
        )
    return redirect("workinggroups:workplan_detail", pk=workplan.pk)


@require_POST
def workplan_accept_view(request, pk):
    return _review(request, pk, workplan_accept)


@require_POST
def workplan_return_view(request, pk):
    return _review(request, pk, workplan_return)


def workplan_compare(request, slug):
    group = _group_for(request, slug)
    versions = {w.version: w for w in group.workplans.all() if can_view_workplan(request.user, w)}
    a, b = parse_int(request.GET.get("a"), 0), parse_int(request.GET.get("b"), 0)
    if not versions:
        raise Http404
    ordered = sorted(versions)
    if a not in versions or b not in versions:
        b = ordered[-1]
        a = ordered[-2] if len(ordered) > 1 else b
    older, newer = sorted([versions[a], versions[b]], key=lambda w: w.version)
    return render(
        request,
        "workinggroups/workplan_compare.html",
        {
            "group": group,
            "older": older,
            "newer": newer,
            "rows": compare_workplans(older, newer),
            "versions": ordered,
        },
    )


# --- Group health ---------------------------------------------------------------------------


@require_GET
def health(request):
    if not can_view_health(request.user):
        raise PermissionDenied
    councils = list(Council.objects.all())
    council = next((c for c in councils if c.code == request.GET.get("council")), None)
    kind = request.GET.get("kind") if request.GET.get("kind") in Group.Kind.values else ""
    chosen = request.GET.get("rule", "")
    selected = [r for r in rules.HEALTH_RULES if not chosen or r.code == chosen]
    day = timezone.localdate()
    user = request.user
    can_manage_members = can_manage_memberships(user)

    def render_sections():
        sections = health_sections(selected, day=day, kind=kind, council=council)
        context = {"sections": sections, "can_manage_members": can_manage_members, "user": user}
        return render_to_string("workinggroups/partials/health_sections.html", context)

    # The rules' summary and rows, rendered once per data version, day, language and filters
    # (rendering was most of a cached request, issue 17). Besides the filters they depend on
    # who may add representatives, and on which workplans this reader may open: all of them
    # for the secretariat, otherwise those of the groups they co-chair (can_view_workplan).
    opens = "all" if is_secretariat(user) else tuple(sorted(group_roles(user).co_chair_of))
    parts = (
        tuple(r.code for r in selected),
        kind,
        council.code if council else "",
        can_manage_members,
        opens,
    )
    return render(
        request,
        "workinggroups/health.html",
        {
            "sections_html": cached_fragment(
                "group-health-page", parts, render_sections, domains=HEALTH_DOMAINS
            ),
            "all_rules": rules.HEALTH_RULES,
            "councils": councils,
            "kinds": Group.Kind.choices,
            "council": council,
            "kind": kind,
            "chosen": chosen,
            "today": day,
        },
    )


# --- Calendar -------------------------------------------------------------------------------


def calendar_page(request):
    if not can_use_calendar(request.user):
        raise PermissionDenied
    token = CalendarToken.objects.filter(user=request.user).first()
    return render(request, "workinggroups/calendar.html", {"token": token})


@require_POST
def calendar_new(request):
    if not can_use_calendar(request.user):
        raise PermissionDenied
    token = calendar_token_create(user=request.user)
    url = request.build_absolute_uri(reverse("workinggroups:calendar_feed", args=[token]))
    messages.success(
        request, _("Your new calendar address is ready. Any older address no longer works.")
    )
    # Shown in this response only and stored nowhere (not in the session): "shown only once"
    # is true, and a later visit cannot reveal it (issue 14).
    # 201, not 200: the POST made something, though it answers with a page, not a redirect.
    token_row = CalendarToken.objects.filter(user=request.user).first()
    response = render(
        request,
        "workinggroups/calendar.html",
        {"token": token_row, "new_calendar_url": url},
        status=201,
    )
    # Nor in a browser's or a proxy's cache: Back or a shared machine cannot show it again.
    add_never_cache_headers(response)
    return response


@require_POST
def calendar_revoke(request):
    if not can_use_calendar(request.user):
        raise PermissionDenied
    calendar_token_revoke(user=request.user)
    messages.success(request, _("Your calendar address was revoked: it no longer works."))
    return redirect("workinggroups:calendar")


@login_not_required
@require_safe
def calendar_feed(request, token):
    """The personal feed: no session (calendar programs cannot sign in), the secret address
    is the key. An unknown or revoked address is a 404, like any page that does not exist."""
    user = user_for_calendar_token(token)
    if user is None or not can_use_calendar(user):
        raise Http404
    with translation.override(language_of(user)):
        cal = calendar_for(user)
        body = cal.to_ical()
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=900"
    return response
