"""The councils' strategic plan: built from the accepted workplans, adopted in versions, and
followed through dated progress snapshots.

The plan's workflow is the `TRANSITIONS` table below; `services.plan_transition` is the only code
that changes `status`. Plan items point at the live objectives, so progress is always current;
an adopted version keeps a frozen copy of the items (`PlanVersionItem`) to compare later.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core import written
from core.bilingual import BilingualField, BilingualModel
from core.fiscal import fiscal_year_bounds, fiscal_year_label
from core.limits import NOTE, text_field
from core.models import TimeStampedModel
from councils.models import Council, Priority
from workinggroups.models import Group, Objective, WorkplanItem

MIN_YEARS, MAX_YEARS = 2, 3
FIRST_FISCAL_YEAR, LAST_FISCAL_YEAR = 2015, 2100
MAX_WEIGHT = 100


class Status(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("plan status", "Draft")
    ADOPTED = "adopted", pgettext_lazy("plan status", "Adopted")
    ARCHIVED = "archived", pgettext_lazy("plan status", "Archived")


class Actor(models.TextChoices):
    SECRETARIAT = "secretariat", _("the secretariat")


S = Status
# from-state -> {to-state: who may take it}. Everything not listed is refused.
# Reopening an adopted plan (adopted -> draft) lets it be refreshed and adopted again as a new
# version; the earlier version stays frozen for comparison.
TRANSITIONS = {
    S.DRAFT: {S.ADOPTED: Actor.SECRETARIAT, S.ARCHIVED: Actor.SECRETARIAT},
    S.ADOPTED: {S.DRAFT: Actor.SECRETARIAT, S.ARCHIVED: Actor.SECRETARIAT},
    S.ARCHIVED: {},
}
# Transitions that must say why.
REASON_REQUIRED = frozenset({(S.ADOPTED, S.DRAFT), (S.ADOPTED, S.ARCHIVED)})


class ProgressState(models.TextChoices):
    """An item's progress as the dashboard counts it. "Late" is derived: open and past due."""

    NOT_STARTED = "not_started", pgettext_lazy("plan item progress", "Not started")
    ON_TRACK = "on_track", pgettext_lazy("plan item progress", "On track")
    AT_RISK = "at_risk", pgettext_lazy("plan item progress", "At risk")
    LATE = "late", pgettext_lazy("plan item progress", "Late")
    DONE = "done", pgettext_lazy("plan item progress", "Done")
    CANCELLED = "cancelled", pgettext_lazy("plan item progress", "Cancelled")


# The states that count towards progress, in the order the dashboard shows them.
COUNTED_STATES = [
    ProgressState.DONE,
    ProgressState.ON_TRACK,
    ProgressState.AT_RISK,
    ProgressState.LATE,
    ProgressState.NOT_STARTED,
]


class StrategicPlan(BilingualModel, TimeStampedModel):
    """A two- or three-year plan of the joint councils (no council) or of one council."""

    title = BilingualField(_("title"))
    summary = BilingualField(_("summary"), field_class=models.TextField, required=False)
    council = models.ForeignKey(
        Council,
        verbose_name=_("council"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="strategic_plans",
        help_text=_("Leave empty for a plan of the joint councils."),
    )
    first_fiscal_year = models.PositiveSmallIntegerField(
        _("first fiscal year"),
        validators=[MinValueValidator(FIRST_FISCAL_YEAR), MaxValueValidator(LAST_FISCAL_YEAR)],
        help_text=_("The year the first fiscal year starts: 2026 for 2026-27."),
    )
    last_fiscal_year = models.PositiveSmallIntegerField(
        _("last fiscal year"),
        validators=[MinValueValidator(FIRST_FISCAL_YEAR), MaxValueValidator(LAST_FISCAL_YEAR)],
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    adopted_at = models.DateTimeField(_("adopted"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-first_fiscal_year", "-pk"]
        verbose_name = _("strategic plan")
        verbose_name_plural = _("strategic plans")
        constraints = [
            models.CheckConstraint(
                condition=Q(last_fiscal_year__gte=models.F("first_fiscal_year") + MIN_YEARS - 1)
                & Q(last_fiscal_year__lte=models.F("first_fiscal_year") + MAX_YEARS - 1),
                name="strategic_plan_spans_two_or_three_years",
            )
        ]

    def __str__(self):
        return f"{self.title} ({self.span_label})"

    def clean(self):
        super().clean()
        first, last = self.first_fiscal_year, self.last_fiscal_year
        if first is not None and last is not None:
            years = last - first + 1
            if not MIN_YEARS <= years <= MAX_YEARS:
                raise ValidationError(
                    {
                        "last_fiscal_year": _(
                            "A strategic plan spans two or three fiscal years; "
                            "%(first)s to %(last)s is %(years)s."
                        )
                        % {
                            "first": fiscal_year_label(first),
                            "last": fiscal_year_label(last),
                            "years": years,
                        }
                    },
                    code="plan_span",
                )

    @property
    def fiscal_years(self) -> list[int]:
        return list(range(self.first_fiscal_year, self.last_fiscal_year + 1))

    @property
    def period(self):
        """(first day, last day) of the plan: 1 April of the first year to 31 March after."""
        return (
            fiscal_year_bounds(self.first_fiscal_year)[0],
            fiscal_year_bounds(self.last_fiscal_year)[1],
        )

    @property
    def span_label(self) -> str:
        return gettext("%(first)s to %(last)s") % {
            "first": fiscal_year_label(self.first_fiscal_year),
            "last": fiscal_year_label(self.last_fiscal_year),
        }

    @property
    def is_joint(self) -> bool:
        return self.council_id is None


# The reason the demo's plan carries: written by the loader, so stored as a key.
ADOPTED_BY_COUNCILS_TEXT = written.register(
    "strategy.adopted_by_councils", _("Adopted by the joint councils.")
)


class PlanStatusChange(models.Model):
    """One row per status change: who moved the plan from what to what, when and why."""

    plan = models.ForeignKey(StrategicPlan, on_delete=models.CASCADE, related_name="status_changes")
    old_status = models.CharField(_("from"), max_length=20, choices=Status.choices)
    new_status = models.CharField(_("to"), max_length=20, choices=Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    # What the person typed (in reason_lang), after what the code said (a key, core.written).
    reason = text_field(_("reason"), max_length=NOTE, blank=True)
    reason_lang = written.language_field()
    reason_key = models.CharField(_("system text"), max_length=60, blank=True, default="")
    reason_params = models.JSONField(_("system text values"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("plan status change")
        verbose_name_plural = _("plan status changes")

    def __str__(self):
        return f"{self.plan_id}: {self.old_status} → {self.new_status}"


class PlanItem(BilingualModel):
    """One objective or deliverable of the plan, as the accepted workplan states it.

    `workplan_item` says where it came from; `objective` is the live objective whose status
    gives the item's progress. `weight` counts the item that many times in the roll-up.
    """

    plan = models.ForeignKey(
        StrategicPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="items"
    )
    objective = models.ForeignKey(
        Objective, verbose_name=_("objective"), on_delete=models.PROTECT, related_name="plan_items"
    )
    workplan_item = models.ForeignKey(
        WorkplanItem,
        verbose_name=_("workplan item"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plan_items",
    )
    priority = models.ForeignKey(
        Priority,
        verbose_name=_("priority"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan_items",
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=Objective.Kind.choices, default=Objective.Kind.OBJECTIVE
    )
    title = BilingualField(_("title"), max_length=300)
    due_date = models.DateField(_("planned deadline"), null=True, blank=True)
    weight = models.PositiveSmallIntegerField(
        _("weight"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_WEIGHT)],
        help_text=_("How much this item counts in the progress of its priority (1 by default)."),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["priority__number", "due_date", "pk"]
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        constraints = [
            models.UniqueConstraint(fields=["plan", "objective"], name="plan_item_objective_once"),
            models.CheckConstraint(
                condition=Q(weight__gte=1) & Q(weight__lte=MAX_WEIGHT),
                name="plan_item_weight_in_range",
            ),
        ]
        indexes = [models.Index(fields=["plan", "priority"])]

    def __str__(self):
        return self.title


class PlanRefresh(models.Model):
    """A refresh of a draft from the workplans, and what it changed (for the plan page)."""

    plan = models.ForeignKey(StrategicPlan, on_delete=models.CASCADE, related_name="refreshes")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("plan refresh")
        verbose_name_plural = _("plan refreshes")

    def __str__(self):
        return f"{self.plan_id} @ {self.at:%Y-%m-%d %H:%M}"


class PlanVersion(models.Model):
    """The plan as it was adopted: number 1 at the first adoption, +1 at each re-adoption."""

    plan = models.ForeignKey(StrategicPlan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    adopted_at = models.DateTimeField(_("adopted"))
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("adopted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = text_field(_("note"), max_length=NOTE, blank=True)

    class Meta:
        ordering = ["plan", "-number"]
        verbose_name = _("adopted version")
        verbose_name_plural = _("adopted versions")
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_version_number_unique")
        ]

    def __str__(self):
        return f"{self.plan_id} v{self.number}"


class PlanVersionItem(BilingualModel):
    """A frozen copy of one plan item at adoption, with the progress state it had then."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="items")
    objective = models.ForeignKey(
        Objective, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    workplan_item = models.ForeignKey(
        WorkplanItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    group = models.ForeignKey(
        Group, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    priority = models.ForeignKey(
        Priority, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Objective.Kind.choices)
    title = BilingualField(_("title"), max_length=300)
    due_date = models.DateField(_("planned deadline"), null=True, blank=True)
    weight = models.PositiveSmallIntegerField(_("weight"), default=1)
    state = models.CharField(_("progress"), max_length=20, choices=ProgressState.choices)

    class Meta:
        ordering = ["version", "priority__number", "due_date", "pk"]
        verbose_name = _("adopted version item")
        verbose_name_plural = _("adopted version items")

    def __str__(self):
        return self.title


class PlanSnapshot(models.Model):
    """The plan's progress on one day (monthly, and at each adoption): the dashboard's trend."""

    class Kind(models.TextChoices):
        ADOPTION = "adoption", _("At adoption")
        MONTHLY = "monthly", _("Monthly")
        MANUAL = "manual", _("On request")

    plan = models.ForeignKey(StrategicPlan, on_delete=models.CASCADE, related_name="snapshots")
    taken_on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["plan", "taken_on"]
        verbose_name = _("progress snapshot")
        verbose_name_plural = _("progress snapshots")
        constraints = [
            models.UniqueConstraint(fields=["plan", "taken_on"], name="plan_snapshot_once_a_day")
        ]

    def __str__(self):
        return f"{self.plan_id} @ {self.taken_on}"


class PlanSnapshotRow(models.Model):
    """One line of a snapshot: a priority's roll-up, or the whole plan's (priority empty)."""

    snapshot = models.ForeignKey(PlanSnapshot, on_delete=models.CASCADE, related_name="rows")
    priority = models.ForeignKey(
        Priority, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    is_plan_total = models.BooleanField(_("whole plan"), default=False)
    progress = models.DecimalField(
        _("progress (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    total_weight = models.PositiveIntegerField(default=0)
    done_weight = models.PositiveIntegerField(default=0)
    not_started = models.PositiveIntegerField(default=0)
    on_track = models.PositiveIntegerField(default=0)
    at_risk = models.PositiveIntegerField(default=0)
    late = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    cancelled = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["snapshot", "-is_plan_total", "priority__number"]
        verbose_name = _("snapshot line")
        verbose_name_plural = _("snapshot lines")

    def __str__(self):
        return f"{self.snapshot} {self.priority_id or 'plan'}: {self.progress}"
