"""The `date` and `time` filters, as Django's, with French typography: "1er avril 2026".

Loaded as a template builtin after Django's (settings.TEMPLATES), so every `|date` in every
template gets it without a `{% load %}`. French formats (config/formats/fr) give the times,
"16 h 00"; the first day of a month is the one thing a format string cannot say.
"""

import re

from django import template
from django.template.defaultfilters import date as django_date
from django.template.defaultfilters import time as django_time
from django.utils.translation import get_language

register = template.Library()

MONTHS = "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
FIRST = re.compile(rf"(?<!\d)1 ({MONTHS})")


def first_of_month(text: str) -> str:
    """ "1 avril 2026" → "1er avril 2026", in French only."""
    if not text or not (get_language() or "").startswith("fr"):
        return text
    return FIRST.sub(r"1er \1", text)


@register.filter(expects_localtime=True, is_safe=False)
def date(value, arg=None):
    return first_of_month(django_date(value, arg))


@register.filter(expects_localtime=True, is_safe=False)
def time(value, arg=None):
    return django_time(value, arg)
