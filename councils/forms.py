from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core import written
from core.forms import ModelForm

from .models import (
    ActionItem,
    AgendaItem,
    Attendee,
    Council,
    Decision,
    Engagement,
    ExternalBody,
    Meeting,
    Priority,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def people():
    """Active people, by name, for owner and liaison choices."""
    return get_user_model().objects.filter(is_active=True).order_by("last_name", "first_name")


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


class MeetingForm(ModelForm):
    councils = forms.ModelMultipleChoiceField(
        label=_("Councils"),
        queryset=Council.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick both for a joint meeting."),
    )

    class Meta:
        model = Meeting
        fields = [
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
            "starts_at": DateTimeInput(),
            "ends_at": DateTimeInput(),
            "context_en": forms.Textarea(attrs={"rows": 4}),
            "context_fr": forms.Textarea(attrs={"rows": 4}),
            "minutes_en": forms.Textarea(attrs={"rows": 6}),
            "minutes_fr": forms.Textarea(attrs={"rows": 6}),
        }


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
        ]
        widgets = {
            "description_en": forms.Textarea(attrs={"rows": 3}),
            "description_fr": forms.Textarea(attrs={"rows": 3}),
        }


class AttendeeForm(ModelForm):
    user = PersonChoiceField(label=_("Person"), queryset=people(), required=False)

    class Meta:
        model = Attendee
        fields = ["user", "name", "organization", "role", "attendance"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = people()

    def clean(self):
        data = super().clean()
        if "organization" in self.changed_data:
            # Typed in one language: kept with the language of the page it was typed on.
            typed = (data.get("organization") or "").strip()
            self.instance.organization_lang = written.typed_language() if typed else ""
        return data


class DecisionForm(ModelForm):
    class Meta:
        model = Decision
        fields = ["number", "agenda_item", "text_en", "text_fr"]
        widgets = {
            "text_en": forms.Textarea(attrs={"rows": 3}),
            "text_fr": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"].queryset = meeting.agenda_items.all()


class ActionItemForm(ModelForm):
    owner = PersonChoiceField(label=_("Owner"), queryset=people(), required=False)

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
        self.fields["owner"].queryset = people()


class ActionItemStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ActionItem.Status.choices)


class ExternalBodyForm(ModelForm):
    liaison = PersonChoiceField(label=_("Liaison person"), queryset=people(), required=False)
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
        self.fields["liaison"].queryset = people()


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
