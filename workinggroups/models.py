from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.bilingual import BilingualField, BilingualModel
from councils.models import Council, DatedMembershipQuerySet, Priority


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
        PROPOSED = "proposed", _("Proposed")
        ACTIVE = "active", _("Active")
        WINDING_DOWN = "winding_down", _("Winding down")
        DISSOLVED = "dissolved", _("Dissolved")
        RETIRED = "retired", _("Retired")

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
    history = HistoricalRecords(m2m_fields=[councils, priorities])

    objects = GroupQuerySet.as_manager()

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("group")
        verbose_name_plural = _("groups")
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
    history = HistoricalRecords()

    objects = DatedMembershipQuerySet.as_manager()

    class Meta:
        ordering = ["group", "role", "user__last_name"]
        verbose_name = _("group membership")
        verbose_name_plural = _("group memberships")
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
        return f"{self.user} — {self.get_role_display()} ({self.group})"

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
        NOT_STARTED = "not_started", _("Not started")
        ON_TRACK = "on_track", _("On track")
        AT_RISK = "at_risk", _("At risk")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

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
    history = HistoricalRecords()

    objects = ObjectiveQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("objective or deliverable")
        verbose_name_plural = _("objectives and deliverables")
        indexes = [models.Index(fields=["status", "due_date"])]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.status == self.Status.DONE and not self.completed_on:
            self.completed_on = timezone.localdate()
        if self.status != self.Status.DONE:
            self.completed_on = None

    @property
    def is_overdue(self):
        return (
            self.due_date is not None
            and self.status not in (self.Status.DONE, self.Status.CANCELLED)
            and self.due_date < timezone.localdate()
        )


class Workplan(BilingualModel):
    """A group's workplan for a period: its objectives and deliverables with deadlines.

    Each submission is a new version (a new row); accepted workplans feed the strategic plan.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        ACCEPTED = "accepted", _("Accepted")
        RETURNED = "returned", _("Returned with comments")
        SUPERSEDED = "superseded", _("Superseded")

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
    review_comment = models.TextField(_("review comments"), blank=True)
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
