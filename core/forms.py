"""The portal's ModelForm: one clear message per problem.

Django validates a ModelForm twice, the form's fields and then the model (`full_clean`). When a
field's text cannot be read, the form says so; the model must not then add its own, raw
message about the same field ("This field cannot be null.") because the value it received is
missing. Every ModelForm in the portal derives from this one, every other form from `Form`;
both add each text box's limit to its help text (core/limits.py).
"""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from core.limits import DescribesLimits


class Form(DescribesLimits, forms.Form):
    """The portal's plain form: its text boxes say their limit in their help text."""


class ModelForm(DescribesLimits, forms.ModelForm):
    # Fields the form reads itself (a parser in core, e.g. a fiscal year typed as "2026-27")
    # and then hands to the model, whose validation runs on them only once they were read.
    parsed_fields: tuple[str, ...] = ()

    def _post_clean(self):
        for name in self.parsed_fields:
            if name in self.cleaned_data:
                setattr(self.instance, name, self.cleaned_data[name])
        super()._post_clean()

    def _get_validation_exclusions(self):
        exclusions = super()._get_validation_exclusions()
        for name in self.parsed_fields:
            if name in self.cleaned_data:
                exclusions.discard(name)
        return exclusions

    def _update_errors(self, errors):
        """The model's errors, except on fields the form has already refused."""
        if hasattr(errors, "error_dict"):
            kept = {
                field: messages
                for field, messages in errors.error_dict.items()
                if field == NON_FIELD_ERRORS or field not in self._errors
            }
            if not kept:
                return
            errors = ValidationError(kept)
        super()._update_errors(errors)
