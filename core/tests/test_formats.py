from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.utils import translation

from core.fiscal import fiscal_year_label, fiscal_year_of, parse_fiscal_year


def render(template, **ctx):
    return Template("{% load portal %}" + template).render(Context(ctx))


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "$1,234.56"), ("fr", "1\u00a0234,56\u00a0$")],
)
def test_money_is_written_the_canadian_way(language, expected):
    with translation.override(language):
        assert render("{{ v|money }}", v=Decimal("1234.56")) == expected


def test_fiscal_years_run_april_to_march():
    import datetime

    assert fiscal_year_of(datetime.date(2020, 3, 31)) == 2019
    assert fiscal_year_of(datetime.date(2020, 4, 1)) == 2020


@pytest.mark.parametrize(("language", "expected"), [("en", "2020-21"), ("fr", "2020-2021")])
def test_fiscal_year_label(language, expected):
    assert fiscal_year_label(2020, language) == expected


@pytest.mark.parametrize("text", ["2020-21", "2020-2021", "2020–21", " 2020 - 21 ", "2020"])
def test_parse_fiscal_year_accepts_canadian_forms(text):
    assert parse_fiscal_year(text) == 2020


@pytest.mark.parametrize("text", ["2020-22", "2020-2022", "20-21", "abc", "", "2020-19"])
def test_parse_fiscal_year_refuses_the_rest(text):
    with pytest.raises(ValidationError):
        parse_fiscal_year(text)


def test_french_long_dates():
    import datetime

    with translation.override("fr"):
        assert (
            render('{{ d|date:"DATE_FORMAT" }}', d=datetime.date(2020, 2, 27)) == "27 février 2020"
        )
    with translation.override("en"):
        assert (
            render('{{ d|date:"DATE_FORMAT" }}', d=datetime.date(2020, 2, 27))
            == "February 27, 2020"
        )


@pytest.mark.parametrize(
    ("value", "language", "expected"),
    [(33.4, "en", "33%"), (33.6, "fr", "34\u00a0%"), ("", "en", "–"), (None, "fr", "–")],
)
def test_percent(value, language, expected):
    with translation.override(language):
        assert render("{{ v|percent }}", v=value) == expected
