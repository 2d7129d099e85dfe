"""How much text a person may type into one field: the limits, kept in one place.

Every free-text field has a maximum length, generous for real use and small enough that a
request's work stays bounded (the revision diff, e-mails, pages):

- a line (names, titles): its CharField's `max_length`, 200 to 400 characters;
- NOTE (reasons, comments, notes for the record): 10,000 characters;
- TEXT (descriptions, summaries, mandates, narratives): 20,000 characters;
- LONG_TEXT (meeting minutes and context): 60,000 characters.

The limit is written in the model (`max_length`, and for a TextField a MaxLengthValidator,
since Django enforces TextField's `max_length` only in forms), in the form (`max_length`, so
the box says `maxlength` and the form refuses more next to the field) and in the help text
("Up to 10,000 characters."), added by `describe_limits` to every form of the portal.
`tests/test_text_limits.py` walks every model and every text area a persona reaches, and
fails on a free-text field without a limit.
"""

from django import forms
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.formats import number_format
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import ngettext

NOTE = 10_000
TEXT = 20_000
LONG_TEXT = 60_000
LONGEST = max(NOTE, TEXT, LONG_TEXT)  # the largest field: the revision diff is sized for it

# Short coded inputs (a fiscal year, a sign-in code, a search box) say their format instead.
SHOWN_FROM = 100


def text_field(verbose_name, *, max_length=NOTE, **kwargs) -> models.TextField:
    """A TextField whose limit holds in the model too (full_clean), not only in forms."""
    return models.TextField(verbose_name, **text_limit(max_length), **kwargs)


def text_limit(max_length) -> dict:
    """The keyword arguments that bound a TextField: `max_length` and its validator."""
    return {"max_length": max_length, "validators": [MaxLengthValidator(max_length)]}


def _up_to(max_length):
    count = number_format(max_length, use_l10n=True, force_grouping=True)
    return ngettext("Up to %(count)s character.", "Up to %(count)s characters.", max_length) % {
        "count": count
    }


up_to = lazy(_up_to, str)


def describe_limits(form):
    """Adds "Up to N characters." to the help text of each text box of `form` with a limit."""
    for field in form.fields.values():
        if not isinstance(field, forms.CharField) or not field.max_length:
            continue
        widget = field.widget
        if widget.is_hidden or getattr(widget, "input_type", "text") != "text":
            continue
        if field.max_length < SHOWN_FROM or getattr(field, "limit_described", False):
            continue
        limit = up_to(field.max_length)
        field.help_text = format_lazy("{} {}", field.help_text, limit) if field.help_text else limit
        field.limit_described = True


def normalise_line_breaks(form):
    """Reads the line breaks of `form`'s text areas as one character each. A browser counts a
    line break as one character against `maxlength` but sends it as two (CR LF), so a text
    that fits the box would otherwise be refused as too long."""
    if not form.is_bound or not hasattr(form.data, "getlist"):
        return
    names = [
        form.add_prefix(name)
        for name, field in form.fields.items()
        if isinstance(field.widget, forms.Textarea)
    ]
    if not any("\r" in value for name in names for value in form.data.getlist(name)):
        return
    form.data = form.data.copy()
    for name in names:
        values = [value.replace("\r\n", "\n") for value in form.data.getlist(name)]
        if values:
            form.data.setlist(name, values)


class DescribesLimits:
    """Form mixin: the limits of its text boxes are in their help text, and a line break
    counts as one character, as in the browser."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        describe_limits(self)
        normalise_line_breaks(self)
