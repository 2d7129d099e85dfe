from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F, Max, Prefetch, Q
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe
from django.views.generic import DetailView, ListView

from core.bilingual import translated_order
from core.params import parse_id
from core.permissions import get_object_for_user

from .calendar import meeting_event, new_calendar
from .forms import (
    ActionItemForm,
    ActionItemStatusForm,
    AgendaItemForm,
    AttendeeForm,
    DecisionForm,
    EngagementForm,
    ExternalBodyForm,
    MeetingForm,
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
    Jurisdiction,
    Meeting,
    Priority,
)
from .permissions import (
    can_manage_meetings,
    can_update_action_item,
    can_view_meetings,
    is_portal_reader,
)
from .services import (
    action_item_save,
    action_item_set_status,
    agenda_item_save,
    attendee_save,
    decision_save,
    engagement_save,
    external_body_save,
    meeting_part_delete,
    meeting_save,
)


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
            Prefetch("memberships", queryset=_active_memberships(), to_attr="current_memberships"),
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
        by_jurisdiction = {}
        for m in memberships:
            if m.role == CouncilMembership.Role.MEMBER:
                jurisdiction = m.jurisdiction or getattr(m.user.profile, "jurisdiction", None)
                by_jurisdiction.setdefault(jurisdiction, []).append(m)
        ctx["members_by_jurisdiction"] = sorted(
            by_jurisdiction.items(), key=lambda item: (item[0] is None, str(item[0] or ""))
        )
        ctx["groups"] = (
            council.groups.current()
            .order_by(translated_order("name"))
            .only("slug", "kind", "status", "name_en", "name_fr")
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
    `save(form)` (a service), adds a message and redirects."""
    if request.method == "POST" and form.is_valid():
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


def _meeting_queryset():
    return Meeting.objects.prefetch_related(
        "councils",
        "agenda_items",
        Prefetch(
            "attendees",
            queryset=Attendee.objects.select_related("user", "user__profile__jurisdiction"),
        ),
        Prefetch("decisions", queryset=Decision.objects.select_related("agenda_item")),
        Prefetch("action_items", queryset=ActionItem.objects.select_related("owner")),
        "measures__owner",
        "measures__group_rows__group",
        "engagements__external_body",
    )


def meeting_detail(request, pk):
    meeting = get_object_for_user(_meeting_queryset(), request.user, can_view=_reader, pk=pk)
    items = list(meeting.agenda_items.all())
    return render(
        request,
        "councils/meeting_detail.html",
        {
            "meeting": meeting,
            "agenda": [i for i in items if i.kind != AgendaItem.Kind.QUESTION],
            "questions": [i for i in items if i.kind == AgendaItem.Kind.QUESTION],
            "can_manage": can_manage_meetings(request.user),
            "user_id": request.user.pk,
        },
    )


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
            meeting=f.save(commit=False), councils=f.cleaned_data["councils"], by=request.user
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
        save=lambda f: decision_save(decision=f.save(commit=False), by=request.user),
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
    nxt = request.POST.get("next", "")
    # Only a path of this site: anything else (including a bare word, which redirect() would
    # try to reverse as a URL name) goes back to the list.
    if not nxt.startswith("/") or not url_has_allowed_host_and_scheme(
        nxt, allowed_hosts={request.get_host()}
    ):
        nxt = reverse("councils:action_item_list")
    return HttpResponseRedirect(nxt)


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
