from django import forms
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from core.bilingual import translated_order
from core.forms import Form, ModelForm
from core.limits import NOTE, TEXT
from councils.forms import (
    ChangeReasonMixin,
    DateInput,
    PersonField,
    PersonSearchMixin,
)
from councils.models import Council, Decision, Meeting, Priority

from .models import (
    Group,
    GroupMembership,
    MandateReview,
    Measure,
    Objective,
    Workplan,
    WorkplanItem,
)
from .services import community_names, still_named_a_working_group


class TransitionForm(Form):
    # The group's "kind:status" as the page showed it; a change since is refused.
    seen = forms.CharField(widget=forms.HiddenInput, required=False, max_length=40)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required. It is kept in the group's history with your name and the date."),
    )
    next_review_date = forms.DateField(
        label=_("First usefulness review"),
        required=False,
        widget=DateInput(),
        help_text=_(
            "When to ask whether the community is still useful (a year from now if empty)."
        ),
    )

    def __init__(self, *args, group=None, to=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.offers_new_name = bool(
            group is not None and to == "cop" and still_named_a_working_group(group)
        )
        if self.offers_new_name:
            # A community of practice still called "… Working Group": offer its new name.
            suggested_en, suggested_fr = community_names(group)
            for lang, label, suggested, current in (
                ("en", _("New name (English)"), suggested_en, group.name_en),
                ("fr", _("New name (French)"), suggested_fr, group.name_fr),
            ):
                self.fields[f"name_{lang}"] = forms.CharField(
                    label=label,
                    required=False,
                    max_length=200,
                    initial=suggested,
                    widget=forms.TextInput(attrs={"lang": lang}),
                    help_text=_("Now: “%(name)s”. Empty keeps the current name.")
                    % {"name": current or "—"},
                )


class MandateReviewForm(ModelForm):
    # The number of the mandate version the page showed: the review records it, and a newer
    # version since is refused.
    mandate_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    class Meta:
        model = MandateReview
        fields = ["kind", "review_date", "outcome", "notes_en", "notes_fr", "next_review_date"]
        widgets = {
            "review_date": DateInput(),
            "next_review_date": DateInput(),
            "notes_en": forms.Textarea(attrs={"rows": 3}),
            "notes_fr": forms.Textarea(attrs={"rows": 3}),
        }


class GroupLinkForm(Form):
    other = forms.ModelChoiceField(label=_("Linked group"), queryset=Group.objects.none())
    note_en = forms.CharField(
        label=_("Note (English)"),
        required=False,
        max_length=NOTE,
        widget=forms.Textarea(attrs={"lang": "en", "rows": 3}),
    )
    note_fr = forms.CharField(
        label=_("Note (French)"),
        required=False,
        max_length=NOTE,
        widget=forms.Textarea(attrs={"lang": "fr", "rows": 3}),
    )

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["other"].queryset = Group.objects.current().exclude(pk=group.pk)


class MeasureForm(PersonSearchMixin, ModelForm):
    groups = forms.ModelMultipleChoiceField(
        label=_("Groups concerned"),
        queryset=Group.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    owner = PersonField(label=_("Owner"), required=False)

    class Meta:
        model = Measure
        fields = [
            "number",
            "type",
            "title_en",
            "title_fr",
            "description_en",
            "description_fr",
            "groups",
            "owner",
            "due_date",
            "status",
            "meeting",
            "decision",
        ]
        widgets = {
            "due_date": DateInput(),
            "description_en": forms.Textarea(attrs={"rows": 3}),
            "description_fr": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = Meeting.objects.all()
        self.fields["decision"].queryset = Decision.objects.select_related("meeting")
        if self.instance.pk:
            self.initial["groups"] = list(self.instance.groups.values_list("pk", flat=True))


class MeasureStatusForm(Form):
    status = forms.ChoiceField(label=_("Status"), choices=Measure.Status.choices)


class WorkplanStartForm(ModelForm):
    class Meta:
        model = Workplan
        fields = ["period_start", "period_end"]
        widgets = {"period_start": DateInput(), "period_end": DateInput()}


class WorkplanForm(ModelForm):
    class Meta:
        model = Workplan
        fields = ["period_start", "period_end", "summary_en", "summary_fr"]
        widgets = {
            "period_start": DateInput(),
            "period_end": DateInput(),
            "summary_en": forms.Textarea(attrs={"rows": 3}),
            "summary_fr": forms.Textarea(attrs={"rows": 3}),
        }


class WorkplanItemForm(ModelForm):
    class Meta:
        model = WorkplanItem
        fields = ["kind", "title_en", "title_fr", "priority", "due_date", "objective"]
        widgets = {"due_date": DateInput()}

    def __init__(self, *args, group=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["priority"].queryset = Priority.objects.filter(is_active=True)
        self.fields["objective"].queryset = (
            Objective.objects.filter(group=group) if group else Objective.objects.none()
        )
        self.fields["objective"].help_text = _("The live objective this line describes, if any.")


WorkplanItemFormSet = forms.inlineformset_factory(
    Workplan, WorkplanItem, form=WorkplanItemForm, extra=2, can_delete=True
)


class ReviewCommentForm(Form):
    comment = forms.CharField(
        label=_("Comments for the group"),
        required=False,
        max_length=NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


# --- Progress reporting ---------------------------------------------------------------------


class ObjectiveUpdateForm(Form):
    """An update of one objective. Built with the prefix `objective-<pk>`, so that every
    objective's form on the group page has its own field ids."""

    # The objective's revision as the page showed it; an update since is refused.
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    status = forms.ChoiceField(label=_("Status"), choices=Objective.Status.choices)
    completed_on = forms.DateField(
        label=_("Completion date"),
        required=False,
        widget=DateInput(),
        help_text=_("For a done objective; today if empty."),
    )
    due_date = forms.DateField(label=_("Deadline"), required=False, widget=DateInput())
    due_date_reason = forms.CharField(
        label=_("Reason for a new deadline"),
        required=False,
        max_length=NOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the deadline moves; the original deadline stays visible."),
    )
    note_en = forms.CharField(
        label=_("Progress note (English)"),
        required=False,
        max_length=NOTE,
        widget=forms.Textarea(attrs={"lang": "en", "rows": 2}),
    )
    note_fr = forms.CharField(
        label=_("Progress note (French)"),
        required=False,
        max_length=NOTE,
        widget=forms.Textarea(attrs={"lang": "fr", "rows": 2}),
    )
    evidence_url = forms.URLField(
        label=_("Evidence link"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("Optional: a link to a document or page that shows the progress."),
    )

    @classmethod
    def for_objective(cls, objective, data=None):
        return cls(
            data,
            prefix=f"objective-{objective.pk}",
            initial={
                "revision": objective.revision,
                "status": objective.status,
                "completed_on": objective.completed_on,
                "due_date": objective.due_date,
            },
        )


def period_label(start, end):
    return _("%(start)s to %(end)s") % {
        "start": date_format(start, "DATE_FORMAT"),
        "end": date_format(end, "DATE_FORMAT"),
    }


class ProgressReportStartForm(Form):
    period = forms.ChoiceField(label=_("Reporting period"))

    def __init__(self, *args, periods, **kwargs):
        super().__init__(*args, **kwargs)
        self.periods = {start.isoformat(): start for start, _end in periods}
        self.fields["period"].choices = [
            (start.isoformat(), period_label(start, end)) for start, end in periods
        ]

    def clean_period(self):
        return self.periods[self.cleaned_data["period"]]


class ProgressReportForm(Form):
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    narrative_en = forms.CharField(
        label=_("Narrative (English)"),
        required=False,
        max_length=TEXT,
        widget=forms.Textarea(attrs={"lang": "en", "rows": 6}),
    )
    narrative_fr = forms.CharField(
        label=_("Narrative (French)"),
        required=False,
        max_length=TEXT,
        widget=forms.Textarea(attrs={"lang": "fr", "rows": 6}),
    )
    confirmed = forms.TypedMultipleChoiceField(
        label=_("I confirm the status shown for each of these open objectives"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, report, open_objectives, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "revision": report.revision,
                "narrative_en": report.narrative_en,
                "narrative_fr": report.narrative_fr,
                "confirmed": report.confirmed,
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["confirmed"].choices = [
            (
                o.pk,
                f"{o.title} — {o.get_status_display()}"
                + (f" ({date_format(o.due_date, 'SHORT_DATE_FORMAT')})" if o.due_date else ""),
            )
            for o in open_objectives
        ]


# --- Groups and memberships (secretariat) ---------------------------------------------------


class GroupForm(ModelForm):
    """A group as the secretariat creates it (`creating=True`) or edits it. Its short name is
    set once (links keep working); its kind changes here only while it is proposed."""

    revision = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    councils = forms.ModelMultipleChoiceField(
        label=_("Reports to"),
        queryset=Council.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    priorities = forms.ModelMultipleChoiceField(
        label=_("Priorities served"),
        queryset=Priority.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        max_length=NOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Required when the mandate changes: it is kept with the new version, with your "
            "name and the date."
        ),
    )

    class Meta:
        model = Group
        fields = [
            "slug",
            "kind",
            "name_en",
            "name_fr",
            "mandate_en",
            "mandate_fr",
            "parent",
            "councils",
            "priorities",
            "start_date",
            "end_date",
            "next_review_date",
        ]
        widgets = {
            "mandate_en": forms.Textarea(attrs={"rows": 6}),
            "mandate_fr": forms.Textarea(attrs={"rows": 6}),
            "start_date": DateInput(),
            "end_date": DateInput(),
            "next_review_date": DateInput(),
        }
        labels = {
            "mandate_en": _("Mandate, terms of reference (English)"),
            "mandate_fr": _("Mandate, terms of reference (French)"),
        }
        help_texts = {
            "slug": _(
                "Used in the group's address, set once. Left empty, it is made from the name."
            ),
            "end_date": _("Working groups only: a community of practice has no end date."),
        }

    def __init__(self, *args, creating=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.creating = creating
        self.fields["councils"].queryset = Council.objects.order_by("code")
        self.fields["priorities"].queryset = Priority.objects.filter(is_active=True)
        parents = Group.objects.current().order_by(translated_order("name"), "pk")
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
            self.initial.setdefault("revision", self.instance.revision)
            self.initial.setdefault("councils", list(self.instance.councils.all()))
            self.initial.setdefault("priorities", list(self.instance.priorities.all()))
        self.fields["parent"].queryset = parents
        if creating:
            self.fields["slug"].required = False
            del self.fields["reason"]
        else:
            del self.fields["slug"]
            if self.instance.status != Group.Status.PROPOSED:
                self.fields["kind"].disabled = True
                self.fields["kind"].help_text = _(
                    "Set while the group was proposed; a working group becomes a community of "
                    "practice through its lifecycle actions."
                )

    def clean_slug(self):
        slug = self.cleaned_data.get("slug") or ""
        if slug or not self.creating:
            return slug
        base = slugify(self.data.get("name_en") or self.data.get("name_fr") or "")[:50]
        base = base or "group"
        taken = set(Group.objects.filter(slug__startswith=base).values_list("slug", flat=True))
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        return slug


class GroupMembershipForm(PersonSearchMixin, ChangeReasonMixin, ModelForm):
    """Add a person to a group (`editing=False`) or change a term: role, the council a
    representative sits on, dates. A new person is a new term."""

    user = PersonField(label=_("Person"))

    class Meta:
        model = GroupMembership
        fields = ["user", "role", "council", "start_date", "end_date"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}
        labels = {"council": _("Council (for a council representative)")}
        help_texts = {
            "council": _("The council the representative sits on for the group."),
            "end_date": _("The last day of the term; empty while it has no set end."),
        }

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["user"]
            self.initial.setdefault("revision", self.instance.revision)
        self.fields["council"].queryset = Council.objects.order_by("code")
