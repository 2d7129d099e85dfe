"""Notices about meetings, for the councils app below (which may not import this one): the
meeting services call them through a setting (`PORTAL_MINUTES_CIRCULATED_NOTICE`)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import kinds
from .services import bilingual, due, remind

MINUTES_CIRCULATED = "minutes_circulated"

kinds.register(
    kinds.ReminderKind(
        MINUTES_CIRCULATED,
        _("Draft minutes circulated for approval"),
        essential=True,
        template="minutes-circulated",
    )
)


def _meeting(meeting):
    return {
        "pk": meeting.pk,
        "title": bilingual(meeting, "title"),
        "starts_date": timezone.localdate(meeting.starts_at).isoformat(),
    }


def minutes_circulated(*, meeting, approving_meeting, recipient_ids):
    """Tell the meeting's attendees (a row in the outbox and the inbox each, written in the
    caller's transaction) that its draft minutes are on `approving_meeting`'s agenda."""
    context = {"meeting": _meeting(meeting), "approving": _meeting(approving_meeting)}
    today = timezone.localdate()
    return remind(
        due(pk, MINUTES_CIRCULATED, meeting, today, context) for pk in sorted(set(recipient_ids))
    )
