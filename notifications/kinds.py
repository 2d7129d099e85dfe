"""What can be reminded: each kind has a label, a flag saying whether a person may opt out of
it, and the e-mail template triple it is sent with.

Kinds are codes (strings) on the Reminder row rather than model choices, so an app higher in
the import order can add one without a migration here: `register(ReminderKind(...))` in its
AppConfig.ready(). The kinds below are the ones the portal knows today, including the two the
funding and meetings apps will fill (`funding_review`, `action_item`) with the generic template.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class ReminderKind:
    code: str
    label: str
    # Essential kinds cannot be muted and are e-mailed at once even to digest readers.
    essential: bool = False
    # The e-mail triple emails/<template>-subject.txt, -body.txt, -body.html.
    template: str = "reminder_generic"
    # False for account e-mails (an invitation, a password reset): no inbox entry, the person
    # may not be able to sign in yet.
    inbox: bool = True
    # Called by the worker at send time, in the transaction that holds the row, with the
    # Reminder: returns what the e-mail adds to its context (e.g. a single-use link minted now,
    # so the secret is never stored), or a `Skip` when the message is no longer wanted.
    prepare: Callable | None = None


class Skip(str):
    """What `ReminderKind.prepare` returns for a message no longer wanted (the invitation was
    used or replaced meanwhile): the reason, recorded on the row, which counts as done."""


DEADLINE_30 = "deadline_30"
DEADLINE_7 = "deadline_7"
DEADLINE_1 = "deadline_1"
OVERDUE = "overdue"
WORKPLAN_NOT_SUBMITTED = "workplan_not_submitted"
DISSOLUTION_REVIEW = "dissolution_review"
USEFULNESS_REVIEW = "usefulness_review"
LIAISON_GAP = "liaison_gap"
FUNDING_REVIEW = "funding_review"
ACTION_ITEM = "action_item"
PROGRESS_REPORT_DUE = "progress_report_due"
PROGRESS_REPORT_OVERDUE = "progress_report_overdue"
TERM_ENDING = "term_ending"
DIGEST = "digest"

_REGISTRY: dict[str, ReminderKind] = {}


def register(kind: ReminderKind) -> ReminderKind:
    _REGISTRY[kind.code] = kind
    return kind


def get(code: str) -> ReminderKind:
    """The kind for a code; an unknown code (a kind since removed) gets the generic template."""
    return _REGISTRY.get(code) or ReminderKind(code=code, label=code)


def all_kinds() -> list[ReminderKind]:
    return list(_REGISTRY.values())


def choices() -> list[tuple[str, str]]:
    return [(k.code, k.label) for k in _REGISTRY.values()]


def optional_choices() -> list[tuple[str, str]]:
    """The kinds a person may opt out of."""
    return [(k.code, k.label) for k in _REGISTRY.values() if not k.essential]


for _kind in (
    ReminderKind(DEADLINE_30, _("Deadline within 30 days"), template="reminder_deadline"),
    ReminderKind(DEADLINE_7, _("Deadline within 7 days"), template="reminder_deadline"),
    ReminderKind(DEADLINE_1, _("Deadline today or tomorrow"), template="reminder_deadline"),
    ReminderKind(OVERDUE, _("Deadline missed"), essential=True, template="reminder_overdue"),
    ReminderKind(
        WORKPLAN_NOT_SUBMITTED,
        _("Workplan not submitted"),
        essential=True,
        template="reminder_workplan",
    ),
    ReminderKind(
        DISSOLUTION_REVIEW, _("Dissolution review due"), template="reminder_dissolution_review"
    ),
    ReminderKind(
        USEFULNESS_REVIEW, _("Usefulness review due"), template="reminder_usefulness_review"
    ),
    ReminderKind(LIAISON_GAP, _("Liaison gap"), template="reminder_liaison_gap"),
    ReminderKind(FUNDING_REVIEW, _("Funding request waiting on your review")),
    ReminderKind(ACTION_ITEM, _("Action item due")),
    ReminderKind(
        PROGRESS_REPORT_DUE, _("Progress report due soon"), template="reminder_progress_report"
    ),
    ReminderKind(
        PROGRESS_REPORT_OVERDUE,
        _("Progress report overdue"),
        essential=True,
        template="reminder_progress_report",
    ),
    ReminderKind(TERM_ENDING, _("Term ending within 30 days"), template="reminder_term_ending"),
    ReminderKind(DIGEST, _("Weekly digest"), template="digest"),
):
    register(_kind)
