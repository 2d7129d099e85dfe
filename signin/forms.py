from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .rules import password_signin_allowed


class PortalAuthenticationForm(AuthenticationForm):
    """Django's sign-in form, refusing a password to the roles that must use single sign-on."""

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not password_signin_allowed(user):
            raise ValidationError(
                _(
                    "Your role signs in with your organisation’s account, not a password. "
                    "Use the single sign-on button on this page."
                ),
                code="sso_required",
            )


class SecondFactorForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        help_text=_(
            "The 6-digit code your authenticator app shows now, or one of your recovery codes."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"}
        ),
    )


class EnrolForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the app"),
        max_length=10,
        help_text=_("The 6 digits the app shows for this portal, to prove it is set up."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if not (code.isascii() and code.isdigit() and len(code) == 6):
            raise ValidationError(_("Enter the 6 digits the app shows."), code="format")
        return code
