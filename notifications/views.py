from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import dateformat, formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from core.bilingual import current_language
from core.params import safe_next
from core.paths import localized_url
from core.templatetags.portal import bi
from councils.permissions import is_secretariat

from . import selectors, services, sweeps
from .forms import PreferenceForm, ReminderLogFilter
from .models import Notification, Reminder


def _page(request, items):
    paginator = Paginator(items, settings.PORTAL_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return {
        "page_obj": page,
        "paginator": paginator,
        "is_paginated": page.has_other_pages(),
        "page_range": paginator.get_elided_page_range(page.number),
    }


def inbox(request):
    ctx = _page(request, selectors.inbox(request.user))
    ctx["is_secretariat"] = is_secretariat(request.user)
    # What each row shows, worked out here once per row with the language read once: the
    # template looked up the language, the formats and the translations field by field (issue
    # 17: the rows' template work was most of the page, 3.2-3.6x the empty page at scale
    # 1,000). The "mark as read" address comes from one reverse(), not 25.
    rows = list(ctx["page_obj"].object_list)
    if rows:
        marker = 999_999_999
        pattern = reverse("notifications:mark_read", args=[marker])
        language = current_language()
        for row in rows:
            row.mark_read_url = pattern.replace(str(marker), str(row.pk))
            row.shown_text = bi(row.text)
            row.href = localized_url(row.link, language) if row.link else ""
            created = timezone.localtime(row.created_at)
            row.created_iso = dateformat.format(created, "c")
            row.created_shown = formats.date_format(created, "SHORT_DATETIME_FORMAT")
    ctx["rows"] = rows
    return render(request, "notifications/inbox.html", ctx)


def _back_to_inbox(request):
    # A path of this site only (core.params.safe_next): redirect() would take a bare word for
    # a URL name (a 500), and a sign-in page would send a signed-in person round in circles.
    target = safe_next(request, request.POST.get("next", ""))
    if not target:
        return redirect("notifications:inbox")
    return HttpResponseRedirect(target)


@require_POST
def mark_read(request, pk):
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    services.notification_mark_read(user=request.user, notification=notification)
    return _back_to_inbox(request)


@require_POST
def mark_all_read(request):
    count = services.notifications_mark_all_read(user=request.user)
    message = ngettext(
        "Marked %(count)d notification as read.", "Marked %(count)d notifications as read.", count
    )
    messages.success(request, message % {"count": count})
    return _back_to_inbox(request)


def preferences(request):
    current = services.preference_for(request.user)
    form = PreferenceForm(
        request.POST or None,
        initial={"delivery": current.delivery, "muted_kinds": current.muted_kinds},
    )
    if request.method == "POST" and form.is_valid():
        services.preference_update(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your reminder preferences are saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})


def _secretariat_only(user):
    if not is_secretariat(user):
        raise PermissionDenied


def reminder_log(request):
    """For the secretariat: how messages are moving (the workers, the schedules: what /healthz
    reads), reminders claimed and sent, and those the rules will send soon."""
    _secretariat_only(request.user)
    form = ReminderLogFilter(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    show = data.get("show") or "sent"
    kind = data.get("kind") or None
    items = selectors.upcoming(kind=kind) if show == "upcoming" else selectors.sent_reminders(kind)
    ctx = {
        "form": form,
        "show": show,
        "facts": sweeps.facts(),
        "outbox": selectors.outbox_counts(),
        **_page(request, items),
    }
    return render(request, "notifications/reminder_log.html", ctx)


def failed_messages(request):
    """For the secretariat: messages that failed for good, with the reason, to send again."""
    _secretariat_only(request.user)
    ctx = {
        "outbox": selectors.outbox_counts(),
        "max_attempts": settings.PORTAL_REMINDER_MAX_ATTEMPTS,
        **_page(request, selectors.failed_messages()),
    }
    return render(request, "notifications/failed_messages.html", ctx)


@require_POST
def resend(request, pk):
    _secretariat_only(request.user)
    reminder = get_object_or_404(Reminder, pk=pk)
    if services.reminder_resend(reminder=reminder, by=request.user):
        messages.success(
            request,
            _("The message to %(name)s will be sent again in a moment.")
            % {"name": reminder.recipient.get_full_name() or reminder.recipient.username},
        )
    else:
        messages.info(request, _("This message is no longer waiting: it was sent meanwhile."))
    return redirect("notifications:failed_messages")
