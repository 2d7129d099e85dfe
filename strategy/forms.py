from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.fiscal import fiscal_year_label, fiscal_year_of
from core.forms import Form, ModelForm
from core.limits import NOTE

from .models import MAX_WEIGHT, REASON_REQUIRED, StrategicPlan


def _fiscal_year_choices(around=None, before=2, after=5):
    current = fiscal_year_of(around or timezone.localdate())
    return [(y, fiscal_year_label(y)) for y in range(current - before, current + after + 1)]


class DashboardFilterForm(Form):
    """The dashboard's filters. Choices come from lists the view has already read, so the
    form costs no query of its own."""

    plan = forms.TypedChoiceField(label=_("Plan"), coerce=int, required=False)
    council = forms.ChoiceField(label=_("Council"), required=False)
    fiscal_year = forms.TypedChoiceField(
        label=_("Fiscal year"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, data, *, plans, councils, plan=None):
        super().__init__(data)
        self.fields["plan"].choices = [(p.pk, f"{p} — {p.get_status_display()}") for p in plans]
        self.fields["council"].choices = [("", _("Both councils"))] + [
            (c.code, f"{c.acronym} — {c.name}") for c in councils
        ]
        # Before the plan is known, accept the years of any plan; the view keeps the year only
        # if the chosen plan spans it.
        years = plan.fiscal_years if plan else sorted({y for p in plans for y in p.fiscal_years})
        self.fields["fiscal_year"].choices = [("", _("Every year of the plan"))] + [
            (y, fiscal_year_label(y)) for y in years
        ]


class PlanCreateForm(ModelForm):
    """A new draft. The span rule (two or three fiscal years) is the model's, shown on the
    last-year field."""

    first_fiscal_year = forms.TypedChoiceField(label=_("First fiscal year"), coerce=int)
    last_fiscal_year = forms.TypedChoiceField(label=_("Last fiscal year"), coerce=int)

    class Meta:
        model = StrategicPlan
        fields = [
            "title_en",
            "title_fr",
            "council",
            "first_fiscal_year",
            "last_fiscal_year",
            "summary_en",
            "summary_fr",
        ]
        widgets = {
            "summary_en": forms.Textarea(attrs={"rows": 3}),
            "summary_fr": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = _fiscal_year_choices()
        self.fields["first_fiscal_year"].choices = choices
        self.fields["last_fiscal_year"].choices = choices
        self.fields["council"].empty_label = _("Joint councils (both)")
        if not self.is_bound:
            current = fiscal_year_of(timezone.localdate())
            self.initial.setdefault("first_fiscal_year", current)
            self.initial.setdefault("last_fiscal_year", current + 2)


class TransitionForm(Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=NOTE
    )

    def __init__(self, *args, plan, to, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = (plan.status, to) in REASON_REQUIRED


class WeightForm(Form):
    weight = forms.IntegerField(label=_("Weight"), min_value=1, max_value=MAX_WEIGHT)
