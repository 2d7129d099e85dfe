from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from core import written
from core.bilingual import BilingualField, BilingualModel
from core.limits import NOTE, text_field
from core.models import stamp_completion
from councils.models import (
    Council,
    DatedMembershipQuerySet,
    Decision,
    Meeting,
    Priority,
    person_name,
)


class GroupQuerySet(models.QuerySet):
    def current(self):
        """Groups still at work: not dissolved, not retired."""
        return self.exclude(status__in=[Group.Status.DISSOLVED, Group.Status.RETIRED])


class Group(BilingualModel):
    """A working group, a community of practice or a sub-committee of the joint councils.

    A working group converted to a community of practice stays the same row: its kind changes
    and its history (simple-history, status changes) keeps the past.
    """

    class Kind(models.TextChoices):
        WORKING_GROUP = "wg", _("Working group")
        COMMUNITY_OF_PRACTICE = "cop", _("Community of practice")
        SUB_COMMITTEE = "sub", _("Sub-committee")

    class Status(models.TextChoices):
        PROPOSED = "proposed", pgettext_lazy("group status", "Proposed")
        ACTIVE = "active", pgettext_lazy("group status", "Active")
        WINDING_DOWN = "winding_down", pgettext_lazy("group status", "Winding down")
        DISSOLVED = "dissolved", pgettext_lazy("group status", "Dissolved")
        RETIRED = "retired", pgettext_lazy("group status", "Retired")

    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=3, choices=Kind.choices)
    name = BilingualField(_("name"))
    mandate = BilingualField(_("mandate"), field_class=models.TextField, required=False)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent group"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    councils = models.ManyToManyField(
        Council, verbose_name=_("reports to"), related_name="groups", blank=True
    )
    priorities = models.ManyToManyField(
        Priority, verbose_name=_("priorities served"), related_name="groups", blank=True
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    next_review_date = models.DateField(_("next review"), null=True, blank=True)
    # The co-chairs' check-ins that go over this group's status (set from the meeting form;
    # the meeting reads them back as `meeting.check_in_groups`).
    check_ins = models.ManyToManyField(
        "councils.Meeting",
        verbose_name=_("co-chairs' check-ins"),
        related_name="check_in_groups",
        blank=True,
        limit_choices_to={"kind": "check_in"},
    )
    # Counts the edits made in the portal: an edit made from a page that showed an older
    # revision is refused, so two people editing the group at once cannot both win.
    revision = models.PositiveIntegerField(_("revision"), default=0, editable=False)
    history = HistoricalRecords(m2m_fields=[councils, priorities])

    objects = GroupQuerySet.as_manager()

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        # The groups list is sorted on the name the reader sees (translated_order): one
        # expression index per language, so its first page is read off an index instead of
        # sorting every group (issue 17: 26 ms against 0.3 ms at scale 1,000).
        indexes = [
            models.Index(
                Coalesce(NullIf(F(f"name_{lang}"), Value("")), F(f"name_{other}")),
                F("id"),
                name=f"group_display_name_{lang}",
            )
            for lang, other in (("en", "fr"), ("fr", "en"))
        ] + [
            # The group-health page lists each rule's first rows by group name: walked off this
            # index, the first 50 overdue objectives of 27,677 take 0.3 ms instead of a 39 ms
            # sort (issue 17, scale 100).
            models.Index(fields=["name_en", "id"], name="group_name_en"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="group_dates_ordered",
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("The end date cannot be before the start date.")
        if self.kind == self.Kind.COMMUNITY_OF_PRACTICE and self.end_date:
            errors["end_date"] = _(
                "A community of practice has no end date: it continues while its members find "
                "it useful."
            )
        if self.parent_id and self.parent_id == self.pk:
            errors["parent"] = _("A group cannot be its own parent.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_working_group(self):
        return self.kind == self.Kind.WORKING_GROUP


class MandateVersion(BilingualModel):
    """One version of a group's mandate (its terms of reference): the text in both languages,
    who made it, when and why. The group's own `mandate` is the text of its latest version.

    Versions are written by `mandates.record_version` (the group services), and, for a
    mandate changed anywhere else (the admin, a script), by a post_save safety net, so every
    change of the text is a version. Versions are never edited or deleted."""

    class Origin(models.TextChoices):
        CREATED = "created", _("Mandate set when the group was created")
        EDITED = "edited", _("Mandate changed")
        RECORDED = "recorded", _("Mandate as recorded when versions began to be kept")
        OUTSIDE = "outside", _("Mandate changed outside the portal's pages")

    group = models.ForeignKey(
        Group, verbose_name=_("group"), on_delete=models.PROTECT, related_name="mandate_versions"
    )
    number = models.PositiveIntegerField(_("version"))
    mandate = BilingualField(_("mandate"), field_class=models.TextField, required=False)
    origin = models.CharField(
        _("origin"), max_length=20, choices=Origin.choices, default=Origin.EDITED
    )
    # What the person wrote: required for a change made in the portal.
    reason = text_field(_("reason for the change"), max_length=NOTE, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["group", "-number"]
        verbose_name = _("mandate version")
        verbose_name_plural = _("mandate versions")
        constraints = [
            models.UniqueConstraint(fields=["group", "number"], name="mandate_version_unique")
        ]

    def __str__(self):
        return f"{self.group} — v{self.number}"


class GroupMembership(models.Model):
    class Role(models.TextChoices):
        CO_CHAIR = "co_chair", _("Co-chair")
        MEMBER = "member", _("Member")
        REPRESENTATIVE = "representative", _("Council representative")

    group = models.ForeignKey(
        Group, verbose_name=_("group"), on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="group_memberships",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    council = models.ForeignKey(
        Council,
        verbose_name=_("represents the group on"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="group_representatives",
        help_text=_("For a council representative: the council they sit on for the group."),
    )
    start_date = models.DateField(_("start date"), default=timezone.localdate)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    # Counts the changes made in the portal (edit, end): a change made from a page that showed
    # an older revision is refused.
    revision = models.PositiveIntegerField(_("revision"), default=0, editable=False)
    # Why the latest change was made (required when it opened a liaison gap); each historical
    # row keeps the reason of its own change, with who and when.
    change_reason = text_field(_("reason for the change"), max_length=NOTE, blank=True)
    history = HistoricalRecords()

    objects = DatedMembershipQuerySet.as_manager()

    class Meta:
        ordering = ["group", "role", "user__last_name"]
        verbose_name = _("group membership")
        verbose_name_plural = _("group memberships")
        indexes = [models.Index(fields=["end_date"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(role="representative") | Q(council__isnull=False),
                name="group_representative_has_council",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="group_membership_dates_ordered",
            ),
        ]

    def __str__(self):
        return f"{person_name(self.user)} — {self.get_role_display()} ({self.group})"

    def clean(self):
        errors = {}
        if self.role == self.Role.REPRESENTATIVE and not self.council_id:
            errors["council"] = _("Choose the council this representative sits on.")
        if self.end_date and self.start_date and self.end_date < self.start_date:
            errors["end_date"] = _("The end date cannot be before the start date.")
        if errors:
            raise ValidationError(errors)


class ObjectiveQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status__in=[Objective.Status.DONE, Objective.Status.CANCELLED])

    def overdue(self, day=None):
        return self.open().filter(due_date__lt=day or timezone.localdate())


class Objective(BilingualModel):
    """An objective or deliverable of a group, with its deadline and the priority it serves."""

    class Kind(models.TextChoices):
        OBJECTIVE = "objective", _("Objective")
        DELIVERABLE = "deliverable", _("Deliverable")

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", pgettext_lazy("objective status", "Not started")
        ON_TRACK = "on_track", pgettext_lazy("objective status", "On track")
        AT_RISK = "at_risk", pgettext_lazy("objective status", "At risk")
        DONE = "done", pgettext_lazy("objective status", "Done")
        CANCELLED = "cancelled", pgettext_lazy("objective status", "Cancelled")

    group = models.ForeignKey(
        Group, verbose_name=_("group"), on_delete=models.CASCADE, related_name="objectives"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OBJECTIVE)
    title = BilingualField(_("title"), max_length=300)
    description = BilingualField(_("description"), field_class=models.TextField, required=False)
    priority = models.ForeignKey(
        Priority,
        verbose_name=_("priority"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="objectives",
    )
    due_date = models.DateField(_("deadline"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NOT_STARTED
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    # The deadline first agreed, kept when the deadline moves ("re-baselined"); empty while
    # the deadline has never moved.
    original_due_date = models.DateField(_("original deadline"), null=True, blank=True)
    # Counts the updates made in the portal: an update made from a page that showed an older
    # revision is refused, so two co-chairs acting at once cannot both win.
    revision = models.PositiveIntegerField(_("revision"), default=0, editable=False)
    history = HistoricalRecords()

    objects = ObjectiveQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("objective or deliverable")
        verbose_name_plural = _("objectives and deliverables")
        indexes = [
            models.Index(fields=["status", "due_date"]),
            # A group's open objectives by deadline: the group-health rules read them group
            # by group, in the groups' name order, and stop at the first 50.
            models.Index(
                fields=["group", "due_date"],
                condition=~Q(status__in=["done", "cancelled"]),  # Status.DONE, CANCELLED
                name="objective_open_by_group",
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        stamp_completion(self, self.Status.DONE)

    @property
    def is_rebaselined(self):
        return self.original_due_date is not None and self.original_due_date != self.due_date

    @property
    def is_overdue(self):
        return (
            self.due_date is not None
            and self.status not in (self.Status.DONE, self.Status.CANCELLED)
            and self.due_date < timezone.localdate()
        )


class ObjectiveUpdate(BilingualModel):
    """One dated update of an objective by a group co-chair or the secretariat: what it was,
    what it became (status, completion date, deadline), a note and evidence. Written only by
    `services.objective_update`; together they are the objective's timeline."""

    objective = models.ForeignKey(
        Objective, verbose_name=_("objective"), on_delete=models.CASCADE, related_name="updates"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    old_status = models.CharField(_("old status"), max_length=20, choices=Objective.Status.choices)
    new_status = models.CharField(_("new status"), max_length=20, choices=Objective.Status.choices)
    old_completed_on = models.DateField(_("old completion date"), null=True, blank=True)
    new_completed_on = models.DateField(_("completion date"), null=True, blank=True)
    old_due_date = models.DateField(_("old deadline"), null=True, blank=True)
    new_due_date = models.DateField(_("deadline"), null=True, blank=True)
    due_date_reason = text_field(_("reason for the new deadline"), max_length=NOTE, blank=True)
    due_date_reason_lang = written.language_field()
    note = BilingualField(_("progress note"), field_class=models.TextField, required=False)
    evidence_url = models.URLField(_("evidence link"), max_length=500, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("objective update")
        verbose_name_plural = _("objective updates")
        indexes = [models.Index(fields=["objective", "-at"])]

    def __str__(self):
        return f"{self.objective}: {self.at:%Y-%m-%d}"

    @property
    def status_changed(self):
        return self.old_status != self.new_status

    @property
    def due_date_changed(self):
        return self.old_due_date != self.new_due_date

    @property
    def completion_changed(self):
        return self.old_completed_on != self.new_completed_on


class ProgressReport(BilingualModel):
    """A group's progress report for one reporting period (settings.PORTAL_REPORTING_PERIOD_
    MONTHS, aligned with the April–March fiscal year). A co-chair drafts it and confirms each
    open objective; submitting freezes `snapshot`, the objectives as they stood; the
    secretariat acknowledges it or returns it with a comment (then it can be submitted again).
    """

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("progress report", "Draft")
        SUBMITTED = "submitted", pgettext_lazy("progress report", "Submitted")
        ACKNOWLEDGED = "acknowledged", pgettext_lazy("progress report", "Acknowledged")
        RETURNED = "returned", pgettext_lazy("progress report", "Returned with a comment")

    FILED = (Status.SUBMITTED, Status.ACKNOWLEDGED)

    group = models.ForeignKey(
        Group, verbose_name=_("group"), on_delete=models.PROTECT, related_name="progress_reports"
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    narrative = BilingualField(_("narrative"), field_class=models.TextField, required=False)
    # Ids of the open objectives the co-chair confirmed (kept across drafts).
    confirmed = models.JSONField(_("confirmed objectives"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    snapshot = models.JSONField(_("objectives as submitted"), default=list, blank=True)
    revision = models.PositiveIntegerField(_("revision"), default=0, editable=False)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    review_comment = text_field(_("secretariat's comment"), max_length=NOTE, blank=True)
    review_comment_lang = written.language_field()
    history = HistoricalRecords()

    class Meta:
        ordering = ["group", "-period_start"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        constraints = [
            models.UniqueConstraint(
                fields=["group", "period_start"], name="progress_report_once_a_period"
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="progress_report_period_ordered",
            ),
        ]
        indexes = [models.Index(fields=["status", "group", "-submitted_at"])]

    def __str__(self):
        return f"{self.group} — {self.period_start:%Y-%m-%d}"

    @property
    def is_filed(self):
        return self.status in self.FILED


class ProgressReportStatusChange(models.Model):
    """One step of a progress report's workflow: old and new status, who, when, comment."""

    report = models.ForeignKey(
        ProgressReport,
        verbose_name=_("progress report"),
        on_delete=models.CASCADE,
        related_name="status_changes",
    )
    old_status = models.CharField(
        _("old status"), max_length=20, choices=ProgressReport.Status.choices
    )
    new_status = models.CharField(
        _("new status"), max_length=20, choices=ProgressReport.Status.choices
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    comment = text_field(_("comment"), max_length=NOTE, blank=True)
    comment_lang = written.language_field()

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("progress report status change")
        verbose_name_plural = _("progress report status changes")

    def __str__(self):
        return f"{self.report}: {self.old_status} → {self.new_status}"


class Workplan(BilingualModel):
    """A group's workplan for a period: its objectives and deliverables with deadlines.

    Each submission is a new version (a new row); accepted workplans feed the strategic plan.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("workplan status", "Draft")
        SUBMITTED = "submitted", pgettext_lazy("workplan status", "Submitted")
        ACCEPTED = "accepted", pgettext_lazy("workplan status", "Accepted")
        RETURNED = "returned", pgettext_lazy("workplan status", "Returned with comments")
        SUPERSEDED = "superseded", pgettext_lazy("workplan status", "Superseded")

    group = models.ForeignKey(
        Group, verbose_name=_("group"), on_delete=models.PROTECT, related_name="workplans"
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    due_date = models.DateField(
        _("due date"),
        null=True,
        blank=True,
        help_text=_("When the secretariat expects this workplan to be submitted."),
    )
    summary = BilingualField(_("summary"), field_class=models.TextField, required=False)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    review_comment = text_field(_("review comments"), max_length=NOTE, blank=True)
    review_comment_lang = written.language_field()
    history = HistoricalRecords()

    class Meta:
        ordering = ["group", "-version"]
        verbose_name = _("workplan")
        verbose_name_plural = _("workplans")
        constraints = [
            models.UniqueConstraint(fields=["group", "version"], name="workplan_version_unique"),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="workplan_period_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.group} — v{self.version}"

    def clean(self):
        super().clean()
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": _("The period cannot end before it starts.")})


class WorkplanItem(BilingualModel):
    """One objective or deliverable as a workplan version states it (a snapshot), linked to
    the live objective it describes so the strategic plan can trace and follow it."""

    workplan = models.ForeignKey(
        Workplan, verbose_name=_("workplan"), on_delete=models.CASCADE, related_name="items"
    )
    objective = models.ForeignKey(
        Objective,
        verbose_name=_("objective"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="workplan_items",
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=Objective.Kind.choices, default=Objective.Kind.OBJECTIVE
    )
    title = BilingualField(_("title"), max_length=300)
    priority = models.ForeignKey(
        Priority,
        verbose_name=_("priority"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="workplan_items",
    )
    due_date = models.DateField(_("deadline"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["workplan", "due_date", "pk"]
        verbose_name = _("workplan item")
        verbose_name_plural = _("workplan items")

    def __str__(self):
        return self.title


class GroupStatusChange(models.Model):
    """One lifecycle transition of a group: the status (and kind, for a conversion) before and
    after, who took it, when and why. Written only by `services.group_transition`."""

    group = models.ForeignKey(
        Group, verbose_name=_("group"), on_delete=models.CASCADE, related_name="status_changes"
    )
    old_status = models.CharField(_("old status"), max_length=20, choices=Group.Status.choices)
    new_status = models.CharField(_("new status"), max_length=20, choices=Group.Status.choices)
    old_kind = models.CharField(_("old kind"), max_length=3, choices=Group.Kind.choices)
    new_kind = models.CharField(_("new kind"), max_length=3, choices=Group.Kind.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    reason = text_field(_("reason"), max_length=NOTE)
    reason_lang = written.language_field()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("group status change")
        verbose_name_plural = _("group status changes")

    def __str__(self):
        return f"{self.group}: {self.old_status} → {self.new_status}"

    @property
    def is_conversion(self):
        return self.old_kind != self.new_kind


class MandateReview(BilingualModel):
    """A dated review of a group: its mandate against the councils' priorities, or for a
    community of practice, whether it is still useful to its members."""

    class Kind(models.TextChoices):
        MANDATE = "mandate", _("Mandate review")
        USEFULNESS = "usefulness", _("Usefulness review")

    class Outcome(models.TextChoices):
        ALIGNED = "aligned", _("Aligned with the priorities")
        REVISE_MANDATE = "revise_mandate", _("Revise the mandate")
        CONVERT_TO_COP = "convert_to_cop", _("Convert to a community of practice")
        DISSOLVE = "dissolve", _("Dissolve")
        STILL_USEFUL = "still_useful", _("Still useful to its members")
        RETIRE = "retire", _("No longer useful: retire")

    OUTCOMES_BY_KIND = {
        Kind.MANDATE: {
            Outcome.ALIGNED,
            Outcome.REVISE_MANDATE,
            Outcome.CONVERT_TO_COP,
            Outcome.DISSOLVE,
        },
        Kind.USEFULNESS: {Outcome.STILL_USEFUL, Outcome.RETIRE},
    }

    group = models.ForeignKey(
        Group, verbose_name=_("group"), on_delete=models.CASCADE, related_name="reviews"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.MANDATE)
    review_date = models.DateField(_("review date"), default=timezone.localdate)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    notes = BilingualField(_("notes"), field_class=models.TextField, required=False)
    next_review_date = models.DateField(_("next review"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The version of the mandate this review read (empty for reviews recorded before
    # versions were kept).
    mandate_version = models.ForeignKey(
        MandateVersion,
        verbose_name=_("mandate version reviewed"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviews",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["group", "-review_date", "-pk"]
        verbose_name = _("mandate review")
        verbose_name_plural = _("mandate reviews")

    def __str__(self):
        return f"{self.group} — {self.review_date}"

    def clean(self):
        super().clean()
        errors = {}
        if self.kind and self.outcome and self.outcome not in self.OUTCOMES_BY_KIND[self.kind]:
            errors["outcome"] = _("This outcome does not apply to this kind of review.")
        if self.next_review_date and self.review_date and self.next_review_date <= self.review_date:
            errors["next_review_date"] = _("The next review must come after this one.")
        if errors:
            raise ValidationError(errors)


class GroupLink(BilingualModel):
    """A link between two groups for synergies, shown on both, stored once (lower pk first)."""

    group_a = models.ForeignKey(
        Group, verbose_name=_("group"), on_delete=models.CASCADE, related_name="links_as_a"
    )
    group_b = models.ForeignKey(
        Group, verbose_name=_("linked group"), on_delete=models.CASCADE, related_name="links_as_b"
    )
    note = BilingualField(_("note"), field_class=models.TextField, required=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("link between groups")
        verbose_name_plural = _("links between groups")
        constraints = [
            models.UniqueConstraint(fields=["group_a", "group_b"], name="group_link_unique"),
            models.CheckConstraint(
                condition=Q(group_a__lt=models.F("group_b")), name="group_link_ordered"
            ),
        ]

    def __str__(self):
        return f"{self.group_a} ↔ {self.group_b}"

    def other(self, group):
        return self.group_b if group.pk == self.group_a_id else self.group_a


class MeasureQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status__in=[Measure.Status.DONE, Measure.Status.DROPPED])


class Measure(BilingualModel):
    """A decision to carry out about groups (dissolve one, convert one to a community of
    practice, ...), tracked until done. A group transition that carries it out for each group
    it concerns completes it (see `services.group_transition`)."""

    class Type(models.TextChoices):
        DISSOLVE = "dissolve", _("Dissolve")
        CONVERT_TO_COP = "convert_to_cop", _("Convert to a community of practice")
        CLARIFY_RELATIONSHIP = "clarify_relationship", _("Clarify a relationship")
        REPORT_TO_COUNCILS = "report_to_councils", _("Report to the councils")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        PROPOSED = "proposed", pgettext_lazy("measure status", "Proposed")
        APPROVED = "approved", pgettext_lazy("measure status", "Approved")
        IN_PROGRESS = "in_progress", pgettext_lazy("measure status", "In progress")
        DONE = "done", pgettext_lazy("measure status", "Done")
        DROPPED = "dropped", pgettext_lazy("measure status", "Dropped")

    number = models.PositiveSmallIntegerField(_("number"), null=True, blank=True)
    type = models.CharField(_("type"), max_length=30, choices=Type.choices)
    title = BilingualField(_("title"), max_length=400)
    description = BilingualField(_("description"), field_class=models.TextField, required=False)
    groups = models.ManyToManyField(
        Group,
        verbose_name=_("groups concerned"),
        related_name="measures",
        through="MeasureGroup",
        blank=True,
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="measures_owned",
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="measures",
    )
    decision = models.ForeignKey(
        Decision,
        verbose_name=_("decision"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="measures",
    )
    history = HistoricalRecords()

    objects = MeasureQuerySet.as_manager()

    class Meta:
        ordering = ["number", "pk"]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.decision_id and self.meeting_id and self.decision.meeting_id != self.meeting_id:
            raise ValidationError({"decision": _("Choose a decision of the same meeting.")})
        stamp_completion(self, self.Status.DONE)

    @property
    def is_open(self):
        return self.status not in (self.Status.DONE, self.Status.DROPPED)


class MeasureGroup(models.Model):
    """A group a measure concerns, and when the measure was carried out for that group."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="group_rows")
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="measure_rows")
    carried_out_at = models.DateTimeField(_("carried out at"), null=True, blank=True)
    status_change = models.ForeignKey(
        GroupStatusChange,
        verbose_name=_("by the transition"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["measure", "pk"]
        verbose_name = _("group concerned by a measure")
        verbose_name_plural = _("groups concerned by measures")
        constraints = [
            models.UniqueConstraint(fields=["measure", "group"], name="measure_group_unique")
        ]

    def __str__(self):
        return f"{self.measure} — {self.group}"


class CalendarToken(models.Model):
    """The secret of a person's calendar feed. Only its SHA-256 is stored: the address is shown
    once when made; making a new one or revoking it makes the old address answer 404."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_token"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("calendar address")
        verbose_name_plural = _("calendar addresses")

    def __str__(self):
        return f"{self.user} ({self.created_at:%Y-%m-%d})"
