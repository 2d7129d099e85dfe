"""Reminders (what was claimed and sent, once), the inbox, and each person's preferences."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.bilingual import BilingualField, BilingualModel
from core.limits import NOTE, text_field

from . import kinds


class Delivery(models.TextChoices):
    IMMEDIATE = "immediate", _("Immediately, one e-mail per reminder")
    DIGEST = "digest", _("In a weekly digest")


class Reminder(models.Model):
    """One message to one person (a reminder or a funding notice): the outbox row, claimed
    before it is sent.

    The row is the claim: it is INSERTed (ON CONFLICT DO NOTHING) under the unique constraint
    on (recipient, subject_key, kind, due_date), so a second beat tick or a second sweep finds
    it already there and sends nothing. `sent_at` is set only after the e-mail went out, by a
    sender that holds the row (SELECT ... FOR UPDATE SKIP LOCKED, WHERE sent_at IS NULL).

    One retry policy (services.deliver): a failed send sets `next_attempt_at` (exponential
    back-off from PORTAL_REMINDER_RETRY_SECONDS); after PORTAL_REMINDER_MAX_ATTEMPTS failures
    `failed_at` is set and only the secretariat's "Send again" tries once more. `enqueued_at`
    is when the row was last handed to the broker: the catch-up tick hands it again only when
    that is old (the message was lost), so two chains of retries cannot run side by side.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    kind = models.CharField(_("kind"), max_length=40)
    # What the reminder is about, e.g. "workinggroups.objective:12"; with the due date it tells
    # one reminder from the next one about the same thing.
    subject_key = models.CharField(_("subject"), max_length=200)
    due_date = models.DateField(_("due date"))
    content_type = models.ForeignKey(
        ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("content_type", "object_id")
    # A snapshot of what the message says (bilingual values as {"en": ..., "fr": ...}).
    context = models.JSONField(_("context"), default=dict, blank=True)
    delivery = models.CharField(
        _("delivery"), max_length=20, choices=Delivery.choices, default=Delivery.IMMEDIATE
    )
    claim_token = models.UUIDField(null=True, blank=True, db_index=True, editable=False)
    claimed_at = models.DateTimeField(_("claimed at"), auto_now_add=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = text_field(_("last error"), max_length=NOTE, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    enqueued_at = models.DateTimeField(_("handed to the workers"), null=True, blank=True)
    failed_at = models.DateTimeField(_("failed for good"), null=True, blank=True)
    digest = models.ForeignKey(
        "self",
        verbose_name=_("sent in digest"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="carried",
    )

    class Meta:
        ordering = ["-claimed_at", "-pk"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "subject_key", "kind", "due_date"], name="reminder_once"
            )
        ]
        indexes = [
            models.Index(fields=["sent_at", "claimed_at"], name="reminder_unsent"),
            models.Index(fields=["content_type", "object_id", "kind"], name="reminder_subject"),
            models.Index(
                fields=["-failed_at", "-id"],
                name="reminder_failed",
                condition=models.Q(failed_at__isnull=False, sent_at__isnull=True),
            ),
        ]

    def __str__(self):
        return f"{self.kind_label} — {self.subject_key} ({self.due_date})"

    @property
    def kind_label(self):
        return kinds.get(self.kind).label


class Notification(BilingualModel):
    """An entry of a person's in-portal inbox. Its text is rendered in both languages when it
    is created, so it reads right whichever language the person switches to later."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=40)
    text = BilingualField(_("text"), max_length=400)
    link = models.CharField(_("link"), max_length=400, blank=True)
    reminder = models.OneToOneField(
        Reminder,
        verbose_name=_("reminder"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notification",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            # The inbox's page, newest first: read off the index, not sorted from every entry
            # the person has (issue 17: 5.49 -> 0.08 ms for a member with 10,000 entries).
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_inbox"),
        ]

    def __str__(self):
        return self.text

    @property
    def kind_label(self):
        return kinds.get(self.kind).label


class Preference(models.Model):
    """How a person wants to be reminded. No row means the defaults: immediate, nothing muted."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    delivery = models.CharField(
        _("send my reminders"), max_length=20, choices=Delivery.choices, default=Delivery.IMMEDIATE
    )
    # Codes of the non-essential kinds this person opted out of.
    muted_kinds = models.JSONField(_("kinds I do not want"), default=list, blank=True)

    class Meta:
        verbose_name = _("reminder preference")
        verbose_name_plural = _("reminder preferences")

    def __str__(self):
        return str(self.user)

    def wants(self, kind_code: str) -> bool:
        kind = kinds.get(kind_code)
        if kind.essential:
            return True
        if kind_code == kinds.DIGEST and self.delivery == Delivery.DIGEST:
            return True  # the digest carries their reminders: it cannot be muted then
        return kind_code not in (self.muted_kinds or [])


class Observation(models.Model):
    """A condition a sweep has seen, and since when: a reminder about it goes out only once it
    has lasted long enough (e.g. a liaison gap present for PORTAL_LIAISON_GAP_DAYS days)."""

    kind = models.CharField(_("kind"), max_length=40)
    subject_key = models.CharField(_("subject"), max_length=200)
    first_seen = models.DateField(_("first seen"))
    last_seen = models.DateField(_("last seen"))

    class Meta:
        ordering = ["first_seen", "pk"]
        verbose_name = _("observed condition")
        verbose_name_plural = _("observed conditions")
        constraints = [
            models.UniqueConstraint(fields=["kind", "subject_key"], name="observation_unique")
        ]

    def __str__(self):
        return f"{self.kind}: {self.subject_key} since {self.first_seen}"


class SweepRun(models.Model):
    """When a periodic task (a sweep, the digest, the snapshot) was last asked for, started and
    completed, wherever it ran: beat's tick, the catch-up tick or `manage.py run_sweeps`.

    The catch-up tick (notifications.sweeps) runs a task whose scheduled time has passed since
    its last completion; /healthz and the secretariat's reminders page say how late each is.
    """

    task = models.CharField(_("task"), max_length=200, unique=True)
    created_at = models.DateTimeField(_("known since"), auto_now_add=True)
    requested_at = models.DateTimeField(_("last asked for"), null=True, blank=True)
    started_at = models.DateTimeField(_("last started"), null=True, blank=True)
    completed_at = models.DateTimeField(_("last completed"), null=True, blank=True)

    class Meta:
        ordering = ["task"]
        verbose_name = _("periodic task run")
        verbose_name_plural = _("periodic task runs")

    def __str__(self):
        return self.task


class WorkerHeartbeat(models.Model):
    """The last time a Celery worker process on this host finished a task (written at most
    every half minute a process): how /healthz knows the workers consume."""

    hostname = models.CharField(_("worker"), max_length=200, unique=True)
    seen_at = models.DateTimeField(_("last task finished"))

    class Meta:
        ordering = ["-seen_at"]
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self):
        return self.hostname
