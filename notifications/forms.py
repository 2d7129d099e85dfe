from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import Form

from . import kinds
from .models import Delivery


class PreferenceForm(Form):
    delivery = forms.ChoiceField(
        label=_("Send my reminders by e-mail"),
        choices=Delivery.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Missed deadlines and overdue workplans are always e-mailed at once. Every "
            "reminder also appears in your inbox here."
        ),
    )
    muted_kinds = forms.MultipleChoiceField(
        label=_("Reminders I do not want"),
        choices=kinds.optional_choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Reminders about missed deadlines cannot be turned off."),
    )


class ReminderLogFilter(Form):
    show = forms.ChoiceField(
        label=_("Show"),
        choices=[("sent", _("Reminders claimed and sent")), ("upcoming", _("Coming up"))],
        required=False,
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All kinds")), *kinds.choices()]
