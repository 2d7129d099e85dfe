from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.bilingual import translated_order
from core.forms import Form
from core.limits import NOTE
from councils.forms import DateInput
from councils.models import Council, Jurisdiction, Profile
from workinggroups.models import Group

from .services import COUNCIL_ROLES, GROUP_ROLES


class PersonSearchForm(Form):
    """The people list's search: by name (or address), and by status."""

    STATUSES = [
        ("", pgettext_lazy("people filter", "Everyone")),
        ("active", pgettext_lazy("person status", "Active")),
        ("invited", pgettext_lazy("person status", "Invited")),
        ("inactive", pgettext_lazy("person status", "Inactive")),
    ]

    q = forms.CharField(label=_("Name or e-mail address"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), choices=STATUSES, required=False)


class JurisdictionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj.name)


class GroupChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj.name)


class CouncilChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.acronym} — {obj.name}"


class PersonFieldsMixin(Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        help_text=_("The person signs in with this address as their username."),
    )
    jurisdiction = JurisdictionChoiceField(
        label=_("Jurisdiction"), queryset=Jurisdiction.objects.none(), required=False
    )
    # The boxes say the language typed in them (WCAG 3.1.2); the labels stay the page's.
    title_en = forms.CharField(
        label=_("Title (English)"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"lang": "en"}),
    )
    title_fr = forms.CharField(
        label=_("Title (French)"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"lang": "fr"}),
    )
    language = forms.ChoiceField(
        label=_("Language"),
        choices=Profile.Language.choices,
        widget=forms.RadioSelect,
        help_text=_("Pages and e-mails reach the person in this language."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].queryset = Jurisdiction.objects.order_by(
            "kind", translated_order("name")
        )

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class InviteForm(PersonFieldsMixin):
    ROLES = [
        ("", _("No role yet")),
        (
            _("Council"),
            [
                ("council_member", _("Council member")),
                ("council_co_chair", _("Council co-chair")),
                ("council_secretariat", _("Council secretariat")),
                ("council_guest", _("Council guest")),
            ],
        ),
        (
            _("Group"),
            [
                ("group_co_chair", _("Group co-chair")),
                ("group_member", _("Group member")),
            ],
        ),
    ]

    role = forms.ChoiceField(
        label=_("First role"),
        choices=ROLES,
        required=False,
        help_text=_("Optional. Other roles are added from the council and group pages."),
    )
    council = CouncilChoiceField(
        label=_("Council"),
        queryset=Council.objects.none(),
        required=False,
        help_text=_("For a council role."),
    )
    group = GroupChoiceField(
        label=_("Group"),
        queryset=Group.objects.none(),
        required=False,
        help_text=_("For a group role."),
    )
    start_date = forms.DateField(
        label=_("Role starts on"),
        required=False,
        widget=DateInput(),
        help_text=_("Today if empty."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["council"].queryset = Council.objects.order_by("code")
        self.fields["group"].queryset = Group.objects.current().order_by(
            translated_order("name"), "pk"
        )
        self.fields["language"].initial = Profile.Language.ENGLISH

    def clean(self):
        data = super().clean()
        role = data.get("role")
        if role in COUNCIL_ROLES and not data.get("council"):
            self.add_error("council", _("Choose the council of this role."))
        if role in GROUP_ROLES and not data.get("group"):
            self.add_error("group", _("Choose the group of this role."))
        start = data.get("start_date")
        if start and start.year < 1900:
            self.add_error("start_date", _("Enter a real date."))
        return data


class PersonForm(PersonFieldsMixin):
    """The secretariat corrects a person's name, address, jurisdiction, title or language."""

    @classmethod
    def initial_for(cls, person):
        profile = person.profile
        return {
            "first_name": person.first_name,
            "last_name": person.last_name,
            "email": person.email,
            "jurisdiction": profile.jurisdiction_id,
            "title_en": profile.title_en,
            "title_fr": profile.title_fr,
            "language": profile.preferred_language,
        }


class DeactivateForm(Form):
    last_day = forms.DateField(
        label=_("Last day"),
        widget=DateInput(),
        help_text=_(
            "Every membership still running ends on this day. Today, or a day in the past."
        ),
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional: kept in the person's history with your name and the date."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["last_day"].initial = timezone.localdate()

    def clean_last_day(self):
        day = self.cleaned_data["last_day"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The last day cannot be in the future."))
        if day.year < 1900:
            raise forms.ValidationError(_("Enter a real date."))
        return day


class ReactivateForm(Form):
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional: kept in the person's history with your name and the date."),
    )


class ChoosePasswordForm(SetPasswordForm):
    """The invitee's first password (Django's own rules: length, similarity, common ones)."""
