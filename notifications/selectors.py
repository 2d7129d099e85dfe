"""Reads for the inbox, the home page and the secretariat's reminder log."""

import contextlib
import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import Delivery, Notification, Reminder

# Unread entries are counted up to this many: the menu badge and the home page say "99+"
# beyond, and counting stays cheap whatever the inbox holds (issue 17).
UNREAD_CAP = 100


def unread_count(user) -> int:
    """How many entries this person has not read, up to UNREAD_CAP. Counted once per request:
    the menu badge and the home page's inbox section both show it, and `request.user` lives
    for one request (a write that changes it redirects, so no page shows a count older than
    its own request)."""
    try:
        return user._portal_unread_count
    except AttributeError:
        unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
        count = unread[:UNREAD_CAP].count()
        user._portal_unread_count = count
        return count


def remember_unread(user, rows) -> None:
    """Keep the count from the ("unread", count, "inbox") row among `rows` (0 if absent) for
    the request: `workinggroups.permissions.load_roles` reads it in the query that reads the
    person's roles, so a page pays no query of its own for the menu badge."""
    user._portal_unread_count = next((n for _, n, source in rows if source == "inbox"), 0)


def forget_unread_count(user) -> None:
    """After marking entries read: the next `unread_count(user)` counts again."""
    with contextlib.suppress(AttributeError):
        del user._portal_unread_count


def inbox(user):
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-pk")


def home_section(user):
    """For the home page: the unread count and the latest unread entries (None if nothing)."""
    latest = list(inbox(user).filter(read_at__isnull=True)[:5])
    if not latest:
        return None
    return {
        "template": "notifications/partials/home_section.html",
        "unread": len(latest) if len(latest) < 5 else unread_count(user),
        "more": len(latest) == 5 and unread_count(user) >= UNREAD_CAP,
        "at_most": UNREAD_CAP - 1,
        "latest": latest,
    }


# Read on every view of home: the inbox is not a domain of the data versions (core.cache), so
# home does not keep this section with the rest of the person's part (portal.views.home).
home_section.live = True


def sent_reminders(kind: str | None = None):
    qs = Reminder.objects.select_related("recipient", "notification").order_by("-claimed_at", "-pk")
    return qs.filter(kind=kind) if kind else qs


def upcoming(
    start: datetime.date | None = None, days: int = 30, kind: str | None = None
) -> list[dict]:
    """Reminders the rules will send from tomorrow to `days` days ahead, from each app's
    forecast (settings.PORTAL_REMINDER_FORECASTS), sorted by date."""
    start = start or timezone.localdate()
    end = start + datetime.timedelta(days=days)
    rows = []
    for path in settings.PORTAL_REMINDER_FORECASTS:
        rows += import_string(path)(start, end)
    if kind:
        rows = [r for r in rows if r["kind"] == kind]
    ids = {pk for r in rows for pk in r["recipient_ids"]}
    people = get_user_model().objects.in_bulk(ids)
    for r in rows:
        r["recipients"] = [people[pk] for pk in dict.fromkeys(r["recipient_ids"]) if pk in people]
    return sorted(rows, key=lambda r: (r["date"], r["kind"], r["subject_key"]))


def failed_messages():
    """Messages that failed for good, the latest first (the partial index reminder_failed)."""
    return (
        Reminder.objects.filter(failed_at__isnull=False, sent_at__isnull=True)
        .select_related("recipient", "notification")
        .order_by("-failed_at", "-pk")
    )


def outbox_counts() -> dict:
    """How many messages failed for good, and how many wait for another attempt: one query."""
    return Reminder.objects.filter(sent_at__isnull=True, delivery=Delivery.IMMEDIATE).aggregate(
        failed=Count("pk", filter=Q(failed_at__isnull=False)),
        retrying=Count("pk", filter=Q(failed_at__isnull=True, attempts__gt=0)),
    )
