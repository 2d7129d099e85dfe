"""The funding workflow's notices: their kinds (registered with the reminders' kinds, so they
travel through the same outbox) and the snapshot of what each says.

A notice is written when the change happens and e-mailed later by a worker, perhaps after
retries: it must say what was true at the change, not what the request has become since. So
its context is a snapshot (plain values, each text in both languages), and the e-mail
templates read the snapshot with the model's attribute names.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notifications import kinds
from notifications.services import bilingual, in_both_languages, url_for

from .models import Status

SUBMITTED = "funding_submitted"
ENDORSED = "funding_endorsed"
RETURNED = "funding_returned"
DECLINED = "funding_declined"
SCHEDULED = "funding_scheduled"
DECISION = "funding_decision"
STATUS = "funding_status"  # inbox only: the requesters' record of their request's new status

KINDS = (
    kinds.ReminderKind(
        SUBMITTED,
        _("Funding request for your review"),
        essential=True,
        template="funding-submitted",
    ),
    kinds.ReminderKind(
        ENDORSED, _("Funding request endorsed"), essential=True, template="funding-endorsed"
    ),
    kinds.ReminderKind(
        RETURNED,
        _("Funding request returned for revision"),
        essential=True,
        template="funding-returned",
    ),
    kinds.ReminderKind(
        DECLINED, _("Funding request declined"), essential=True, template="funding-declined"
    ),
    kinds.ReminderKind(
        SCHEDULED,
        _("Funding request on a meeting's agenda"),
        essential=True,
        template="funding-scheduled",
    ),
    kinds.ReminderKind(
        DECISION,
        _("Members' decision on a funding request"),
        essential=True,
        template="funding-decision",
    ),
    kinds.ReminderKind(
        STATUS, _("Funding request status"), essential=True, template="funding-status"
    ),
)


def register():
    for kind in KINDS:
        kinds.register(kind)


def _amount(value):
    return None if value is None else str(value)


def context(funding_request, *, recommendation=None, meeting=None, resubmission=False) -> dict:
    """What a notice about `funding_request` says, as it is now (JSON-ready)."""
    r = funding_request
    snapshot = {
        "funding_request": {
            "pk": r.pk,
            "title": bilingual(r, "title"),
            "group": {"name": bilingual(r.group, "name")},
            "amount_requested": _amount(r.amount_requested),
            "amount_approved": _amount(r.amount_approved),
            "fiscal_year": r.fiscal_year,
            "status": r.status,
            "status_label": in_both_languages(Status(r.status).label),
            "votes_for": r.votes_for,
            "votes_against": r.votes_against,
            "votes_abstaining": r.votes_abstaining,
            "decision_note": r.decision_note or "",
        },
        "resubmission": resubmission,
        "url": url_for("funding:request_detail", r.pk),
    }
    if recommendation is not None:
        reviewer = recommendation.reviewer
        snapshot["recommendation"] = {
            "reviewer_name": reviewer.get_full_name() or reviewer.username,
            "comment": recommendation.comment,
        }
    if meeting is not None:
        snapshot["meeting"] = {
            "title": bilingual(meeting, "title"),
            "starts_date": timezone.localdate(meeting.starts_at).isoformat(),
        }
    return snapshot
