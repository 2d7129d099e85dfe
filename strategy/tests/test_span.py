"""A strategic plan spans two or three fiscal years (April to March)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from strategy.forms import PlanCreateForm
from strategy.models import StrategicPlan
from strategy.services import plan_create

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("first", "last"), [(2026, 2027), (2026, 2028)])
def test_two_or_three_fiscal_years_are_accepted(secretariat, first, last):
    plan, _ = plan_create(
        by=secretariat, title_en="Plan", first_fiscal_year=first, last_fiscal_year=last
    )
    assert plan.fiscal_years == list(range(first, last + 1))


@pytest.mark.parametrize(
    ("first", "last", "years"), [(2026, 2026, 1), (2026, 2029, 4), (2027, 2026, 0)]
)
def test_other_spans_are_refused_on_the_last_year_with_the_rule(secretariat, first, last, years):
    with pytest.raises(ValidationError) as caught:
        plan_create(by=secretariat, title_en="Plan", first_fiscal_year=first, last_fiscal_year=last)
    message = caught.value.message_dict["last_fiscal_year"][0]
    assert "spans two or three fiscal years" in message and f"is {years}." in message
    assert not StrategicPlan.objects.exists()


def test_the_database_refuses_a_four_year_plan_too(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        StrategicPlan.objects.create(title_en="Plan", first_fiscal_year=2026, last_fiscal_year=2029)


def test_the_plan_period_runs_from_april_to_march():
    plan = StrategicPlan(first_fiscal_year=2026, last_fiscal_year=2028)
    assert plan.period == (datetime.date(2026, 4, 1), datetime.date(2029, 3, 31))
    assert plan.span_label == "2026-27 to 2028-29"


def test_the_form_shows_the_span_rule_on_its_field(db):
    form = PlanCreateForm(
        {"title_en": "Plan", "first_fiscal_year": "2026", "last_fiscal_year": "2026"}
    )
    assert not form.is_valid()
    assert "spans two or three fiscal years" in form.errors["last_fiscal_year"][0]
