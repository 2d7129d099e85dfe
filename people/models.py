"""How people come in and leave: invitations (a hashed, single-use, expiring link), the dated
events of a person's account (invited, joined, left, came back) and the password-reset
throttle. People themselves are Django users with a `councils.Profile`."""

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.limits import NOTE, text_field


def hash_token(token: str) -> str:
    """Only this hash is stored: a copy of the database cannot be used to accept an invitation."""
    return hashlib.sha256(token.encode()).hexdigest()


class Invitation(models.Model):
    """One link sent to a person to set their first password. Valid once, until `expires_at`;
    a newer link replaces it, and a person who leaves has theirs withdrawn."""

    class State(models.TextChoices):
        VALID = "valid", _("Valid")
        USED = "used", _("Used")
        EXPIRED = "expired", _("Expired")
        REPLACED = "replaced", _("Replaced by a newer link")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="invitations",
    )
    email = models.EmailField(_("sent to"))
    # The hash of the link last e-mailed; empty (NULL) until the worker sends the invitation
    # and mints its token (people.mail).
    token_hash = models.CharField(max_length=64, unique=True, null=True, editable=False)
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the person asked for a new link themselves."),
    )
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    replaced_at = models.DateTimeField(_("replaced at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    renewed_at = models.DateTimeField(
        _("new link asked for at"),
        null=True,
        blank=True,
        help_text=_("A link can be used once to ask for a new one."),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self):
        return f"{self.email} ({self.created_at:%Y-%m-%d})"

    def state(self, now=None) -> str:
        now = now or timezone.now()
        if self.used_at:
            return self.State.USED
        if self.withdrawn_at:
            return self.State.WITHDRAWN
        if self.replaced_at:
            return self.State.REPLACED
        if self.expires_at <= now:
            return self.State.EXPIRED
        return self.State.VALID

    def get_state_display(self):
        return self.State(self.state()).label


class PersonEvent(models.Model):
    """A dated step in a person's account: kept for ever, shown as the person's timeline."""

    class Kind(models.TextChoices):
        INVITED = "invited", _("Invited")
        INVITATION_SENT = "invitation_sent", _("New invitation link sent")
        JOINED = "joined", _("Set a password and joined")
        DEACTIVATED = "deactivated", _("Left (deactivated)")
        REACTIVATED = "reactivated", _("Reactivated")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="person_events",
    )
    kind = models.CharField(_("event"), max_length=20, choices=Kind.choices)
    on_date = models.DateField(
        _("date"),
        null=True,
        blank=True,
        help_text=_("For a departure: the last day of the person's memberships."),
    )
    reason = text_field(_("reason"), max_length=NOTE, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    ended_memberships = models.PositiveIntegerField(_("memberships ended"), default=0)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("person event")
        verbose_name_plural = _("person events")
        indexes = [models.Index(fields=["person", "-at"], name="person_event_person_at")]

    def __str__(self):
        return f"{self.person} — {self.get_kind_display()} ({self.at:%Y-%m-%d})"


class PasswordResetAttempt(models.Model):
    """One accepted "forgot my password" request, counted per address and per client address
    to throttle them. The address is kept as a keyed hash, never in clear: most requests are
    for addresses that are nobody's."""

    address_hash = models.CharField(max_length=64)
    client_ip = models.CharField(max_length=64, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("password reset request")
        verbose_name_plural = _("password reset requests")
        indexes = [
            models.Index(fields=["address_hash", "at"], name="reset_attempt_address_at"),
            models.Index(fields=["client_ip", "at"], name="reset_attempt_ip_at"),
            models.Index(fields=["at"], name="reset_attempt_at"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M}"
