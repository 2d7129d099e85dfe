import datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from core import written
from core.bilingual import BilingualField, BilingualModel
from core.limits import LONG_TEXT, NOTE, text_field
from core.models import stamp_completion


def active_on(day: datetime.date | None = None, prefix: str = "") -> Q:
    """Rows whose [start_date, end_date] span contains `day` (today by default)."""
    day = day or timezone.localdate()
    return Q(**{f"{prefix}start_date__lte": day}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": day})
    )


def person_name(user):
    """A person as people know them: their full name, else their username."""
    return user.get_full_name() or user.get_username()


class DatedMembershipQuerySet(models.QuerySet):
    def active(self, day=None):
        return self.filter(active_on(day))

    def filter_by_days(self, days):
        """Rows in office on at least one day between the first and the last of `days`."""
        first, last = min(days), max(days)
        return self.filter(Q(end_date__isnull=True) | Q(end_date__gte=first), start_date__lte=last)

    def ending_between(self, first, last):
        """Terms whose last day falls between `first` and `last` (both included)."""
        return self.filter(end_date__gte=first, end_date__lte=last)


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
        return person_name(self.user)


class QuorumRule(models.TextChoices):
    MAJORITY = "majority", _("A majority of member jurisdictions")
    TWO_THIRDS = "two_thirds", _("Two thirds of member jurisdictions")
    COUNT = "count", _("A fixed number of jurisdictions")


class JointQuorumRule(models.TextChoices):
    OWN = "own", _("This council's own quorum must be reached among its own jurisdictions")
    COMBINED = "combined", _("Counted over the jurisdictions of all the councils meeting together")


def jurisdictions_needed(rule, total, count=None):
    """How many jurisdictions a rule needs out of `total` member jurisdictions."""
    if rule == QuorumRule.COUNT:
        return min(count or 1, total) if total else (count or 1)
    if rule == QuorumRule.TWO_THIRDS:
        return -(-2 * total // 3)  # ceiling
    return total // 2 + 1


class Council(BilingualModel):
    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = BilingualField(_("name"))
    acronym = BilingualField(_("acronym"), max_length=20)
    description = BilingualField(_("description"), field_class=models.TextField, required=False)
    # Quorum: how many of the council's member jurisdictions must have a member present before
    # the meeting may decide (selectors.meeting_quorum).
    quorum_rule = models.CharField(
        _("quorum rule"), max_length=20, choices=QuorumRule.choices, default=QuorumRule.MAJORITY
    )
    quorum_count = models.PositiveSmallIntegerField(
        _("jurisdictions needed"),
        null=True,
        blank=True,
        help_text=_("Only for the rule “a fixed number of jurisdictions”."),
    )
    joint_quorum_rule = models.CharField(
        _("quorum at a joint meeting"),
        max_length=20,
        choices=JointQuorumRule.choices,
        default=JointQuorumRule.OWN,
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("council")
        verbose_name_plural = _("councils")

    def __str__(self):
        return self.acronym

    def clean(self):
        super().clean()
        if self.quorum_rule == QuorumRule.COUNT and not self.quorum_count:
            raise ValidationError(
                {"quorum_count": _("Enter how many jurisdictions make the quorum.")}
            )


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
    # Counts the changes made in the portal (edit, end): a change made from a page that showed
    # an older revision is refused.
    revision = models.PositiveIntegerField(_("revision"), default=0, editable=False)
    # Why the latest change was made (required when it opened a liaison gap); each historical
    # row keeps the reason of its own change, with who and when.
    change_reason = text_field(_("reason for the change"), max_length=NOTE, blank=True)
    history = HistoricalRecords()

    objects = DatedMembershipQuerySet.as_manager()

    class Meta:
        ordering = ["council", "role", "user__last_name"]
        verbose_name = _("council membership")
        verbose_name_plural = _("council memberships")
        indexes = [
            models.Index(fields=["end_date"]),
            # A council's co-chairs or secretariat: the API's councils, the review page's
            # recusals, the funding notices, the reminders. Without it each read every
            # membership of every council (3.6 ms over 25,000 at scale 1,000, for 4 rows).
            models.Index(fields=["council", "role"], name="council_membership_role"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="council_membership_dates_ordered",
            )
        ]

    def __str__(self):
        return f"{person_name(self.user)} — {self.get_role_display()} ({self.council})"

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


class MinutesStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("minutes status", "Draft")
    CIRCULATED = "circulated", pgettext_lazy("minutes status", "Circulated for approval")
    APPROVED = "approved", pgettext_lazy("minutes status", "Approved")


class Meeting(BilingualModel):
    """A meeting of one council or of both (the joint councils), or a co-chairs' check-in: the
    council co-chairs meeting the co-chairs of a set of groups to go over their status (the
    first "next step" of the 27 February 2020 deck). A check-in's groups are linked from
    `workinggroups` (Group.check_ins, read here as `meeting.check_in_groups`)."""

    class Kind(models.TextChoices):
        COUNCIL = "council", pgettext_lazy("meeting kind", "Council meeting")
        CHECK_IN = "check_in", pgettext_lazy("meeting kind", "Co-chairs' check-in")

    class Status(models.TextChoices):
        PLANNED = "planned", pgettext_lazy("meeting status", "Planned")
        HELD = "held", pgettext_lazy("meeting status", "Held")
        CANCELLED = "cancelled", pgettext_lazy("meeting status", "Cancelled")

    kind = models.CharField(
        _("kind of meeting"), max_length=20, choices=Kind.choices, default=Kind.COUNCIL
    )
    title = BilingualField(_("title"))
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    location = BilingualField(_("location"), required=False)
    councils = models.ManyToManyField(Council, verbose_name=_("councils"), related_name="meetings")
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    minutes = BilingualField(
        _("minutes"), field_class=models.TextField, max_length=LONG_TEXT, required=False
    )
    minutes_status = models.CharField(
        _("minutes"),
        max_length=20,
        choices=MinutesStatus.choices,
        default=MinutesStatus.DRAFT,
    )
    # Set when a decision of a later meeting approves the minutes: from then on they are
    # locked, and a correction is an erratum (MinutesErratum), never an edit.
    minutes_approved_by = models.OneToOneField(
        "Decision",
        verbose_name=_("approved by the decision"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="approves_minutes_of",
    )
    context = BilingualField(
        _("context"), field_class=models.TextField, max_length=LONG_TEXT, required=False
    )
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

    @property
    def day(self):
        return timezone.localdate(self.starts_at)

    @property
    def minutes_locked(self):
        return self.minutes_status == MinutesStatus.APPROVED

    @property
    def is_check_in(self):
        return self.kind == self.Kind.CHECK_IN

    def is_open_for_decisions(self, today=None):
        """A meeting decides once it is held, or on its own day; never before, never when
        cancelled."""
        if self.status == self.Status.CANCELLED:
            return False
        return self.status == self.Status.HELD or self.day <= (today or timezone.localdate())


# --- Meetings: agenda, attendees, decisions, action items ----------------------------------


OUTCOME_MAX = 2000


class AgendaItem(BilingualModel):
    """One line of a meeting's agenda: an item to present or decide, or a discussion question."""

    class Kind(models.TextChoices):
        ITEM = "item", _("Agenda item")
        OBJECTIVE = "objective", _("Meeting objective")
        QUESTION = "question", _("Discussion question")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="agenda_items"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.ITEM)
    title = BilingualField(_("title"), max_length=300)
    description = BilingualField(_("description"), field_class=models.TextField, required=False)
    presenter = models.CharField(_("presented by"), max_length=200, blank=True)
    # What the discussion of a question (or an item) came to, as the minutes record it.
    outcome = BilingualField(
        _("outcome"), field_class=models.TextField, required=False, max_length=OUTCOME_MAX
    )
    # The approval of an earlier meeting's minutes: a decision on this item approves them.
    minutes_of = models.ForeignKey(
        "Meeting",
        verbose_name=_("minutes to approve"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="minutes_approval_items",
    )
    interest_declarations = GenericRelation("InterestDeclaration")
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "order", "pk"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")

    def __str__(self):
        return self.title


class Attendee(models.Model):
    """Someone invited to a meeting: a person with an account, or a named guest without one
    (for example a chief digital officer invited to the discussion)."""

    class Role(models.TextChoices):
        CO_CHAIR = "co_chair", pgettext_lazy("attendee role", "Co-chair")
        MEMBER = "member", pgettext_lazy("attendee role", "Member")
        SECRETARIAT = "secretariat", pgettext_lazy("attendee role", "Secretariat")
        GUEST = "guest", pgettext_lazy("attendee role", "Guest")
        PRESENTER = "presenter", pgettext_lazy("attendee role", "Presenter")

    class Attendance(models.TextChoices):
        INVITED = "invited", pgettext_lazy("attendance", "Invited")
        PRESENT = "present", pgettext_lazy("attendance", "Present")
        REGRETS = "regrets", pgettext_lazy("attendance", "Sent regrets")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="attendees"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meeting_attendances",
    )
    name = models.CharField(
        _("name"), max_length=200, blank=True, help_text=_("For a guest without an account.")
    )
    organization = models.CharField(_("organization or title"), max_length=200, blank=True)
    organization_lang = written.language_field()
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    # The jurisdiction a member sits for: only members count for quorum, one per jurisdiction.
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("member for"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("For a member: the jurisdiction they sit for (from their council seat)."),
    )
    attendance = models.CharField(
        _("attendance"), max_length=20, choices=Attendance.choices, default=Attendance.INVITED
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "role", "name", "user__last_name"]
        verbose_name = _("attendee")
        verbose_name_plural = _("attendees")
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(name=""), name="attendee_is_someone"
            ),
            models.UniqueConstraint(
                fields=["meeting", "user"],
                condition=Q(user__isnull=False),
                name="attendee_once_per_meeting",
            ),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        if self.user_id:
            return self.user.get_full_name() or self.user.get_username()
        return self.name

    def clean(self):
        if not self.user_id and not (self.name or "").strip():
            raise ValidationError({"name": _("Choose a person or enter the guest's name.")})
        if self.role == self.Role.MEMBER and not self.user_id:
            raise ValidationError(
                {"user": _("A member attends as a person with an account: choose them.")}
            )
        if self.role != self.Role.MEMBER and self.jurisdiction_id:
            raise ValidationError(
                {"jurisdiction": _("Only a member sits for a jurisdiction; leave it empty.")}
            )

    @property
    def counts_for_quorum(self):
        return (
            self.role == self.Role.MEMBER
            and self.attendance == self.Attendance.PRESENT
            and self.jurisdiction_id is not None
        )


class Vote(models.Model):
    """A closed vote: the counts and, frozen with them, who was eligible to vote (the members
    present and not recused when it closed). A later attendance edit changes neither."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.PROTECT, related_name="votes"
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("agenda item"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="votes",
    )
    votes_for = models.PositiveSmallIntegerField(_("votes for"), default=0)
    votes_against = models.PositiveSmallIntegerField(_("votes against"), default=0)
    votes_abstaining = models.PositiveSmallIntegerField(_("abstentions"), default=0)
    eligible_voters = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("eligible voters"), related_name="+", blank=True
    )
    eligible_count = models.PositiveSmallIntegerField(_("eligible voters"), default=0)
    jurisdictions_present = models.PositiveSmallIntegerField(_("jurisdictions present"), default=0)
    closed_at = models.DateTimeField(_("closed"), default=timezone.now)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["meeting", "closed_at", "pk"]
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    eligible_count__gte=models.F("votes_for")
                    + models.F("votes_against")
                    + models.F("votes_abstaining")
                ),
                name="vote_counts_within_eligible",
            )
        ]

    def __str__(self):
        return f"{self.votes_for}–{self.votes_against}–{self.votes_abstaining}"

    @property
    def cast(self):
        return self.votes_for + self.votes_against + self.votes_abstaining


class Decision(BilingualModel):
    """What a meeting decided, in the words of its minutes."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="decisions"
    )
    number = models.PositiveSmallIntegerField(_("number"), default=1)
    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("agenda item"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decisions",
    )
    text = BilingualField(_("decision"), field_class=models.TextField)
    vote = models.OneToOneField(
        Vote,
        verbose_name=_("vote"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decision",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "number", "pk"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self):
        return f"{self.meeting} — {self.number}"

    def clean(self):
        super().clean()
        if (
            self.agenda_item_id
            and self.meeting_id
            and self.agenda_item.meeting_id != self.meeting_id
        ):
            raise ValidationError({"agenda_item": _("Choose an item of this meeting's agenda.")})


class MinutesErratum(models.Model):
    """A correction of approved (locked) minutes: recorded beside them, never an edit."""

    TEXT_MAX = 2000

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.PROTECT, related_name="errata"
    )
    text = models.CharField(_("correction"), max_length=TEXT_MAX)
    text_lang = written.language_field()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        ordering = ["meeting", "recorded_at", "pk"]
        verbose_name = _("erratum")
        verbose_name_plural = _("errata")

    def __str__(self):
        return f"{self.meeting}: {self.text[:40]}"


class InterestDeclaration(models.Model):
    """A person's declared interest in a funding request or an agenda item: they are recused
    from recommending and voting on it. Never deleted: a withdrawal is a second step, with its
    reason, kept on the same row."""

    STATEMENT_MAX = 500

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="interest_declarations",
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    statement = models.CharField(_("statement"), max_length=STATEMENT_MAX)
    statement_lang = written.language_field()
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    declared_at = models.DateTimeField(_("declared"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("withdrawn by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    withdrawal_reason = models.CharField(
        _("reason for withdrawing"), max_length=STATEMENT_MAX, blank=True
    )
    withdrawal_reason_lang = written.language_field()

    class Meta:
        ordering = ["declared_at", "pk"]
        verbose_name = _("declared interest")
        verbose_name_plural = _("declared interests")
        indexes = [models.Index(fields=["content_type", "object_id"])]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "person"],
                condition=Q(withdrawn_at__isnull=True),
                name="one_active_declaration_per_person",
            )
        ]

    def __str__(self):
        return f"{person_name(self.person)}: {self.statement}"

    @property
    def is_active(self):
        return self.withdrawn_at is None

    def delete(self, *args, **kwargs):
        raise ValidationError(_("A declaration of interest is never deleted; withdraw it."))


class ActionItemQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=[ActionItem.Status.OPEN, ActionItem.Status.IN_PROGRESS])


class ActionItem(BilingualModel):
    """A next step: someone owns it, it has a due date, and it is tracked until done."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("action item status", "Open")
        IN_PROGRESS = "in_progress", pgettext_lazy("action item status", "In progress")
        DONE = "done", pgettext_lazy("action item status", "Done")
        CANCELLED = "cancelled", pgettext_lazy("action item status", "Cancelled")

    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
    )
    title = BilingualField(_("title"), max_length=300)
    description = BilingualField(_("description"), field_class=models.TextField, required=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="action_items",
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    history = HistoricalRecords()

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        indexes = [models.Index(fields=["owner", "status"])]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        stamp_completion(self, self.Status.DONE)

    @property
    def is_open(self):
        return self.status in (self.Status.OPEN, self.Status.IN_PROGRESS)

    @property
    def is_overdue(self):
        return self.is_open and self.due_date is not None and self.due_date < timezone.localdate()


# --- External bodies ------------------------------------------------------------------------


class ExternalBody(BilingualModel):
    """A table or organisation outside the councils they work with (FPT tables, councils,
    institutes, invited officers)."""

    class Relationship(models.TextChoices):
        INFORMAL = "informal", _("Informal")
        FORMAL_PROPOSED = "formal_proposed", _("Formal relationship proposed")
        FORMAL = "formal", _("Formal")

    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    name = BilingualField(_("name"))
    acronym = BilingualField(_("acronym"), max_length=30, required=False)
    description = BilingualField(_("description"), field_class=models.TextField, required=False)
    relationship = models.CharField(
        _("relationship"),
        max_length=20,
        choices=Relationship.choices,
        default=Relationship.INFORMAL,
    )
    liaison = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("liaison person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="external_liaisons",
    )
    topics = models.ManyToManyField(
        Priority, verbose_name=_("topics"), related_name="external_bodies", blank=True
    )
    other_topics = BilingualField(_("other topics"), required=False)
    website = models.URLField(_("website"), blank=True)
    history = HistoricalRecords(m2m_fields=[topics])

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("external body")
        verbose_name_plural = _("external bodies")

    def __str__(self):
        return self.name


class Engagement(BilingualModel):
    """One entry of the engagements log with an external body."""

    external_body = models.ForeignKey(
        ExternalBody,
        verbose_name=_("external body"),
        on_delete=models.CASCADE,
        related_name="engagements",
    )
    date = models.DateField(_("date"), default=timezone.localdate)
    summary = BilingualField(_("summary"), field_class=models.TextField)
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="engagements",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["external_body", "-date", "-pk"]
        verbose_name = _("engagement")
        verbose_name_plural = _("engagements")

    def __str__(self):
        return f"{self.external_body} — {self.date}"
