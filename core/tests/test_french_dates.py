"""French dates and times read as a translator writes them: "1er avril 2026", "16 h 00"."""

import datetime

from django.template import Context, Template
from django.utils import translation

MOMENT = datetime.datetime(2026, 4, 1, 16, 0)


def render(text, language):
    with translation.override(language):
        return Template(text).render(Context({"d": MOMENT.date(), "t": MOMENT}))


def test_the_first_of_the_month_is_1er_in_french_only():
    assert render('{{ d|date:"DATE_FORMAT" }}', "fr") == "1er avril 2026"
    assert render('{{ d|date:"DATE_FORMAT" }}', "en") == "April 1, 2026"
    assert render('{{ d|date:"j F" }}', "fr") == "1er avril"


def test_other_days_are_untouched():
    eleventh = datetime.date(2026, 4, 11)
    with translation.override("fr"):
        text = Template('{{ d|date:"DATE_FORMAT" }}').render(Context({"d": eleventh}))
    assert text == "11 avril 2026"


def test_times_read_16_h_00_in_french():
    assert render('{{ t|time:"TIME_FORMAT" }}', "fr") == "16 h 00"
    assert render("{{ t|time }}", "fr") == "16 h 00"
    assert render('{{ t|date:"DATETIME_FORMAT" }}', "fr") == "1er avril 2026, 16 h 00"
