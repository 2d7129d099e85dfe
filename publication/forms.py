from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import Form
from core.limits import NOTE


class StepForm(Form):
    """The confirmation of a publication step: a reason, required to unpublish."""

    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=NOTE
    )

    def __init__(self, *args, reason_required=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = reason_required
