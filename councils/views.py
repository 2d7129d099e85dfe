import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, FilteredRelation, Max, Prefetch, Q, Value
from django.db.models.functions import Coalesce, NullIf
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.generic import DetailView, ListView

from core import pdf, workflow
from core.bilingual import LANGUAGES, current_language, translated_order
from core.cache import PEOPLE, kept_page_part
from core.joins import with_children
from core.params import parse_id, safe_next
from core.permissions import get_object_for_user

from .calendar import meeting_event, new_calendar
from .forms import (
    ActionItemForm,
    ActionItemStatusForm,
    AgendaItemForm,
    AttendeeForm,
    CouncilMembershipForm,
    CouncilQuorumForm,
    DecisionForm,
    DeclarationForm,
    EndTermForm,
    EngagementForm,
    ErratumForm,
    ExternalBodyForm,
    MeetingForm,
    MinutesCirculateForm,
    SecretariatDeclarationForm,
    WithdrawDeclarationForm,
)
from .models import (
    ActionItem,
    AgendaItem,
    Attendee,
    Council,
    CouncilMembership,
    Decision,
    Engagement,
    ExternalBody,
    InterestDeclaration,
    Jurisdiction,
    Meeting,
    MinutesStatus,
    Priority,
    active_on,
    person_name,
)
from .permissions import (
    can_declare_interest,
    can_manage_councils,
    can_manage_meetings,
    can_update_action_item,
    can_view_meetings,
    can_withdraw_declaration,
    is_portal_reader,
    is_secretariat,
)
from .selectors import (
    PERSON_SEARCH_LIMIT,
    jurisdictions_without_member,
    meeting_quorum,
    person_label,
    search_people,
)
from .services import (
    action_item_save,
    action_item_set_status,
    agenda_item_save,
    attendee_save,
    council_membership_save,
    council_quorum_save,
    decision_save,
    engagement_save,
    external_body_save,
    interest_declare,
    interest_withdraw,
    meeting_part_delete,
    meeting_save,
    minutes_circulate,
    minutes_draft_from_agenda,
    minutes_erratum_add,
)
from .services import council_membership_end as end_council_term


class ReaderRequiredMixin:
    """Pages of the directory: people with a current council or group role."""

    def dispatch(self, request, *args, **kwargs):
        if not is_portal_reader(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def _active_memberships(role=None):
    qs = CouncilMembership.objects.active().select_related(
        "user", "user__profile", "jurisdiction", "user__profile__jurisdiction"
    )
    if role:
        qs = qs.filter(role=role)
    return qs.order_by("jurisdiction__kind", "jurisdiction__name_en", "user__last_name")


class CouncilListView(ReaderRequiredMixin, ListView):
    template_name = "councils/council_list.html"
    context_object_name = "councils"

    def get_queryset(self):
        return Council.objects.annotate(
            member_count=Count(
                "memberships",
                filter=Q(memberships__in=CouncilMembership.objects.active()),
                distinct=True,
            ),
            group_count=Count("groups", distinct=True),
        ).prefetch_related(
            Prefetch(
                "memberships",
                queryset=_active_memberships(CouncilMembership.Role.CO_CHAIR),
                to_attr="co_chairs",
            )
        )


class CouncilDetailView(ReaderRequiredMixin, DetailView):
    template_name = "councils/council_detail.html"
    context_object_name = "council"
    slug_field = "code"
    slug_url_kwarg = "code"

    def get_queryset(self):
        return Council.objects.prefetch_related(
            # Co-chairs, secretariat and guests; the members a page at a time (_members_page).
            Prefetch(
                "memberships",
                queryset=_active_memberships().exclude(role=CouncilMembership.Role.MEMBER),
                to_attr="current_memberships",
            ),
            "priorities",
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        council = self.object
        memberships = council.current_memberships
        ctx["co_chairs"] = [m for m in memberships if m.role == CouncilMembership.Role.CO_CHAIR]
        ctx["secretariat"] = [
            m for m in memberships if m.role == CouncilMembership.Role.SECRETARIAT
        ]
        ctx["guests"] = [m for m in memberships if m.role == CouncilMembership.Role.GUEST]
        ctx.update(_members_page(self.request, council, timezone.localdate()))
        ctx["without_member"] = jurisdictions_without_member(council)
        ctx["can_manage"] = can_manage_councils(self.request.user)
        # A page at a time too: thousands of groups can report to one council.
        groups = Paginator(
            council.groups.current()
            .order_by(translated_order("name"), "pk")
            .only("slug", "kind", "status", "name_en", "name_fr"),
            settings.PORTAL_PAGE_SIZE,
        )
        groups_page = groups.get_page(self.request.GET.get("groups_page"))
        ctx.update(
            groups=groups_page.object_list,
            groups_page=groups_page,
            groups_paginator=groups,
            groups_page_range=groups.get_elided_page_range(groups_page.number),
        )
        return ctx


class JurisdictionListView(ReaderRequiredMixin, ListView):
    template_name = "councils/jurisdiction_list.html"
    context_object_name = "jurisdictions"

    def get_queryset(self):
        return Jurisdiction.objects.annotate(
            member_count=Count(
                "council_memberships",
                filter=Q(council_memberships__in=CouncilMembership.objects.active()),
                distinct=True,
            ),
            declared_count=Count("declared_priorities", distinct=True),
        ).order_by("kind", translated_order("name"))


class PriorityListView(ReaderRequiredMixin, ListView):
    template_name = "councils/priority_list.html"
    context_object_name = "priorities"

    def get_queryset(self):
        return (
            Priority.objects.filter(is_active=True)
            .annotate(
                group_count=Count("groups", distinct=True),
                objective_count=Count("objectives", distinct=True),
            )
            .prefetch_related("outcomes", "councils")
        )


class PriorityDetailView(ReaderRequiredMixin, DetailView):
    template_name = "councils/priority_detail.html"
    context_object_name = "priority"
    slug_field = "code"
    slug_url_kwarg = "code"

    def get_queryset(self):
        return Priority.objects.prefetch_related("outcomes", "councils")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["declared"] = self.object.declared_by.select_related("jurisdiction").order_by(
            "jurisdiction__kind", "jurisdiction__name_en"
        )
        ctx["groups"] = self.object.groups.current().order_by(translated_order("name"))
        return ctx


# --- Meetings, action items, external bodies -----------------------------------------------
# Reads are for every portal reader; the secretariat edits through small form views that call
# one service each.


def _require(allowed):
    if not allowed:
        raise PermissionDenied


def edit_page(
    request, *, form, title, save, success_url, back_url, template="councils/form.html", extra=None
):
    """The one shape of the secretariat's edit pages: GET shows the form; a valid POST calls
    `save(form)` (a service), adds a message and redirects. A POST that asks to find a
    person (PersonSearchMixin) shows the form again with the matches."""
    searching = getattr(form, "person_search", lambda: False)
    if request.method == "POST" and not searching() and form.is_valid():
        try:
            obj = save(form)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(success_url(obj) if callable(success_url) else success_url)
    return render(
        request, template, {"form": form, "title": title, "back_url": back_url, **(extra or {})}
    )


class MeetingListView(ListView):
    template_name = "councils/meeting_list.html"
    context_object_name = "meetings"
    paginate_by = settings.PORTAL_PAGE_SIZE

    def dispatch(self, request, *args, **kwargs):
        _require(can_view_meetings(request.user))
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        qs = Meeting.objects.prefetch_related("councils").annotate(
            agenda_count=Count("agenda_items", distinct=True),
            decision_count=Count("decisions", distinct=True),
            open_actions=Count(
                "action_items",
                filter=Q(action_items__status__in=["open", "in_progress"]),
                distinct=True,
            ),
        )
        council = self.request.GET.get("council")
        if council:
            qs = qs.filter(councils__code=council)
        when = self.request.GET.get("when")
        now = timezone.now()
        if when == "upcoming":
            qs = qs.filter(starts_at__gte=now).order_by("starts_at")
        elif when == "past":
            qs = qs.filter(starts_at__lt=now)
        return qs.order_by("-starts_at") if when != "upcoming" else qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["councils"] = Council.objects.all()
        ctx["can_manage"] = can_manage_meetings(self.request.user)
        ctx["now"] = timezone.now()
        return ctx


def _declarations():
    return InterestDeclaration.objects.select_related("person", "declared_by", "withdrawn_by")


def _meeting_queryset():
    # The funding requests are read through their reverse relations (by name): this app does
    # not import `funding`, which sits above it.
    # The councils are read with their member seats for the quorum (_councils_with_seats),
    # and the declared interests of the agenda lines and the requests in one query
    # (_declarations_on).
    # The agenda lines with their votes and the measures with their groups are read after
    # the meeting, each in one query (_agenda_items, _measures).
    return Meeting.objects.select_related("minutes_approved_by__meeting").prefetch_related(
        Prefetch(
            "attendees",
            queryset=Attendee.objects.select_related(
                "user", "user__profile__jurisdiction", "jurisdiction"
            ),
        ),
        Prefetch("decisions", queryset=Decision.objects.select_related("agenda_item", "vote")),
        Prefetch("action_items", queryset=ActionItem.objects.select_related("owner")),
        # Each with what it shows joined in its own query (a query per kind of record).
        Prefetch("engagements", queryset=Engagement.objects.select_related("external_body")),
        # The package's versions (funding.MeetingPackage), newest first, by their reverse name.
        Prefetch(
            "packages",
            queryset=Meeting.packages.rel.related_model.objects.order_by("-version"),
        ),
    )


def _councils_with_seats(meeting):
    """The meeting's councils, and the jurisdictions their members sit for on its day (the
    quorum's seats, selectors.meeting_quorum), in one query: a LEFT JOIN on the councils'
    active member terms, one row per term. The councils are kept as the meeting's prefetched
    councils."""
    path = "memberships"
    terms = active_on(meeting.day, f"{path}__") & Q(
        **{f"{path}__role": CouncilMembership.Role.MEMBER, f"{path}__jurisdiction__isnull": False}
    )
    rows = (
        Council.objects.filter(meetings=meeting)
        .annotate(member_terms=FilteredRelation(path, condition=terms))
        .annotate(seat_jurisdiction_id=F("member_terms__jurisdiction_id"))
    )
    councils, seats = {}, {}
    for row in rows:
        councils.setdefault(row.pk, row)
        seats.setdefault(row.pk, set())
        if row.seat_jurisdiction_id is not None:
            seats[row.pk].add(row.seat_jurisdiction_id)
    _set_prefetched(meeting, "councils", list(councils.values()))
    return seats


def _declarations_on(subjects):
    """{subject: its interest declarations} for model instances of any kind, in one query."""
    by_kind = {}
    for subject in subjects:
        by_kind.setdefault(ContentType.objects.get_for_model(subject), set()).add(subject.pk)
    condition = Q(pk__in=[])
    for content_type, ids in by_kind.items():
        condition |= Q(content_type=content_type, object_id__in=ids)
    found = {}
    for declaration in _declarations().filter(condition):
        found.setdefault((declaration.content_type_id, declaration.object_id), []).append(
            declaration
        )
    return {
        subject: found.get((ContentType.objects.get_for_model(subject).pk, subject.pk), [])
        for subject in subjects
    }


def _agenda_items(meeting):
    """The meeting's agenda lines with their votes (joined, one query)."""
    items = with_children(meeting.agenda_items.all(), "votes", child_order=("closed_at", "pk"))
    _set_prefetched(meeting, "agenda_items", items)
    return items


def _funding_requests(meeting, items):
    """The requests on the meeting or on one of its agenda lines, with their group, their
    vote and their recommendations (reviewers joined), in one query. Each agenda line gets
    the request it carries (or None); those on the meeting are its `funding_requests`."""
    requests = with_children(
        Meeting.funding_requests.rel.related_model.objects.filter(
            Q(meeting=meeting) | Q(agenda_item__meeting=meeting)
        )
        .select_related("group", "vote")
        .order_by("pk"),
        "recommendations",
        select=("reviewer",),
        child_order=("revision", "created_at", "pk"),
    )
    carried = {r.agenda_item_id: r for r in requests if r.agenda_item_id is not None}
    for item in items:
        AgendaItem.funding_request.related.set_cached_value(item, carried.get(item.pk))
    _set_prefetched(
        meeting, "funding_requests", [r for r in requests if r.meeting_id == meeting.pk]
    )


def _measures(meeting):
    """The meeting's measures with their owners, and their groups' rows with the groups, in
    one query: the models of the workinggroups app, reached through the relations (this app
    sits below)."""
    measures = with_children(
        meeting.measures.select_related("owner"),
        "group_rows",
        select=("group",),
        child_order=("pk",),
    )
    _set_prefetched(meeting, "measures", measures)


def _set_prefetched(meeting, relation, records):
    prefetched = getattr(meeting, relation).all()
    prefetched._result_cache, prefetched._prefetch_done = records, True
    meeting._prefetched_objects_cache[relation] = prefetched


def _funding_request(item):
    """The funding request an agenda line carries, or None (a reverse one-to-one)."""
    try:
        return item.funding_request
    except ObjectDoesNotExist:
        return None


def _visible_funding_requests(user, ids):
    """The ids of the requests the reader may open, by the rule of the app that owns them."""
    if not settings.PORTAL_VISIBLE_FUNDING_REQUESTS:
        return set()
    return import_string(settings.PORTAL_VISIBLE_FUNDING_REQUESTS)(user, ids)


def _check_in_statuses(meeting):
    """A check-in's groups with their status, read by the app that knows groups."""
    if not meeting.is_check_in or not settings.PORTAL_CHECK_IN_STATUSES:
        return None
    return import_string(settings.PORTAL_CHECK_IN_STATUSES)(meeting)


def meeting_detail(request, pk):
    if not _reader(request.user):
        raise Http404  # before reading the whole meeting cycle for someone who may not see it
    # The meeting with its errata (who recorded them joined) in one query.
    found = with_children(
        _meeting_queryset().filter(pk=pk),
        "errata",
        select=("recorded_by",),
        child_order=("recorded_at", "pk"),
    )
    if not found:
        raise Http404
    meeting = found[0]
    items = _agenda_items(meeting)
    _funding_requests(meeting, items)
    _measures(meeting)
    on_agenda = [fr for fr in map(_funding_request, items) if fr is not None]
    all_requests = list(meeting.funding_requests.all())
    # A request the reader may not open shows as its agenda line only.
    visible = _visible_funding_requests(
        request.user, {r.pk for r in on_agenda} | {r.pk for r in all_requests}
    )
    agenda = []
    for item in items:
        if item.kind == AgendaItem.Kind.QUESTION:
            continue
        funding_request = _funding_request(item)
        if funding_request is not None and funding_request.pk not in visible:
            funding_request = None
        recommendations = (
            [
                r
                for r in funding_request.recommendations.all()
                if r.revision == funding_request.revision
            ]
            if funding_request
            else []
        )
        agenda.append((item, funding_request, recommendations))
    requests = [r for r in all_requests if r.pk in visible]
    can_manage = can_manage_meetings(request.user)
    # Where the minutes wait for approval: only circulated minutes are on a later agenda
    # (minutes_circulate), so a draft reads the later planned meetings for the circulation
    # form instead, and the page runs as many queries in every state.
    approval_items = (
        list(meeting.minutes_approval_items.select_related("meeting"))
        if meeting.minutes_status == MinutesStatus.CIRCULATED
        else []
    )
    declared = _declarations_on([*items, *requests])
    declarations = [(d, item) for item in items for d in declared[item]] + [
        (d, r) for r in requests for d in declared[r]
    ]
    seats = _councils_with_seats(meeting)
    return render(
        request,
        "councils/meeting_detail.html",
        {
            "meeting": meeting,
            "agenda": agenda,
            "questions": [i for i in items if i.kind == AgendaItem.Kind.QUESTION],
            "funding_requests": requests,
            "item_votes": [v for item in items for v in item.votes.all()],
            "declarations": declarations,
            "quorum": meeting_quorum(meeting, seats=seats),
            "approval_items": approval_items,
            "check_in": _check_in_statuses(meeting),
            "circulate_form": MinutesCirculateForm(meeting=meeting) if can_manage else None,
            "can_manage": can_manage,
            "can_declare": can_declare_interest(request.user),
            "user_id": request.user.pk,
            "packages": list(meeting.packages.all()),
            "pdf_missing": pdf.unavailable(),
        },
    )


@require_safe
def minutes_pdf(request, pk, language):
    """The approved minutes, attendance, decisions, action items and errata included, as a
    PDF in `language`, made on demand from the portal's template; to everyone who may see the
    meeting, with the headers of every downloaded file. Draft minutes have none (404)."""
    meeting = get_object_for_user(
        Meeting.objects.select_related("minutes_approved_by__meeting").prefetch_related(
            "councils",
            Prefetch(
                "attendees",
                queryset=Attendee.objects.select_related(
                    "user", "user__profile__jurisdiction", "jurisdiction"
                ),
            ),
        ),
        request.user,
        can_view=_reader,
        pk=pk,
    )
    if language not in LANGUAGES or not meeting.minutes_locked:
        raise Http404
    context = {
        "meeting": meeting,
        "attendees": list(meeting.attendees.all()),
        "quorum": meeting_quorum(meeting),
        "decisions": list(meeting.decisions.select_related("agenda_item", "vote")),
        "action_items": list(meeting.action_items.select_related("owner")),
        "errata": list(meeting.errata.select_related("recorded_by")),
    }
    try:
        content = pdf.render_pdf("councils/minutes_pdf.html", context, language=language)
    except pdf.PdfUnavailable:
        return HttpResponse(pdf.unavailable(), status=503, content_type="text/plain; charset=utf-8")
    stem = "minutes" if language == "en" else "proces-verbal"
    return pdf.pdf_download(content, f"{stem}-{meeting.day:%Y-%m-%d}-{language}.pdf")


def _reader(user, obj=None):
    return can_view_meetings(user)


def _manager(user, obj=None):
    return can_manage_meetings(user)


@require_safe
def meeting_ics(request, pk):
    meeting = get_object_for_user(
        Meeting.objects.prefetch_related("agenda_items"), request.user, can_view=_reader, pk=pk
    )
    cal = new_calendar(meeting.title)
    cal.add_component(meeting_event(meeting))
    response = HttpResponse(cal.to_ical(), content_type="text/calendar; charset=utf-8")
    stamp = timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="meeting-{stamp}-{meeting.pk}.ics"'
    return response


def meeting_edit(request, pk=None):
    meeting = (
        get_object_for_user(
            Meeting.objects.all(), request.user, can_view=_reader, can_change=_manager, pk=pk
        )
        if pk
        else None
    )
    _require(can_manage_meetings(request.user))
    form = MeetingForm(request.POST or None, instance=meeting)
    return edit_page(
        request,
        form=form,
        title=_("Edit the meeting") if meeting else _("New meeting"),
        save=lambda f: meeting_save(
            meeting=f.save(commit=False),
            councils=f.cleaned_data["councils"],
            groups=f.cleaned_data.get("groups"),
            by=request.user,
        ),
        success_url=lambda m: reverse("councils:meeting_detail", args=[m.pk]),
        back_url=(
            reverse("councils:meeting_detail", args=[meeting.pk])
            if meeting
            else reverse("councils:meeting_list")
        ),
    )


def _meeting_for_edit(request, meeting_pk):
    return get_object_for_user(
        Meeting.objects.all(), request.user, can_view=_reader, can_change=_manager, pk=meeting_pk
    )


def _part_for_edit(request, model, pk):
    return get_object_for_user(
        model.objects.select_related("meeting"),
        request.user,
        can_view=_reader,
        can_change=_manager,
        pk=pk,
    )


def _meeting_url(meeting, anchor=""):
    return reverse("councils:meeting_detail", args=[meeting.pk]) + anchor


def agenda_item_edit(request, meeting_pk=None, pk=None):
    item = _part_for_edit(request, AgendaItem, pk) if pk else None
    meeting = item.meeting if item else _meeting_for_edit(request, meeting_pk)
    if item is None:
        item = AgendaItem(meeting=meeting, order=meeting.agenda_items.count() + 1)
    form = AgendaItemForm(request.POST or None, instance=item)
    return edit_page(
        request,
        form=form,
        title=_("Agenda item"),
        save=lambda f: agenda_item_save(item=f.save(commit=False), by=request.user),
        success_url=_meeting_url(meeting, "#agenda-h"),
        back_url=_meeting_url(meeting),
        extra={"meeting": meeting},
    )


def attendee_edit(request, meeting_pk=None, pk=None):
    attendee = _part_for_edit(request, Attendee, pk) if pk else None
    meeting = attendee.meeting if attendee else _meeting_for_edit(request, meeting_pk)
    form = AttendeeForm(request.POST or None, instance=attendee or Attendee(meeting=meeting))
    return edit_page(
        request,
        form=form,
        title=_("Attendee"),
        save=lambda f: attendee_save(attendee=f.save(commit=False), by=request.user),
        success_url=_meeting_url(meeting, "#attendees-h"),
        back_url=_meeting_url(meeting),
        extra={"meeting": meeting},
    )


def decision_edit(request, meeting_pk=None, pk=None):
    decision = _part_for_edit(request, Decision, pk) if pk else None
    meeting = decision.meeting if decision else _meeting_for_edit(request, meeting_pk)
    if decision is None:
        decision = Decision(meeting=meeting, number=meeting.decisions.count() + 1)
    form = DecisionForm(request.POST or None, instance=decision, meeting=meeting)
    return edit_page(
        request,
        form=form,
        title=_("Decision"),
        save=lambda f: decision_save(
            decision=f.save(commit=False), by=request.user, votes=f.votes()
        ),
        success_url=_meeting_url(meeting, "#decisions-h"),
        back_url=_meeting_url(meeting),
        extra={"meeting": meeting},
    )


# Only a wrongly entered attendee can be removed (history keeps the row). Agenda items and
# decisions are governance records: they are corrected, never deleted.
PARTS = {"attendee": Attendee}


@require_POST
def meeting_part_remove(request, part, pk):
    model = PARTS.get(part)
    if model is None:
        raise Http404
    obj = _part_for_edit(request, model, pk)
    meeting = obj.meeting
    meeting_part_delete(obj=obj, by=request.user)
    messages.success(request, _("Removed."))
    return redirect(_meeting_url(meeting))


# --- Minutes --------------------------------------------------------------------------------


@require_POST
def minutes_circulate_view(request, pk):
    meeting = _meeting_for_edit(request, pk)
    form = MinutesCirculateForm(request.POST, meeting=meeting)
    if form.is_valid():
        try:
            item = minutes_circulate(
                meeting=meeting, next_meeting=form.cleaned_data["next_meeting"], by=request.user
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("The minutes are circulated: they are on the agenda of %(meeting)s.")
                % {"meeting": item.meeting.title},
            )
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect(_meeting_url(meeting, "#minutes-h"))


@require_POST
def minutes_draft_view(request, pk):
    meeting = _meeting_for_edit(request, pk)
    try:
        minutes_draft_from_agenda(meeting=meeting, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The minutes are started from the agenda: complete them."))
    return redirect(_meeting_url(meeting, "#minutes-h"))


def minutes_erratum_create(request, pk):
    meeting = _meeting_for_edit(request, pk)
    form = ErratumForm(request.POST or None)
    return edit_page(
        request,
        form=form,
        title=_("Record a correction of the approved minutes"),
        save=lambda f: minutes_erratum_add(
            meeting=meeting, text=f.cleaned_data["text"], by=request.user
        ),
        success_url=_meeting_url(meeting, "#minutes-h"),
        back_url=_meeting_url(meeting),
        extra={"meeting": meeting},
    )


# --- Declared interests ---------------------------------------------------------------------


def declaration_page(request, *, subject, title, back_url, crumbs=()):
    """Declare an interest in `subject` (an agenda item here; a funding request in `funding`).
    A member or co-chair declares their own; the secretariat names the person."""
    if not can_declare_interest(request.user):
        raise PermissionDenied
    on_behalf = is_secretariat(request.user)
    form_class = SecretariatDeclarationForm if on_behalf else DeclarationForm
    form = form_class(request.POST or None)
    searching = getattr(form, "person_search", lambda: False)
    status = 200
    if request.method == "POST" and not searching():
        status = 400
        if form.is_valid():
            try:
                interest_declare(
                    subject=subject,
                    person=form.cleaned_data.get("person") or request.user,
                    statement=form.cleaned_data["statement"],
                    by=request.user,
                )
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(
                    request, _("The interest is declared: the person is recused from this item.")
                )
                return redirect(back_url)
    context = {"form": form, "title": title, "back_url": back_url, "crumbs": crumbs}
    return render(request, "councils/declaration_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
def agenda_item_declare(request, pk):
    item = get_object_for_user(
        AgendaItem.objects.select_related("meeting"), request.user, can_view=_reader, pk=pk
    )
    return declaration_page(
        request,
        subject=item,
        title=_("Declare an interest in “%(item)s”") % {"item": item.title},
        back_url=_meeting_url(item.meeting, "#interests-h"),
        crumbs=[(reverse("councils:meeting_detail", args=[item.meeting_id]), item.meeting.title)],
    )


@require_http_methods(["GET", "POST"])
def declaration_withdraw(request, pk):
    declaration = get_object_for_user(
        InterestDeclaration.objects.select_related("person"),
        request.user,
        can_view=_reader,
        can_change=can_withdraw_declaration,
        pk=pk,
    )
    next_url = safe_next(
        request, request.POST.get("next") or request.GET.get("next") or ""
    ) or reverse("councils:meeting_list")
    form = WithdrawDeclarationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                interest_withdraw(
                    declaration=declaration, reason=form.cleaned_data["reason"], by=request.user
                )
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _("The declaration is withdrawn; it stays on record."))
                return HttpResponseRedirect(next_url)
    context = {
        "form": form,
        "title": _("Withdraw a declared interest"),
        "declaration": declaration,
        "back_url": next_url,
        "next": next_url,
        "crumbs": (),
    }
    return render(request, "councils/declaration_form.html", context, status=status)


def council_quorum(request, code):
    council = get_object_for_user(
        Council.objects.all(),
        request.user,
        can_view=_directory_reader,
        can_change=lambda u, c: can_manage_councils(u),
        code=code,
    )
    form = CouncilQuorumForm(request.POST or None, instance=council)
    return edit_page(
        request,
        form=form,
        title=_("Quorum rule of %(council)s") % {"council": council.acronym},
        save=lambda f: council_quorum_save(council=f.save(commit=False), by=request.user),
        success_url=reverse("councils:council_detail", args=[council.code]),
        back_url=reverse("councils:council_detail", args=[council.code]),
    )


class ActionItemListView(ListView):
    template_name = "councils/action_item_list.html"
    context_object_name = "items"
    paginate_by = settings.PORTAL_PAGE_SIZE

    def dispatch(self, request, *args, **kwargs):
        _require(can_view_meetings(request.user))
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        qs = ActionItem.objects.select_related("owner", "meeting").order_by(
            F("due_date").asc(nulls_last=True), "pk"
        )
        if self.request.GET.get("mine"):
            qs = qs.filter(owner=self.request.user)
        status = self.request.GET.get("status", "open")
        if status == "open":
            qs = qs.open()
        elif status in ActionItem.Status.values:
            qs = qs.filter(status=status)
        return qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["statuses"] = ActionItem.Status.choices
        ctx["status"] = self.request.GET.get("status", "open")
        ctx["mine"] = bool(self.request.GET.get("mine"))
        ctx["can_manage"] = can_manage_meetings(self.request.user)
        ctx["status_form"] = ActionItemStatusForm()
        return ctx


def action_item_edit(request, pk=None):
    item = (
        get_object_for_user(
            ActionItem.objects.all(), request.user, can_view=_reader, can_change=_manager, pk=pk
        )
        if pk
        else None
    )
    _require(can_manage_meetings(request.user))
    initial = {}
    meeting_pk = parse_id(request.GET.get("meeting"))
    if item is None and meeting_pk:
        initial["meeting"] = meeting_pk
    form = ActionItemForm(request.POST or None, instance=item, initial=initial)
    return edit_page(
        request,
        form=form,
        title=_("Action item"),
        save=lambda f: action_item_save(item=f.save(commit=False), by=request.user),
        success_url=lambda i: (
            _meeting_url(i.meeting, "#actions-h")
            if i.meeting_id
            else reverse("councils:action_item_list")
        ),
        back_url=reverse("councils:action_item_list"),
    )


@require_POST
def action_item_status(request, pk):
    item = get_object_for_user(
        ActionItem.objects.all(),
        request.user,
        can_view=_reader,
        can_change=can_update_action_item,
        pk=pk,
    )
    form = ActionItemStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a status."))
    else:
        action_item_set_status(item=item, status=form.cleaned_data["status"], by=request.user)
        messages.success(
            request,
            _("“%(title)s” is now %(status)s.")
            % {"title": item.title, "status": item.get_status_display().lower()},
        )
    # Only a path of this site (core.params.safe_next): anything else, including a bare word
    # that redirect() would try to reverse as a URL name, goes back to the list.
    nxt = safe_next(request, request.POST.get("next", ""))
    return HttpResponseRedirect(nxt or reverse("councils:action_item_list"))


class ExternalBodyListView(ListView):
    template_name = "councils/external_body_list.html"
    context_object_name = "bodies"

    def dispatch(self, request, *args, **kwargs):
        _require(can_view_meetings(request.user))
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return (
            ExternalBody.objects.select_related("liaison")
            .prefetch_related("topics")
            .annotate(
                engagement_count=Count("engagements"), last_engagement=Max("engagements__date")
            )
            .order_by(translated_order("name"))
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_manage"] = can_manage_meetings(self.request.user)
        return ctx


def external_body_detail(request, slug):
    body = get_object_for_user(
        ExternalBody.objects.select_related("liaison", "liaison__profile").prefetch_related(
            "topics",
            Prefetch(
                "engagements",
                queryset=Engagement.objects.select_related("meeting", "recorded_by"),
            ),
        ),
        request.user,
        can_view=_reader,
        slug=slug,
    )
    return render(
        request,
        "councils/external_body_detail.html",
        {"body": body, "can_manage": can_manage_meetings(request.user)},
    )


def external_body_edit(request, slug=None):
    body = (
        get_object_for_user(
            ExternalBody.objects.all(),
            request.user,
            can_view=_reader,
            can_change=_manager,
            slug=slug,
        )
        if slug
        else None
    )
    _require(can_manage_meetings(request.user))
    form = ExternalBodyForm(request.POST or None, instance=body)
    return edit_page(
        request,
        form=form,
        title=_("External body"),
        save=lambda f: external_body_save(
            body=f.save(commit=False), topics=f.cleaned_data["topics"], by=request.user
        ),
        success_url=lambda b: reverse("councils:external_body_detail", args=[b.slug]),
        back_url=reverse("councils:external_body_list"),
    )


def engagement_add(request, slug):
    body = get_object_for_user(
        ExternalBody.objects.all(), request.user, can_view=_reader, can_change=_manager, slug=slug
    )
    form = EngagementForm(request.POST or None, instance=Engagement(external_body=body))
    return edit_page(
        request,
        form=form,
        title=_("Log an engagement"),
        save=lambda f: engagement_save(engagement=f.save(commit=False), by=request.user),
        success_url=reverse("councils:external_body_detail", args=[body.slug]),
        back_url=reverse("councils:external_body_detail", args=[body.slug]),
    )


# --- Finding people -------------------------------------------------------------------------


@require_safe
def person_search(request):
    """People by name, with their jurisdiction and title, for the secretariat: the matches a
    person field shows as one types, as JSON — at most PERSON_SEARCH_LIMIT, and whether there
    are more. (The list of everyone, paginated, is the People page.)"""
    _require(can_manage_councils(request.user))
    query = (request.GET.get("q") or "").strip()[:100]
    rows = list(search_people(query)[: PERSON_SEARCH_LIMIT + 1])
    return JsonResponse(
        {
            "results": [{"id": u.pk, "label": person_label(u)} for u in rows[:PERSON_SEARCH_LIMIT]],
            "more": len(rows) > PERSON_SEARCH_LIMIT,
        }
    )


# --- Changes of membership (shared with the groups' pages) -----------------------------------

# Fields of a form that the gap confirmation page does not send back as they were.
_NOT_RESENT = {"csrfmiddlewaretoken", "confirm_gap", "reason", "_search"}


def _form_errors(form, exc):
    """A service's ValidationError on the form: on its field when the form has one."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def change_page(request, form, *, save, page, success_url, success_message, cancel_url, crumbs):
    """The one flow of the secretariat's changes of membership.

    GET shows the form (`page(form)`). A POST that asks to find a person shows the form again
    with the matches. A valid POST calls `save(form, confirmed)`, a service, then redirects.
    A change that would open a liaison gap shows the confirmation page that names it, which
    posts the same form back with the gaps confirmed and a reason. A change made from a page
    that is no longer current (someone else changed or ended the term) answers 409 with the
    current state and says why; nothing is saved."""
    searching = getattr(form, "person_search", lambda: False)
    if request.method == "POST" and not searching() and form.is_valid():
        try:
            obj = save(form, request.POST.getlist("confirm_gap"))
        except workflow.NeedsConfirmation as exc:
            return gap_confirm_page(request, exc, cancel_url=cancel_url, crumbs=crumbs, status=200)
        except workflow.StepRefused as exc:
            messages.error(request, exc.messages[0])
            return page(None, status=409)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, success_message)
            return redirect(success_url(obj) if callable(success_url) else success_url)
    return page(form)


def gap_confirm_page(request, exc, *, cancel_url, crumbs, status=200):
    """Names the liaison gaps a change would open, and sends the change again with them
    confirmed and a reason (every other field as the person filled it in)."""
    hidden = [
        (name, value)
        for name in request.POST
        if name not in _NOT_RESENT
        for value in request.POST.getlist(name)
    ]
    return render(
        request,
        "councils/gap_confirm.html",
        {
            "gaps": exc.items,
            "message": exc.messages[0],
            "hidden": hidden,
            "reason": request.POST.get("reason", ""),
            "cancel_url": cancel_url,
            "crumbs": crumbs,
        },
        status=status,
    )


# --- Council memberships (secretariat) ------------------------------------------------------

ENDING_SOON_DAYS = 30


def _council_to_manage(request, code):
    return get_object_for_user(
        Council.objects.all(),
        request.user,
        can_view=_directory_reader,
        can_change=lambda u, c: can_manage_councils(u),
        code=code,
    )


def _directory_reader(user, obj=None):
    return is_portal_reader(user)


def _membership_to_manage(request, pk):
    return get_object_for_user(
        CouncilMembership.objects.select_related("council", "user", "user__profile"),
        request.user,
        can_view=_directory_reader,
        can_change=lambda u, m: can_manage_councils(u),
        pk=pk,
    )


def _term_rows(memberships, today):
    soon = today + datetime.timedelta(days=ENDING_SOON_DAYS)
    for m in memberships:
        m.ends_soon = m.end_date is not None and today <= m.end_date <= soon
    return memberships


def _represented_name():
    """ORDER BY the name of the jurisdiction a member represents (their membership's, else
    their profile's) in the reader's language, members with none last."""
    lang = current_language()
    other = "fr" if lang == "en" else "en"
    names = [
        NullIf(F(f"{path}__name_{language}"), Value(""))
        for path in ("jurisdiction", "user__profile__jurisdiction")
        for language in (lang, other)
    ]
    return Coalesce(*names).asc(nulls_last=True)


def _members_page(request, council, today):
    """A council's current members a page at a time (`members_page`), grouped by the
    jurisdiction they represent in the order of its name: a council can have many members,
    and both its page and its memberships page listed every one (issue 17)."""
    members = (
        _active_memberships(CouncilMembership.Role.MEMBER)
        .filter(council=council)
        .order_by(_represented_name(), "user__last_name", "user__first_name", "pk")
    )
    paginator = Paginator(members, settings.PORTAL_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("members_page"))
    by_jurisdiction = {}
    for m in _term_rows(list(page.object_list), today):
        by_jurisdiction.setdefault(m.jurisdiction or m.user.profile.jurisdiction, []).append(m)
    return {
        "members_by_jurisdiction": list(by_jurisdiction.items()),  # in the query's order
        "members_page": page,
        "members_paginator": paginator,
        "members_page_range": paginator.get_elided_page_range(page.number),
    }


def council_members(request, code):
    """The secretariat's page of a council's memberships: who holds which role, with their
    terms (ending soon marked), terms to come, jurisdictions with no member, past terms
    (paginated) and the latest changes with who, when and why. The same for every person
    who may manage the council: kept as HTML per data version of the people domain (its
    memberships, jurisdictions and profiles), day and pages asked for (issue 17: 11 queries
    and 73 included templates a view, 10.5x the empty page at scale 100)."""
    council = _council_to_manage(request, code)
    body = kept_page_part(
        request,
        "council-members",
        (council.pk,),
        "councils/partials/council_members_body.html",
        lambda: _council_members(request, council),
        domains=(PEOPLE,),
    )
    return render(request, "councils/council_members.html", {"council": council, "body": body})


def _council_members(request, council):
    today = timezone.localdate()
    base = CouncilMembership.objects.filter(council=council).select_related(
        "user", "user__profile", "user__profile__jurisdiction", "jurisdiction"
    )
    roles = CouncilMembership.Role
    open_q = Q(end_date__isnull=True) | Q(end_date__gte=today)
    # Every open term but the current members' (co-chairs, secretariat, guests, terms to
    # come: a handful each); the members, who can be many, a page at a time.
    open_terms = list(
        base.filter(open_q)
        .exclude(role=roles.MEMBER, start_date__lte=today)
        .order_by("role", "user__last_name", "user__first_name", "pk")
    )
    _term_rows(open_terms, today)
    current = [m for m in open_terms if m.start_date <= today]
    past = Paginator(base.filter(end_date__lt=today).order_by("-end_date", "-pk"), 10)
    past_page = past.get_page(request.GET.get("page"))
    changes = (
        CouncilMembership.history.filter(council_id=council.pk)
        .select_related("history_user", "user")
        .order_by("-history_date", "-history_id")[:15]
    )
    return {
        "council": council,
        "today": today,
        "co_chairs": [m for m in current if m.role == roles.CO_CHAIR],
        **_members_page(request, council, today),
        "secretariat": [m for m in current if m.role == roles.SECRETARIAT],
        "guests": [m for m in current if m.role == roles.GUEST],
        "upcoming": [m for m in open_terms if m.start_date > today],
        "without_member": jurisdictions_without_member(council),
        "page_obj": past_page,
        "paginator": past,
        "is_paginated": past_page.has_other_pages(),
        "page_range": past.get_elided_page_range(past_page.number),
        "changes": changes,
    }


def _members_url(council):
    return reverse("councils:council_members", args=[council.code])


def _crumbs(council, title):
    return [
        (_("Councils"), reverse("councils:council_list")),
        (council.acronym, reverse("councils:council_detail", args=[council.code])),
        (_("Memberships"), _members_url(council)),
        (title, None),
    ]


def _membership_form_page(request, council, title, *, reload):
    def page(form, status=200):
        return render(
            request,
            "councils/membership_form.html",
            {
                "form": form or reload(),
                "title": title,
                "council": council,
                "crumbs": _crumbs(council, title),
                "cancel_url": _members_url(council),
            },
            status=status,
        )

    return page


def council_membership_create(request, code):
    council = _council_to_manage(request, code)
    title = _("Add a person to %(council)s") % {"council": council.acronym}
    form = CouncilMembershipForm(
        request.POST or None,
        instance=CouncilMembership(council=council),
        initial={"start_date": timezone.localdate()},
    )

    def save(f, confirmed):
        return council_membership_save(
            membership=f.save(commit=False),
            by=request.user,
            reason=f.cleaned_data["reason"],
            confirmed=confirmed,
        )

    return change_page(
        request,
        form,
        save=save,
        page=_membership_form_page(
            request,
            council,
            title,
            reload=lambda: CouncilMembershipForm(instance=CouncilMembership(council=council)),
        ),
        success_url=_members_url(council),
        success_message=_("The membership was added."),
        cancel_url=_members_url(council),
        crumbs=_crumbs(council, title),
    )


def council_membership_edit(request, pk):
    membership = _membership_to_manage(request, pk)
    council = membership.council
    title = _("Change the term of %(person)s") % {"person": person_name(membership.user)}

    def fresh():
        row = _membership_to_manage(request, pk)
        return CouncilMembershipForm(instance=row, editing=True)

    form = CouncilMembershipForm(request.POST or None, instance=membership, editing=True)

    def save(f, confirmed):
        return council_membership_save(
            membership=f.save(commit=False),
            by=request.user,
            seen=f.cleaned_data["revision"],
            reason=f.cleaned_data["reason"],
            confirmed=confirmed,
        )

    return change_page(
        request,
        form,
        save=save,
        page=_membership_form_page(request, council, title, reload=fresh),
        success_url=_members_url(council),
        success_message=_("The term was changed."),
        cancel_url=_members_url(council),
        crumbs=_crumbs(council, title),
    )


def council_membership_end(request, pk):
    """The confirmation page of ending a term (GET), and the ending itself (POST)."""
    membership = _membership_to_manage(request, pk)
    council = membership.council
    title = _("End the term of %(person)s") % {"person": person_name(membership.user)}
    today = timezone.localdate()

    def fresh():
        row = _membership_to_manage(request, pk)
        return EndTermForm(initial={"revision": row.revision, "end_date": today})

    form = EndTermForm(
        request.POST or None, initial={"revision": membership.revision, "end_date": today}
    )

    def page(f, status=200):
        row = membership if f is not None else _membership_to_manage(request, pk)
        return render(
            request,
            "councils/membership_end.html",
            {
                "form": f or fresh(),
                "membership": row,
                "ended": row.end_date is not None and row.end_date < today,
                "title": title,
                "council": council,
                "crumbs": _crumbs(council, title),
                "cancel_url": _members_url(council),
            },
            status=status,
        )

    def save(f, confirmed):
        return end_council_term(
            membership=membership,
            by=request.user,
            end_date=f.cleaned_data["end_date"],
            seen=f.cleaned_data["revision"],
            reason=f.cleaned_data["reason"],
            confirmed=confirmed,
        )

    return change_page(
        request,
        form,
        save=save,
        page=page,
        success_url=_members_url(council),
        success_message=_("The term was ended."),
        cancel_url=_members_url(council),
        crumbs=_crumbs(council, title),
    )
