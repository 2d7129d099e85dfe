from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db.models import Q
from django.forms.utils import ErrorDict
from django.urls import reverse_lazy
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from core import written
from core.bilingual import translated_order
from core.forms import Form, ModelForm
from core.limits import NOTE
from core.params import ODD_CHARACTERS, parse_id

from .models import (
    ActionItem,
    AgendaItem,
    Attendee,
    Council,
    CouncilMembership,
    Decision,
    Engagement,
    ExternalBody,
    InterestDeclaration,
    Jurisdiction,
    Meeting,
    MinutesErratum,
    Priority,
)
from .selectors import PERSON_SEARCH_LIMIT, people, person_label, search_people


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class PersonSearchWidget(forms.Widget):
    """A person chosen by name among thousands: a search box and the matches as radio
    buttons, never a <select> of everyone.

    Without JavaScript the search box is sent with the form: the view sees a search
    (`PersonSearchMixin.person_search`) and shows the form again with the matches to choose
    from. With JavaScript (static/js/person-search.js) the matches come from the search
    address as one types, and the radio buttons are the same."""

    template_name = "councils/widgets/person_search.html"
    use_fieldset = True

    class Media:
        js = ["js/person-search.js"]

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.query, self.results, self.more, self.searched = "", [], False, False

    def search(self, query):
        """Find the people matching `query`, to show them as choices (one query)."""
        self.query, self.searched = query, True
        found = list(search_people(query)[: PERSON_SEARCH_LIMIT + 1])
        self.results, self.more = found[:PERSON_SEARCH_LIMIT], len(found) > PERSON_SEARCH_LIMIT

    def value_from_datadict(self, data, files, name):
        return data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return name not in data and f"{name}_q" not in data

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        pk = parse_id(str(value)) if value not in (None, "") else None
        chosen = next((u for u in self.results if u.pk == pk), None)
        if pk and chosen is None:
            chosen = search_people_by_id(pk)
        choices = [chosen] if chosen else []
        choices += [u for u in self.results if chosen is None or u.pk != chosen.pk]
        css = context["widget"]["attrs"].get("class", "")
        rows = [(u.pk, person_label(u), chosen is not None and u.pk == pk) for u in choices]
        if not self.is_required and rows:
            rows.insert(0, ("", _("Nobody"), chosen is None))
        context["widget"].update(
            {
                "query": self.query,
                "choices": rows,
                "searched": self.searched,
                "more": self.more,
                "invalid": "is-invalid" in css,
                "search_url": reverse_lazy("councils:person_search"),
            }
        )
        return context


def search_people_by_id(pk):
    return people().select_related("profile", "profile__jurisdiction").filter(pk=pk).first()


class PersonField(forms.ModelChoiceField):
    """An active person, chosen through `PersonSearchWidget`."""

    widget = PersonSearchWidget
    default_error_messages = {
        "required": _("Search for the person by name, then choose them in the list."),
        "invalid_choice": _("Choose a person in the list of matches."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", people())
        kwargs.setdefault("empty_label", None)
        super().__init__(**kwargs)


class PersonSearchMixin:
    """For a form with PersonFields: `person_search()` says whether this POST asked to find a
    person rather than to save (the Search button, or a name typed and nobody chosen), and
    then readies the form to be shown again with the matches and without error messages."""

    def person_search(self) -> bool:
        if not self.is_bound:
            return False
        searching = False
        for name, field in self.fields.items():
            if not isinstance(field, PersonField):
                continue
            key = self.add_prefix(name)
            query = ODD_CHARACTERS.sub("", self.data.get(f"{key}_q") or "").strip()[:100]
            field.widget.query = query
            if self.data.get("_search") == key or (query and not self.data.get(key)):
                field.widget.search(query)
                searching = True
        if searching:
            self._errors, self.cleaned_data = ErrorDict(), {}
        return searching


class MeetingForm(ModelForm):
    councils = forms.ModelMultipleChoiceField(
        label=_("Councils"),
        queryset=Council.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick both for a joint meeting."),
    )
    # A co-chairs' check-in's groups. The groups live in an app above this one: the choices
    # come from settings.PORTAL_CHECK_IN_GROUP_CHOICES (workinggroups.check_ins).
    groups = forms.ModelMultipleChoiceField(
        label=_("Groups to check in with"),
        queryset=Council.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "For a co-chairs' check-in only: the groups whose co-chairs meet the council "
            "co-chairs. Their status is shown on the meeting's page."
        ),
    )

    class Meta:
        model = Meeting
        fields = [
            "kind",
            "groups",
            "title_en",
            "title_fr",
            "starts_at",
            "ends_at",
            "location_en",
            "location_fr",
            "councils",
            "status",
            "context_en",
            "context_fr",
            "minutes_en",
            "minutes_fr",
        ]
        widgets = {
            "kind": forms.RadioSelect,
            "starts_at": DateTimeInput(),
            "ends_at": DateTimeInput(),
            "context_en": forms.Textarea(attrs={"rows": 4}),
            "context_fr": forms.Textarea(attrs={"rows": 4}),
            "minutes_en": forms.Textarea(attrs={"rows": 6}),
            "minutes_fr": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        lock_minutes_fields(self)
        # Left out, a meeting is a council meeting (as before check-ins existed).
        self.fields["kind"].required = False
        if settings.PORTAL_CHECK_IN_GROUP_CHOICES:
            self.fields["groups"].queryset = import_string(settings.PORTAL_CHECK_IN_GROUP_CHOICES)()
            if self.instance.pk:
                self.fields["groups"].initial = list(
                    self.instance.check_in_groups.values_list("pk", flat=True)
                )
        else:
            del self.fields["groups"]

    def clean_kind(self):
        return self.cleaned_data.get("kind") or Meeting.Kind.COUNCIL


def lock_minutes_fields(form):
    """Approved minutes are not edited here (corrections are errata)."""
    if form.instance.pk and form.instance.minutes_locked:
        for name in ("minutes_en", "minutes_fr"):
            form.fields.pop(name, None)


class AgendaItemForm(ModelForm):
    class Meta:
        model = AgendaItem
        fields = [
            "order",
            "kind",
            "title_en",
            "title_fr",
            "description_en",
            "description_fr",
            "presenter",
            "outcome_en",
            "outcome_fr",
        ]
        widgets = {
            "description_en": forms.Textarea(attrs={"rows": 3}),
            "description_fr": forms.Textarea(attrs={"rows": 3}),
            "outcome_en": forms.Textarea(attrs={"rows": 2}),
            "outcome_fr": forms.Textarea(attrs={"rows": 2}),
        }


class AttendeeForm(PersonSearchMixin, ModelForm):
    user = PersonField(label=_("Person"), required=False)

    class Meta:
        model = Attendee
        fields = ["user", "name", "organization", "role", "jurisdiction", "attendance"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].queryset = Jurisdiction.objects.order_by(
            translated_order("name")
        )

    def clean(self):
        data = super().clean()
        if "organization" in self.changed_data:
            # Typed in one language: kept with the language of the page it was typed on.
            typed = (data.get("organization") or "").strip()
            self.instance.organization_lang = written.typed_language() if typed else ""
        return data


def vote_count_field(label):
    return forms.IntegerField(label=label, required=False, min_value=0, max_value=999)


class DecisionForm(ModelForm):
    """A new decision closes its vote: the counts are asked once, then kept with the vote."""

    votes_for = vote_count_field(_("Votes for"))
    votes_against = vote_count_field(_("Votes against"))
    votes_abstaining = vote_count_field(_("Abstentions"))

    class Meta:
        model = Decision
        fields = ["number", "agenda_item", "text_en", "text_fr"]
        widgets = {
            "text_en": forms.Textarea(attrs={"rows": 3, "maxlength": 5000}),
            "text_fr": forms.Textarea(attrs={"rows": 3, "maxlength": 5000}),
        }

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"].queryset = meeting.agenda_items.all()
        for name in ("text_en", "text_fr"):
            self.fields[name].max_length = 5000
            self.fields[name].validators.append(MaxLengthValidator(5000))
        if self.instance.pk:  # the vote is closed: its counts no longer change
            for name in VOTE_FIELDS:
                del self.fields[name]
        else:
            self.fields["votes_for"].help_text = _(
                "Leave the counts empty for a decision by consensus. They cannot exceed the "
                "members present and not recused."
            )

    def votes(self):
        return {name: self.cleaned_data.get(name) for name in VOTE_FIELDS}


VOTE_FIELDS = ("votes_for", "votes_against", "votes_abstaining")


class CouncilQuorumForm(ModelForm):
    class Meta:
        model = Council
        fields = ["quorum_rule", "quorum_count", "joint_quorum_rule"]
        widgets = {"quorum_rule": forms.RadioSelect, "joint_quorum_rule": forms.RadioSelect}


class DeclarationForm(forms.Form):
    statement = forms.CharField(
        label=_("Your interest, in a sentence"),
        max_length=InterestDeclaration.STATEMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say what your interest is.")},
    )


class SecretariatDeclarationForm(PersonSearchMixin, DeclarationForm):
    person = PersonField(label=_("Declared by (the member or co-chair)"))

    field_order = ["person", "statement"]


class WithdrawDeclarationForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the declaration withdrawn?"),
        max_length=InterestDeclaration.STATEMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say why the declaration is withdrawn.")},
    )


class ActionItemForm(PersonSearchMixin, ModelForm):
    owner = PersonField(label=_("Owner"), required=False)

    class Meta:
        model = ActionItem
        fields = [
            "title_en",
            "title_fr",
            "description_en",
            "description_fr",
            "owner",
            "due_date",
            "status",
            "meeting",
        ]
        widgets = {
            "due_date": DateInput(),
            "description_en": forms.Textarea(attrs={"rows": 3}),
            "description_fr": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)


class ActionItemStatusForm(Form):
    status = forms.ChoiceField(label=_("Status"), choices=ActionItem.Status.choices)


class ExternalBodyForm(PersonSearchMixin, ModelForm):
    liaison = PersonField(label=_("Liaison person"), required=False)
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"),
        queryset=Priority.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    class Meta:
        model = ExternalBody
        fields = [
            "slug",
            "name_en",
            "name_fr",
            "acronym_en",
            "acronym_fr",
            "description_en",
            "description_fr",
            "relationship",
            "liaison",
            "topics",
            "other_topics_en",
            "other_topics_fr",
            "website",
        ]
        widgets = {
            "description_en": forms.Textarea(attrs={"rows": 3}),
            "description_fr": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)


class EngagementForm(ModelForm):
    class Meta:
        model = Engagement
        fields = ["date", "meeting", "summary_en", "summary_fr"]
        widgets = {
            "date": DateInput(),
            "summary_en": forms.Textarea(attrs={"rows": 3}),
            "summary_fr": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = Meeting.objects.filter(~Q(status="cancelled"))


# --- Memberships (shared by council and group memberships) ----------------------------------


class ChangeReasonMixin(Form):
    """The hidden revision the page showed, and the reason for the change."""

    revision = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        max_length=NOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Kept in the history with your name and the date. Required when the change leaves "
            "a group with nobody on a council it reports to."
        ),
    )


class CouncilMembershipForm(PersonSearchMixin, ChangeReasonMixin, ModelForm):
    """Add a person to a council (`editing=False`) or change a term: role, jurisdiction
    represented, dates. The person of a term does not change: a new person is a new term."""

    user = PersonField(label=_("Person"))

    class Meta:
        model = CouncilMembership
        fields = ["user", "role", "jurisdiction", "start_date", "end_date"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}
        help_texts = {
            "jurisdiction": _(
                "For a member: the jurisdiction they represent (theirs, if left empty)."
            ),
            "end_date": _("The last day of the term; empty while it has no set end."),
        }

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["user"]
            self.initial.setdefault("revision", self.instance.revision)
        self.fields["jurisdiction"].queryset = Jurisdiction.objects.order_by("kind", "name_en")

    def clean(self):
        data = super().clean()
        user = data.get("user") or (self.instance.user if self.instance.user_id else None)
        if (
            data.get("role") == CouncilMembership.Role.MEMBER
            and not data.get("jurisdiction")
            and user is not None
        ):
            profile = getattr(user, "profile", None)
            if profile is not None and profile.jurisdiction_id:
                data["jurisdiction"] = profile.jurisdiction
                self.instance.jurisdiction = profile.jurisdiction
        return data


class EndTermForm(ChangeReasonMixin):
    """End a term: its last day (today unless said otherwise), and why."""

    end_date = forms.DateField(
        label=_("Last day of the term"),
        widget=DateInput(),
        help_text=_("Today, a day past (the person already left) or a day to come."),
    )
    field_order = ["revision", "end_date", "reason"]


class MinutesCirculateForm(forms.Form):
    next_meeting = forms.ModelChoiceField(
        label=_("Put them on the agenda of"),
        queryset=Meeting.objects.none(),
        error_messages={"required": _("Choose the meeting that will approve the minutes.")},
    )

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        later = Meeting.objects.filter(
            status=Meeting.Status.PLANNED,
            starts_at__gt=meeting.starts_at,
            councils__in=meeting.councils.all(),
        )
        if not meeting.is_check_in:  # a council's minutes are approved by a council meeting
            later = later.filter(kind=Meeting.Kind.COUNCIL)
        self.fields["next_meeting"].queryset = later.distinct().order_by("starts_at")


class ErratumForm(forms.Form):
    text = forms.CharField(
        label=_("The correction"),
        max_length=MinutesErratum.TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write the correction.")},
    )
