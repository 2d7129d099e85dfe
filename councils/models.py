import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.bilingual import BilingualField, BilingualModel


def active_on(day: datetime.date | None = None, prefix: str = "") -> Q:
    """Rows whose [start_date, end_date] span contains `day` (today by default)."""
    day = day or timezone.localdate()
    return Q(**{f"{prefix}start_date__lte": day}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": day})
    )


class DatedMembershipQuerySet(models.QuerySet):
    def active(self, day=None):
        return self.filter(active_on(day))


class Jurisdiction(BilingualModel):
    class Kind(models.TextChoices):
        FEDERAL = "federal", _("Federal")
        PROVINCIAL = "provincial", _("Provincial")
        TERRITORIAL = "territorial", _("Territorial")
        MUNICIPAL = "municipal", _("Municipal")
        OTHER = "other", _("Other")

    code = models.SlugField(_("code"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = BilingualField(_("name"))
    abbreviation = BilingualField(_("abbreviation"), max_length=20, required=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "name_en"]
        verbose_name = _("jurisdiction")
        verbose_name_plural = _("jurisdictions")

    def __str__(self):
        return self.name


class Profile(BilingualModel):
    class Language(models.TextChoices):
        ENGLISH = "en", _("English")
        FRENCH = "fr", _("French")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="profiles",
    )
    title = BilingualField(_("title"), required=False)
    preferred_language = models.CharField(
        _("preferred language"), max_length=2, choices=Language.choices, default=Language.ENGLISH
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self):
        return self.user.get_full_name() or self.user.get_username()


class Council(BilingualModel):
    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = BilingualField(_("name"))
    acronym = BilingualField(_("acronym"), max_length=20)
    description = BilingualField(_("description"), field_class=models.TextField, required=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("council")
        verbose_name_plural = _("councils")

    def __str__(self):
        return self.acronym


class CouncilMembership(models.Model):
    class Role(models.TextChoices):
        CO_CHAIR = "co_chair", _("Co-chair")
        MEMBER = "member", _("Member")
        SECRETARIAT = "secretariat", _("Secretariat")
        GUEST = "guest", _("Guest")

    council = models.ForeignKey(
        Council, verbose_name=_("council"), on_delete=models.PROTECT, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="council_memberships",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("jurisdiction represented"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="council_memberships",
    )
    start_date = models.DateField(_("start date"), default=timezone.localdate)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    history = HistoricalRecords()

    objects = DatedMembershipQuerySet.as_manager()

    class Meta:
        ordering = ["council", "role", "user__last_name"]
        verbose_name = _("council membership")
        verbose_name_plural = _("council memberships")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="council_membership_dates_ordered",
            )
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} ({self.council})"

    def clean(self):
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date cannot be before the start date.")})


class Priority(BilingualModel):
    """One of the councils' priority themes (digital strategy, client-centred service, ...)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    number = models.PositiveSmallIntegerField(_("number"), default=1)
    title = BilingualField(_("title"))
    description = BilingualField(_("description"), field_class=models.TextField, required=False)
    councils = models.ManyToManyField(
        Council, verbose_name=_("councils"), related_name="priorities", blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords(m2m_fields=[councils])

    class Meta:
        ordering = ["number", "code"]
        verbose_name = _("priority")
        verbose_name_plural = _("priorities")

    def __str__(self):
        return self.title


class CitizenOutcome(BilingualModel):
    """A citizen-facing outcome a priority serves (e.g. "online services")."""

    priority = models.ForeignKey(
        Priority, verbose_name=_("priority"), on_delete=models.CASCADE, related_name="outcomes"
    )
    text = BilingualField(_("outcome"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["priority", "order", "pk"]
        verbose_name = _("citizen outcome")
        verbose_name_plural = _("citizen outcomes")

    def __str__(self):
        return self.text


class JurisdictionPriority(BilingualModel):
    """A priority a jurisdiction declared for itself, mapped to one of the councils' themes.

    These rows are the analysis that produced the three themes; counting them per jurisdiction
    and theme gives the alignment matrix.
    """

    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("jurisdiction"),
        on_delete=models.CASCADE,
        related_name="declared_priorities",
    )
    title = BilingualField(_("declared priority"))
    theme = models.ForeignKey(
        Priority,
        verbose_name=_("council theme"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="declared_by",
        help_text=_("Leave empty when the declared priority matches none of the themes."),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["jurisdiction", "pk"]
        verbose_name = _("declared jurisdiction priority")
        verbose_name_plural = _("declared jurisdiction priorities")

    def __str__(self):
        return f"{self.jurisdiction}: {self.title}"


class Meeting(BilingualModel):
    """A meeting of one council or of both (the joint councils)."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    title = BilingualField(_("title"))
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    location = BilingualField(_("location"), required=False)
    councils = models.ManyToManyField(Council, verbose_name=_("councils"), related_name="meetings")
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    minutes = BilingualField(_("minutes"), field_class=models.TextField, required=False)
    history = HistoricalRecords(m2m_fields=[councils])

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self):
        return f"{self.title} ({timezone.localtime(self.starts_at):%Y-%m-%d})"

    def clean(self):
        super().clean()
        if self.ends_at and self.starts_at and self.ends_at < self.starts_at:
            raise ValidationError({"ends_at": _("A meeting cannot end before it starts.")})
