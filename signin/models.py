"""Single sign-on links and the record of sign-in security changes.

A link ties a portal account to one account at one OpenID provider (issuer + subject). It is
made at the person's first single sign-on, matched by verified e-mail, and only the
secretariat removes it. Every change to how a person signs in is kept as a `SecurityEvent`
(who, whose, what, when), shown on the person's sign-in page."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords


class SingleSignOnLink(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="sso_links",
    )
    provider = models.CharField(_("provider"), max_length=30)
    issuer = models.CharField(_("issuer"), max_length=255)
    subject = models.CharField(pgettext_lazy("single sign-on", "subject"), max_length=255)
    email = models.EmailField(_("e-mail at the provider"), max_length=254, blank=True)
    linked_at = models.DateTimeField(_("linked on"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("single sign-on link")
        verbose_name_plural = _("single sign-on links")
        ordering = ["user", "provider"]
        constraints = [
            # One provider account opens one portal account, and a portal account has at most
            # one account per provider: a second account with the same e-mail cannot take over.
            models.UniqueConstraint(fields=["issuer", "subject"], name="sso_link_unique_subject"),
            models.UniqueConstraint(fields=["user", "issuer"], name="sso_link_one_per_issuer"),
        ]

    def __str__(self):
        return f"{self.user} — {self.provider}"


class SecurityEvent(models.Model):
    class Kind(models.TextChoices):
        SSO_LINKED = "sso_linked", _("Single sign-on account linked")
        SSO_UNLINKED = "sso_unlinked", _("Single sign-on link removed")
        TOTP_ENROLLED = "totp_enrolled", _("Authenticator app set up")
        TWO_FACTOR_TURNED_OFF = "two_factor_off", _("Two-step verification turned off")
        TWO_FACTOR_RESET = "two_factor_reset", _("Second factor reset by the secretariat")
        RECOVERY_CODES_RENEWED = "recovery_renewed", _("New recovery codes made")
        RECOVERY_CODE_USED = "recovery_used", _("Recovery code used to sign in")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="security_events",
    )
    kind = models.CharField(_("change"), max_length=20, choices=Kind.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    detail = models.CharField(_("detail"), max_length=255, blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("sign-in security event")
        verbose_name_plural = _("sign-in security events")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["user", "-at"], name="security_event_user_at")]

    def __str__(self):
        return f"{self.user} — {self.get_kind_display()}"
