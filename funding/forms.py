"""Forms check what a person typed and say what is wrong on the field; services do the rest."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from core.bilingual import current_language
from core.fiscal import fiscal_year_label, fiscal_year_of, parse_fiscal_year
from core.forms import Form, ModelForm
from core.limits import NOTE
from core.money import HELP_TEXT as MONEY_HELP_TEXT
from core.money import read_money
from core.templatetags.portal import money
from councils.models import Meeting, Priority
from workinggroups.models import Group

from .files import ACCEPT, check_attachment
from .models import FIRST_FISCAL_YEAR, MAX_AMOUNT, FundingRequest, Recommendation, Status

FISCAL_YEARS_AHEAD = 5


class VersionedForm(Form):
    """Carries the request's version as read when the page was drawn (optimistic locking)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


def clean_amount(value, *, maximum=MAX_AMOUNT):
    if value is None:
        return value
    if value <= 0:
        raise ValidationError(_("Enter an amount greater than zero."), code="not_positive")
    if value > maximum:
        raise ValidationError(
            _("Enter at most %(max)s dollars."),
            code="too_large",
            params={"max": number_format(maximum, decimal_pos=2, force_grouping=True)},
        )
    return value


class MoneyField(forms.DecimalField):
    """Dollars as people type them in either language; the rules are in core/money.py.

    An amount whose comma was read the other language's way (`12 500,50` on an English page)
    is not saved at once: the box shows it back in the page's format (`12,500.50`) with a
    message giving the amount as it will be saved, and saving again saves it."""

    def to_python(self, value):
        if isinstance(value, str):
            amount, literal = read_money(value, language=current_language())
            if not literal:
                raise ValidationError(
                    _(
                        "Read as %(amount)s. If that is the amount you meant, save again; "
                        "otherwise correct it."
                    ),
                    code="confirm",
                    params={"amount": money(amount)},
                )
            value = amount
        return super().to_python(value)

    def bound_data(self, data, initial):
        """What the box shows after a submission: the reading to confirm, when there is one."""
        if isinstance(data, str):
            try:
                amount, literal = read_money(data, language=current_language())
            except ValidationError:
                return data
            if not literal and amount is not None:
                return number_format(amount, decimal_pos=2, use_l10n=True, force_grouping=True)
        return data


def amount_field(label, required=True, help_text=None):
    return MoneyField(
        label=label,
        required=required,
        max_digits=12,
        decimal_places=2,
        help_text=format_lazy("{} {}", help_text, MONEY_HELP_TEXT)
        if help_text
        else MONEY_HELP_TEXT,
        error_messages={
            "invalid": _("Enter an amount in dollars, such as 25000 or 25000.50."),
            "max_digits": _("That amount is far too large."),
            "max_whole_digits": _("That amount is far too large."),
            "max_decimal_places": _("Enter at most two decimals (cents)."),
        },
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Several files at once; each is sniffed and size-checked, errors name the file."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        uploads = data if isinstance(data, list | tuple) else ([data] if data else [])
        checked, errors = [], []
        for upload in uploads:
            if not upload:
                continue
            try:
                super().clean(upload, initial)
                checked.append(check_attachment(upload))
            except ValidationError as exc:
                errors.extend(exc.error_list)
        if errors:
            raise ValidationError(errors)
        return checked


class FundingRequestForm(ModelForm):
    group = forms.ModelChoiceField(
        label=_("Requesting group"), queryset=Group.objects.none(), empty_label=None
    )
    fiscal_year = forms.CharField(
        label=_("Fiscal year"),
        max_length=9,
        help_text=_("April to March, such as 2026-27."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "2026-27"}),
    )
    amount_requested = amount_field(
        _("Amount requested (CAD)"), help_text=_("In Canadian dollars, with cents if needed.")
    )
    priorities = forms.ModelMultipleChoiceField(
        label=_("Council priorities this request advances"),
        queryset=Priority.objects.filter(is_active=True).order_by("number"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one priority this request advances.")},
    )
    attachments = AttachmentsField(
        label=_("Add attachments"),
        help_text=_("PDF or office documents (Word, Excel, PowerPoint, OpenDocument)."),
    )
    remove_attachments = forms.ModelMultipleChoiceField(
        label=_("Remove attachments"),
        queryset=FundingRequest.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = FundingRequest
        fields = [
            "title_en",
            "title_fr",
            "summary_en",
            "summary_fr",
            "outcomes_en",
            "outcomes_fr",
            "justification_en",
            "justification_fr",
            "cofunding_en",
            "cofunding_fr",
            "amount_requested",
            "priorities",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 4})
            for name in (
                "summary_en",
                "summary_fr",
                "outcomes_en",
                "outcomes_fr",
                "justification_en",
                "justification_fr",
                "cofunding_en",
                "cofunding_fr",
            )
        }

    CONTENT_FIELDS = Meta.fields[:-2]
    # Typed as "2026-27", read by core.fiscal, then checked by the model like the rest (the
    # model also validates the bilingual "one language at least" rule and the amounts).
    parsed_fields = ("fiscal_year",)

    def __init__(self, *args, user, groups=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        editing = self.instance.pk is not None
        if editing:
            del self.fields["group"]
            self.fields["remove_attachments"].queryset = self.instance.attachments.all()
            self.fields["version"].required = True
            if not self.is_bound:
                self.initial["version"] = self.instance.version
                self.initial["fiscal_year"] = fiscal_year_label(self.instance.fiscal_year)
        else:
            del self.fields["remove_attachments"]
            del self.fields["version"]
            self.fields["group"].queryset = groups if groups is not None else Group.objects.none()
            if not self.is_bound:
                self.initial.setdefault(
                    "fiscal_year", fiscal_year_label(fiscal_year_of(timezone.localdate()) + 1)
                )
        for name in self.CONTENT_FIELDS:
            self.fields[name].required = False
        self._say_chosen_files_are_not_kept()

    def _say_chosen_files_are_not_kept(self):
        """A browser never fills a file box again: when this form is shown back (an error
        somewhere), the files the person chose are gone. Say so next to the file box, in its
        help text, which the box points to (aria-describedby)."""
        chosen = [u.name for u in self.files.getlist("attachments") if u] if self.files else []
        if not chosen:
            return
        note = ngettext(
            "The form had an error, so the file you chose was not kept: %(names)s. "
            "Choose it again.",
            "The form had an error, so the files you chose were not kept: %(names)s. "
            "Choose them again.",
            len(chosen),
        ) % {"names": ", ".join(chosen)}
        field = self.fields["attachments"]
        field.help_text = format_html(
            '{} <strong class="d-block mt-1 dropped-files">{}</strong>', field.help_text, note
        )

    def clean_fiscal_year(self):
        start = parse_fiscal_year(self.cleaned_data["fiscal_year"])
        latest = fiscal_year_of(timezone.localdate()) + FISCAL_YEARS_AHEAD
        if not FIRST_FISCAL_YEAR <= start <= latest:
            raise ValidationError(
                _("Choose a fiscal year between %(first)s and %(last)s."),
                code="fiscal_year_range",
                params={
                    "first": fiscal_year_label(FIRST_FISCAL_YEAR),
                    "last": fiscal_year_label(latest),
                },
            )
        return start

    def clean_amount_requested(self):
        return clean_amount(self.cleaned_data.get("amount_requested"))

    def content(self):
        data = {name: self.cleaned_data[name] or "" for name in self.CONTENT_FIELDS}
        data["amount_requested"] = self.cleaned_data["amount_requested"]
        data["fiscal_year"] = self.cleaned_data["fiscal_year"]
        return data


class SubmitForm(VersionedForm):
    pass


class WithdrawForm(VersionedForm):
    reason = forms.CharField(
        label=_("Why are you withdrawing the request?"),
        max_length=NOTE,
        help_text=_("Kept in the request's history, with your name and the date."),
        error_messages={"required": _("Say why you are withdrawing the request.")},
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RecommendationForm(VersionedForm):
    decision = forms.ChoiceField(
        label=_("Your recommendation"),
        choices=Recommendation.Decision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose endorse, return for revision or decline.")},
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=NOTE,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Required to return or decline: it is e-mailed to the requesters. Write it in the "
            "language you prefer."
        ),
    )

    def clean(self):
        cleaned = super().clean()
        decision = cleaned.get("decision")
        needs = decision in (Recommendation.Decision.RETURN, Recommendation.Decision.DECLINE)
        if needs and not (cleaned.get("comment") or "").strip():
            self.add_error(
                "comment", _("Explain to the requesters why: your comment is sent to them.")
            )
        return cleaned


class ScheduleForm(VersionedForm):
    meeting = forms.ModelChoiceField(
        label=_("Meeting"),
        queryset=Meeting.objects.none(),
        error_messages={"required": _("Choose the meeting whose agenda gets this request.")},
    )

    def __init__(self, *args, request_obj, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = (
            Meeting.objects.filter(
                status=Meeting.Status.PLANNED,
                kind=Meeting.Kind.COUNCIL,
                councils__in=request_obj.group.councils.all(),
            )
            .distinct()
            .order_by("starts_at")
        )


class RescheduleForm(VersionedForm):
    """Move a scheduled request to another planned meeting, or take it off the agenda."""

    meeting = forms.ModelChoiceField(
        label=_("Move to"),
        queryset=Meeting.objects.none(),
        required=False,
        empty_label=_("— Take it off the agenda (no meeting) —"),
    )
    reason = forms.CharField(
        label=_("Why?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say why the request leaves this meeting's agenda.")},
    )

    def __init__(self, *args, request_obj, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = (
            Meeting.objects.filter(
                status=Meeting.Status.PLANNED,
                kind=Meeting.Kind.COUNCIL,
                councils__in=request_obj.group.councils.all(),
            )
            .exclude(pk=request_obj.meeting_id)
            .distinct()
            .order_by("starts_at")
        )


DECISION_CHOICES = [
    (Status.APPROVED.value, pgettext_lazy("members' decision", "Approved")),
    (Status.NOT_APPROVED.value, pgettext_lazy("members' decision", "Not approved")),
    (Status.DEFERRED.value, _("Deferred to a later meeting")),
]


class DecisionForm(VersionedForm):
    outcome = forms.ChoiceField(
        label=_("The members' decision"),
        choices=DECISION_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the members' decision.")},
    )
    amount_approved = amount_field(
        _("Amount approved (CAD)"),
        required=False,
        help_text=_("Required when approved; at most the amount requested."),
    )
    votes_for = forms.IntegerField(label=_("Votes for"), required=False, min_value=0, max_value=999)
    votes_against = forms.IntegerField(
        label=_("Votes against"), required=False, min_value=0, max_value=999
    )
    votes_abstaining = forms.IntegerField(
        label=_("Abstentions"), required=False, min_value=0, max_value=999
    )
    note = forms.CharField(
        label=_("Note for the record"),
        required=False,
        max_length=NOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, request_obj, **kwargs):
        super().__init__(*args, **kwargs)
        self.request_obj = request_obj

    def clean(self):
        cleaned = super().clean()
        amount = cleaned.get("amount_approved")
        if cleaned.get("outcome") == Status.APPROVED:
            if amount is None and "amount_approved" not in self.errors:
                self.add_error("amount_approved", _("Enter the amount the members approved."))
            elif amount is not None:
                try:
                    clean_amount(amount, maximum=self.request_obj.amount_requested)
                except ValidationError as exc:
                    if exc.code == "too_large":
                        exc = ValidationError(
                            _("The approved amount cannot exceed the amount requested.")
                        )
                    self.add_error("amount_approved", exc)
        else:
            cleaned["amount_approved"] = None
        return cleaned


def amount_or_none(value):
    return None if value in (None, "") else Decimal(value)


class PackagePublishForm(Form):
    """Publishing a meeting's package: the version the page offered, so that a second tab (or
    a colleague) that published meanwhile is noticed rather than published over."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=32767)
