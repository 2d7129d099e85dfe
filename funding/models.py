"""Funding requests, their review by the council co-chairs, and the members' decision.

The workflow is the `TRANSITIONS` table below; `services.funding_request_transition` is the
only code that changes `status`. Each submission stores a `Revision` snapshot of the content,
so reviewers of a resubmitted request can see what changed since the version they returned.
"""

import uuid
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from core import written
from core.bilingual import BilingualField, BilingualModel
from core.fiscal import fiscal_year_label
from core.limits import NOTE, text_field
from core.models import TimeStampedModel
from councils.models import AgendaItem, InterestDeclaration, Meeting, Priority, Vote
from workinggroups.models import Group

MIN_AMOUNT = Decimal("0.01")
# A sane ceiling: the councils fund pilots and studies, not programmes. A larger figure is
# almost certainly a typo (an extra zero) and is refused on the field.
MAX_AMOUNT = Decimal("5000000.00")
FIRST_FISCAL_YEAR = 2015
MAX_ATTACHMENTS = 10

# What the workflow writes into a status change on a person's behalf: stored as these keys,
# shown in the reader's language (core.written).
SUBMITTED_TEXT = written.register("funding.submitted", _("Submitted."))
RESUBMITTED_TEXT = written.register("funding.resubmitted", _("Resubmitted as revision %(number)s."))
FIRST_RECOMMENDATION_TEXT = written.register(
    "funding.first_recommendation", _("The first recommendation was recorded.")
)
SCHEDULED_TEXT = written.register("funding.scheduled", _("Placed on the agenda of %(meeting)s."))
DECIDED_AT_TEXT = written.register("funding.decided_at", _("At %(meeting)s."))
UNSCHEDULED_TEXT = written.register(
    "funding.unscheduled", _("Removed from the agenda of %(meeting)s.")
)
MOVED_TEXT = written.register(
    "funding.moved", _("Moved from the agenda of %(old)s to that of %(meeting)s.")
)


class Status(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("funding request status", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("funding request status", "Submitted")
    IN_REVIEW = "in_review", pgettext_lazy("funding request status", "In co-chair review")
    ENDORSED = "endorsed", pgettext_lazy("funding request status", "Endorsed by the co-chairs")
    RETURNED = "returned", pgettext_lazy("funding request status", "Returned for revision")
    DECLINED = "declined", pgettext_lazy("funding request status", "Declined by the co-chairs")
    SCHEDULED = "scheduled", pgettext_lazy("funding request status", "Scheduled for a meeting")
    APPROVED = "approved", pgettext_lazy("funding request status", "Approved by the members")
    NOT_APPROVED = (
        "not_approved",
        pgettext_lazy("funding request status", "Not approved by the members"),
    )
    DEFERRED = "deferred", pgettext_lazy("funding request status", "Deferred by the members")
    WITHDRAWN = "withdrawn", pgettext_lazy("funding request status", "Withdrawn")


class Actor(models.TextChoices):
    """Who may take a transition. `REVIEWER` transitions follow from a co-chair's
    recommendation (the endorsement rule), never from a button of their own."""

    REQUESTER = "requester", _("the requesting group's co-chairs")
    REVIEWER = "reviewer", _("the council co-chairs")
    SECRETARIAT = "secretariat", _("the secretariat")


S = Status
# from-state -> {to-state: who may take it}. Everything not listed is refused.
TRANSITIONS = {
    S.DRAFT: {S.SUBMITTED: Actor.REQUESTER, S.WITHDRAWN: Actor.REQUESTER},
    S.SUBMITTED: {S.IN_REVIEW: Actor.REVIEWER, S.WITHDRAWN: Actor.REQUESTER},
    S.IN_REVIEW: {
        S.ENDORSED: Actor.REVIEWER,
        S.RETURNED: Actor.REVIEWER,
        S.DECLINED: Actor.REVIEWER,
        S.WITHDRAWN: Actor.REQUESTER,
    },
    S.RETURNED: {S.SUBMITTED: Actor.REQUESTER, S.WITHDRAWN: Actor.REQUESTER},
    S.ENDORSED: {S.SCHEDULED: Actor.SECRETARIAT, S.WITHDRAWN: Actor.REQUESTER},
    S.SCHEDULED: {
        # Taken off the agenda: endorsed again, ready for another meeting.
        S.ENDORSED: Actor.SECRETARIAT,
        S.APPROVED: Actor.SECRETARIAT,
        S.NOT_APPROVED: Actor.SECRETARIAT,
        S.DEFERRED: Actor.SECRETARIAT,
        S.WITHDRAWN: Actor.REQUESTER,
    },
    S.DEFERRED: {S.SCHEDULED: Actor.SECRETARIAT, S.WITHDRAWN: Actor.REQUESTER},
    S.DECLINED: {},
    S.APPROVED: {},
    S.NOT_APPROVED: {},
    S.WITHDRAWN: {},
}

EDITABLE = frozenset({S.DRAFT, S.RETURNED})
UNDER_REVIEW = frozenset({S.SUBMITTED, S.IN_REVIEW})
# Members of the councils see a request once the co-chairs have endorsed it.
ENDORSED_OR_LATER = frozenset({S.ENDORSED, S.SCHEDULED, S.APPROVED, S.NOT_APPROVED, S.DEFERRED})
DECIDED = frozenset({S.APPROVED, S.NOT_APPROVED})
FINAL = frozenset(state for state, targets in TRANSITIONS.items() if not targets)


def fiscal_year_validators():
    return [MinValueValidator(FIRST_FISCAL_YEAR), MaxValueValidator(2100)]


class FundingRequest(BilingualModel, TimeStampedModel):
    group = models.ForeignKey(
        Group,
        verbose_name=_("requesting group"),
        on_delete=models.PROTECT,
        related_name="funding_requests",
    )
    title = BilingualField(_("title"))
    summary = BilingualField(_("summary"), field_class=models.TextField)
    outcomes = BilingualField(
        _("expected outcomes for citizens"), field_class=models.TextField, required=False
    )
    justification = BilingualField(_("justification"), field_class=models.TextField, required=False)
    cofunding = BilingualField(
        _("co-funding and in-kind contributions"), field_class=models.TextField, required=False
    )
    amount_requested = models.DecimalField(
        _("amount requested (CAD)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(MIN_AMOUNT), MaxValueValidator(MAX_AMOUNT)],
    )
    amount_approved = models.DecimalField(
        _("amount approved (CAD)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(MIN_AMOUNT), MaxValueValidator(MAX_AMOUNT)],
    )
    fiscal_year = models.PositiveSmallIntegerField(
        _("fiscal year"),
        validators=fiscal_year_validators(),
        help_text=_("The year the fiscal year starts: 2020 for 2020-21 (April to March)."),
    )
    priorities = models.ManyToManyField(
        Priority, verbose_name=_("priorities advanced"), related_name="funding_requests"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="funding_requests",
    )
    # The line of the meeting's agenda that carries this request (made when it is scheduled).
    agenda_item = models.OneToOneField(
        AgendaItem,
        verbose_name=_("agenda item"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="funding_request",
    )
    # The members' vote, closed with its eligible voters frozen.
    vote = models.OneToOneField(
        Vote,
        verbose_name=_("vote"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="funding_request",
    )
    interest_declarations = GenericRelation(InterestDeclaration)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("funding request", "created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("funding request", "submitted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="funding_requests_submitted",
    )
    submitted_at = models.DateTimeField(
        _("submitted"),
        null=True,
        blank=True,
        help_text=_("When the current revision was submitted: its review waits since then."),
    )
    # Content revision: 1 at the first submission, +1 at each resubmission.
    revision = models.PositiveIntegerField(_("revision"), default=0)
    # Optimistic concurrency: every change adds one; a form carries the number it was read at.
    version = models.PositiveIntegerField(pgettext_lazy("record version", "version"), default=1)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    votes_for = models.PositiveIntegerField(_("votes for"), null=True, blank=True)
    votes_against = models.PositiveIntegerField(_("votes against"), null=True, blank=True)
    votes_abstaining = models.PositiveIntegerField(_("abstentions"), null=True, blank=True)
    decision_note = text_field(_("decision note"), max_length=NOTE, blank=True)
    decision_note_lang = written.language_field()
    history = HistoricalRecords(m2m_fields=[priorities])

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("funding request")
        verbose_name_plural = _("funding requests")
        indexes = [
            models.Index(fields=["fiscal_year", "status"]),
            # The list's default order and the queue's: the first page is read off the index
            # instead of sorting every request.
            models.Index(fields=["-updated_at", "id"], name="funding_req_updated_idx"),
            models.Index(
                fields=["submitted_at", "id"],
                condition=Q(status__in=["submitted", "in_review"]),
                name="funding_req_waiting_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_requested__gt=0), name="funding_amount_requested_positive"
            ),
            models.CheckConstraint(
                condition=Q(amount_approved__isnull=True)
                | (Q(amount_approved__gt=0) & Q(amount_approved__lte=models.F("amount_requested"))),
                name="funding_amount_approved_within_requested",
            ),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(amount_approved__isnull=False),
                name="funding_approved_has_amount",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.fiscal_year_label})"

    def clean(self):
        super().clean()
        if (
            self.amount_approved is not None
            and self.amount_requested is not None
            and self.amount_approved > self.amount_requested
        ):
            raise ValidationError(
                {"amount_approved": _("The approved amount cannot exceed the amount requested.")}
            )

    @property
    def fiscal_year_label(self):
        return fiscal_year_label(self.fiscal_year)

    @property
    def is_editable(self):
        return self.status in EDITABLE

    @property
    def is_final(self):
        return self.status in FINAL

    def content_snapshot(self, priorities=None, attachments=None):
        """The content a reviewer reads, as plain data (stored per revision)."""
        if priorities is None:
            priorities = list(self.priorities.all())
        if attachments is None:
            attachments = list(self.attachments.all())
        data = {
            f"{name}_{lang}": getattr(self, f"{name}_{lang}")
            for name in ("title", "summary", "outcomes", "justification", "cofunding")
            for lang in ("en", "fr")
        }
        data["amount_requested"] = str(self.amount_requested)
        data["fiscal_year"] = self.fiscal_year
        data["priorities"] = sorted(p.pk for p in priorities)
        data["attachments"] = sorted(a.original_name for a in attachments)
        return data


class Revision(models.Model):
    """What a submission contained, kept as it was (the request itself moves on)."""

    request = models.ForeignKey(
        FundingRequest,
        verbose_name=_("funding request"),
        on_delete=models.CASCADE,
        related_name="revisions",
    )
    number = models.PositiveIntegerField(_("revision"))
    content = models.JSONField(_("content"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("funding request", "submitted by"),
        on_delete=models.PROTECT,
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)

    class Meta:
        ordering = ["request", "number"]
        verbose_name = _("submitted revision")
        verbose_name_plural = _("submitted revisions")
        constraints = [
            models.UniqueConstraint(fields=["request", "number"], name="funding_revision_unique")
        ]

    def __str__(self):
        return f"{self.request_id} r{self.number}"


class StatusChange(models.Model):
    """One row per transition: who, when, why (healthchecks' Flip)."""

    request = models.ForeignKey(
        FundingRequest,
        verbose_name=_("funding request"),
        on_delete=models.CASCADE,
        related_name="status_changes",
    )
    old_status = models.CharField(_("from"), max_length=20, choices=Status.choices)
    new_status = models.CharField(_("to"), max_length=20, choices=Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    # The typed reason (in reason_lang) and, before it, what the workflow said (a key).
    reason = text_field(_("reason"), max_length=NOTE, blank=True)
    reason_lang = written.language_field()
    reason_key = models.CharField(_("system text"), max_length=60, blank=True, default="")
    reason_params = models.JSONField(_("system text values"), default=dict, blank=True)
    revision = models.PositiveIntegerField(_("revision"), default=0)

    class Meta:
        ordering = ["request", "at", "pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self):
        return f"{self.request_id}: {self.old_status} → {self.new_status}"


class Recommendation(models.Model):
    """A council co-chair's recommendation on one revision of a request."""

    class Decision(models.TextChoices):
        ENDORSE = "endorse", pgettext_lazy("recommendation", "Endorse")
        RETURN = "return", pgettext_lazy("recommendation", "Return for revision")
        DECLINE = "decline", pgettext_lazy("recommendation", "Decline")

    request = models.ForeignKey(
        FundingRequest,
        verbose_name=_("funding request"),
        on_delete=models.CASCADE,
        related_name="recommendations",
    )
    revision = models.PositiveIntegerField(_("revision"))
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("co-chair"),
        on_delete=models.PROTECT,
        related_name="funding_recommendations",
    )
    decision = models.CharField(_("recommendation"), max_length=10, choices=Decision.choices)
    comment = text_field(_("comment"), max_length=NOTE, blank=True)
    comment_lang = written.language_field()
    created_at = models.DateTimeField(
        pgettext_lazy("recommendation", "recorded"), default=timezone.now
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["request", "revision", "created_at", "pk"]
        verbose_name = _("co-chair recommendation")
        verbose_name_plural = _("co-chair recommendations")
        constraints = [
            models.UniqueConstraint(
                fields=["request", "revision", "reviewer"], name="funding_one_recommendation"
            )
        ]

    def __str__(self):
        return f"{self.reviewer} — {self.get_decision_display()}"

    def clean(self):
        needs_comment = self.decision in (self.Decision.RETURN, self.Decision.DECLINE)
        if needs_comment and not (self.comment or "").strip():
            raise ValidationError(
                {"comment": _("Explain to the requesters why: your comment is sent to them.")}
            )


def attachment_path(instance, filename):
    """A name the uploader does not choose: no path tricks, no clashes, no guessing."""
    suffix = PurePath(filename).suffix.lower()
    return f"funding/{instance.request_id}/{uuid.uuid4().hex}{suffix}"


def clean_original_name(name: str) -> str:
    """The uploader's file name, reduced to a safe base name for display and download."""
    base = PurePath((name or "").replace("\\", "/")).name
    base = "".join(ch for ch in base if ch.isprintable())
    try:
        safe = get_valid_filename(base)
    except SuspiciousFileOperation:
        safe = ""
    safe = safe.lstrip(".")[:150]
    return safe or "attachment"


class Attachment(models.Model):
    class Kind(models.TextChoices):
        PDF = "pdf", "PDF"
        OOXML = "ooxml", _("Office document")
        ODF = "odf", _("OpenDocument")
        OLE = "ole", _("Legacy Office document")

    request = models.ForeignKey(
        FundingRequest,
        verbose_name=_("funding request"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=160)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    content_type = models.CharField(_("content type"), max_length=120)
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["request", "uploaded_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.original_name


def package_path(instance, filename):
    """Like an attachment's: a name nobody chooses, under the meeting's folder."""
    return f"packages/{instance.meeting_id}/{uuid.uuid4().hex}.pdf"


class MeetingPackage(models.Model):
    """One published version of a meeting's package (its board book): one PDF per language,
    made by a worker from the portal's own templates after the publishing request commits.

    Republishing adds a version; earlier versions stay, downloadable, as they were sent."""

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("meeting package status", "Being prepared")
        READY = "ready", pgettext_lazy("meeting package status", "Ready")
        FAILED = "failed", pgettext_lazy("meeting package status", "Could not be made")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.PROTECT, related_name="packages"
    )
    version = models.PositiveSmallIntegerField(pgettext_lazy("record version", "version"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    # Why it could not be made, in English for the operators (the page says it in words).
    failure = models.CharField(_("problem"), max_length=500, blank=True)
    file_en = models.FileField(_("PDF in English"), upload_to=package_path, max_length=200)
    file_fr = models.FileField(_("PDF in French"), upload_to=package_path, max_length=200)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    ready_at = models.DateTimeField(_("ready"), null=True, blank=True)

    class Meta:
        ordering = ["meeting", "-version"]
        verbose_name = _("meeting package")
        verbose_name_plural = _("meeting packages")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "version"], name="funding_one_package_version"
            )
        ]
        indexes = [models.Index(fields=["status", "published_at"])]

    def __str__(self):
        return f"{self.meeting} — v{self.version}"

    def file_for(self, language):
        return self.file_fr if language == "fr" else self.file_en

    @property
    def is_ready(self):
        return self.status == self.Status.READY


class FundingSummary(models.Model):
    """The counted requests added up per (councils of their group, priority, fiscal year,
    status): kept by PostgreSQL triggers in the same transaction as every change, read by the
    funding overview and the dashboard instead of the requests. See `funding.summary`."""

    # The councils the requests' group reports to, as ",1,3," (",": none).
    councils = models.CharField(max_length=255)
    # 0: every request once; otherwise a priority they advance (once under each).
    priority_key = models.BigIntegerField()
    fiscal_year = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=20, choices=Status.choices)
    count = models.IntegerField(default=0)
    requested = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    approved = models.DecimalField(max_digits=18, decimal_places=2, default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["councils", "priority_key", "fiscal_year", "status"],
                name="funding_summary_key",
            )
        ]

    def __str__(self):
        return f"{self.councils} {self.priority_key} {self.fiscal_year} {self.status}"
