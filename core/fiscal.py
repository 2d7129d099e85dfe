"""Canadian government fiscal years run April 1 to March 31; FY 2020-21 starts 2020-04-01."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.bilingual import current_language

FISCAL_YEAR_RE = re.compile(r"^\s*(\d{4})\s*[-–/]\s*(\d{2}|\d{4})\s*$")


def fiscal_year_of(day: datetime.date) -> int:
    """The calendar year in which the fiscal year containing `day` starts."""
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_bounds(start_year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(start_year, 4, 1), datetime.date(start_year + 1, 3, 31)


def fiscal_year_label(start_year, language=None) -> str:
    """ "2020-21" in English, "2020-2021" in French, as federal publications write them."""
    if start_year in (None, ""):
        return ""
    start_year = int(start_year)
    if (language or current_language()) == "fr":
        return f"{start_year}-{start_year + 1}"
    return f"{start_year}-{(start_year + 1) % 100:02d}"


def parse_fiscal_year(text: str) -> int:
    """Accept "2020-21", "2020-2021" or "2020"; refuse a second year that does not follow."""
    match = FISCAL_YEAR_RE.match(text or "")
    if not match:
        if (text or "").strip().isdigit() and len(text.strip()) == 4:
            return int(text)
        raise ValidationError(_("Enter a fiscal year such as 2020-21."), code="fiscal_year_format")
    start, end = int(match.group(1)), match.group(2)
    expected = start + 1
    if (len(end) == 2 and int(end) != expected % 100) or (len(end) == 4 and int(end) != expected):
        raise ValidationError(
            _("A fiscal year runs April to March: %(start)s is followed by %(end)s."),
            code="fiscal_year_sequence",
            params={"start": start, "end": fiscal_year_label(start)},
        )
    return start


def reporting_period(day: datetime.date, months: int) -> tuple[datetime.date, datetime.date]:
    """The reporting period of `months` months (a divisor of 12) that contains `day`, aligned
    with the fiscal year: quarterly periods start on April 1, July 1, October 1, January 1."""
    fiscal_start = fiscal_year_of(day)
    offset = (day.year - fiscal_start) * 12 + day.month - 4  # months since April 1
    first = offset - offset % months
    start = datetime.date(fiscal_start + (3 + first) // 12, (3 + first) % 12 + 1, 1)
    after = 3 + first + months
    end = datetime.date(fiscal_start + after // 12, after % 12 + 1, 1) - datetime.timedelta(days=1)
    return start, end


def previous_reporting_period(day: datetime.date, months: int):
    """The last period that ended before the one containing `day`."""
    start, _end = reporting_period(day, months)
    return reporting_period(start - datetime.timedelta(days=1), months)
