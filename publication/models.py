"""What the secretariat has made public, one record at a time, and every step that did it.

A `Publication` row exists per record ever published, with one foreign key per kind of record
(exactly one is set, and each is unique: publishing twice at once can never make two rows).
`is_public` is the current state; `PublicationStep` rows keep who published or unpublished it,
when and why. The rule of what may be published lives in `services.py`; the selectors check
the record's state again on every read, so a plan reopened as a draft or a group put back to
another state stops being public at once, whatever its publication row says.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core import written
from core.limits import NOTE, text_field


class Kind(models.TextChoices):
    PLAN = "plan", _("Adopted strategic plan")
    GROUP = "group", _("Group mandate")
    FUNDING = "funding", _("Approved funding decision")
    DECISION = "decision", _("Meeting decision")
    MINUTES = "minutes", _("Approved minutes")


# The foreign key each kind of publication sets.
FIELD_OF_KIND = {
    Kind.PLAN: "plan",
    Kind.GROUP: "group",
    Kind.FUNDING: "funding_request",
    Kind.DECISION: "decision",
    Kind.MINUTES: "meeting",
}


class Publication(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, db_index=True)
    plan = models.OneToOneField(
        "strategy.StrategicPlan",
        verbose_name=_("strategic plan"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="publication",
    )
    group = models.OneToOneField(
        "workinggroups.Group",
        verbose_name=_("group"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="publication",
    )
    funding_request = models.OneToOneField(
        "funding.FundingRequest",
        verbose_name=_("funding request"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="publication",
    )
    decision = models.OneToOneField(
        "councils.Decision",
        verbose_name=_("decision"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="publication",
    )
    meeting = models.OneToOneField(
        "councils.Meeting",
        verbose_name=_("meeting"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="publication",
    )
    is_public = models.BooleanField(_("public"), default=False, db_index=True)
    # When it was last published (kept while unpublished, for the list's order).
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    updated_at = models.DateTimeField(_("modified"), auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="plan", plan__isnull=False)
                    & Q(group__isnull=True, funding_request__isnull=True)
                    & Q(decision__isnull=True, meeting__isnull=True)
                )
                | (
                    Q(kind="group", group__isnull=False)
                    & Q(plan__isnull=True, funding_request__isnull=True)
                    & Q(decision__isnull=True, meeting__isnull=True)
                )
                | (
                    Q(kind="funding", funding_request__isnull=False)
                    & Q(plan__isnull=True, group__isnull=True)
                    & Q(decision__isnull=True, meeting__isnull=True)
                )
                | (
                    Q(kind="decision", decision__isnull=False)
                    & Q(plan__isnull=True, group__isnull=True)
                    & Q(funding_request__isnull=True, meeting__isnull=True)
                )
                | (
                    Q(kind="minutes", meeting__isnull=False)
                    & Q(plan__isnull=True, group__isnull=True)
                    & Q(funding_request__isnull=True, decision__isnull=True)
                ),
                name="publication_one_record_of_its_kind",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.record}"

    @property
    def record(self):
        return getattr(self, FIELD_OF_KIND[self.kind])


class PublicationStep(models.Model):
    class Action(models.TextChoices):
        PUBLISH = "publish", pgettext_lazy("publication step", "Published")
        UNPUBLISH = "unpublish", pgettext_lazy("publication step", "Unpublished")

    publication = models.ForeignKey(
        Publication, verbose_name=_("publication"), on_delete=models.CASCADE, related_name="steps"
    )
    action = models.CharField(_("step"), max_length=20, choices=Action.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    reason = text_field(_("reason"), max_length=NOTE, blank=True)
    reason_lang = written.language_field()

    class Meta:
        ordering = ["publication", "-at", "-pk"]
        verbose_name = _("publication step")
        verbose_name_plural = _("publication steps")
        indexes = [models.Index(fields=["publication", "-at"], name="publication_step_at_idx")]

    def __str__(self):
        return f"{self.get_action_display()} {self.at:%Y-%m-%d}"
