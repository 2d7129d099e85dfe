"""One reading of amounts in dollars, used by every amount field (funding.forms.MoneyField).

The rules (also in the fields' help text):
- accepted in both languages: `12500`, `12500.50`, `$12,500.50`, `12,500.50`, `12 500,50`,
  `12 500,50 $`, `12 500.50` (the space may be a no-break or narrow no-break space);
- a dot followed by one or two digits is the decimal mark; a comma followed by one or two
  digits is the decimal mark when the number is grouped with spaces, or in French;
- commas followed by groups of three digits are thousands separators, unless that could be a
  French decimal comma (`1,500` in French: refused);
- everything else that could be read two ways is refused with an example: `1,5` in English,
  `12.500`, `12,50.5`, a minus sign, letters;
- nothing is rounded: more than two decimals are refused by the field.

A reading is *literal* when the comma, if any, means what it means in the interface's language
(a thousands separator in English, the decimal mark in French). Otherwise (`12 500,50` on an
English page, `$12,500.50` on a French one) the amount saved would look different from what was
typed, so the form shows the amount back in the page's format and asks to save again
(`funding.forms.MoneyField`).
"""

import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

SPACES = ("\u00a0", "\u202f", "\u2009")
_PLAIN = r"\d+"
_SPACE_GROUPS = r"\d{1,3}(?: \d{3})+"
_COMMA_GROUPS = r"\d{1,3}(?:,\d{3})+"
DOT_DECIMAL = re.compile(
    rf"(?P<whole>{_PLAIN}|{_SPACE_GROUPS}|{_COMMA_GROUPS})(?:\.(?P<cents>\d{{1,2}}))?"
)
COMMA_DECIMAL = re.compile(rf"(?P<whole>{_PLAIN}|{_SPACE_GROUPS}),(?P<cents>\d{{1,2}})")

HELP_TEXT = _(
    "In dollars, in either language's format: 12500.50, $12,500.50 or 12 500,50 $. "
    "An amount that could be read two ways, such as 1,5, is refused; one written the French "
    "way is shown back for you to confirm before it is saved."
)


def unclear(example_language):
    return ValidationError(
        _(
            "This amount could be read more than one way. Write it as %(example)s, "
            "with at most two decimals."
        ),
        code="unclear",
        params={"example": "12 500,50 $" if example_language == "fr" else "$12,500.50"},
    )


def parse_money(text, *, language="en"):
    """The Decimal that `text` means, or ValidationError (code "unclear") when in doubt."""
    return read_money(text, language=language)[0]


def read_money(text, *, language="en"):
    """(amount, literal): the Decimal that `text` means and whether its comma, if any, was read
    as the interface's language reads it. ValidationError (code "unclear") when in doubt."""
    if text is None:
        return None, True
    value = str(text)
    for space in SPACES:
        value = value.replace(space, " ")
    value = " ".join(value.split())
    value = re.sub(r"^(?:CAD|CA)?\s*\$\s*|\s*\$\s*(?:CAD|CA)?$|\s*CAD$", "", value).strip()
    if not value:
        return None, True
    sign = ""
    if value[0] in "-\u2212":  # read, then refused by the field as "greater than zero"
        sign, value = "-", value[1:].strip()
    if not re.fullmatch(r"[0-9 ,.]+", value):
        raise ValidationError(
            _("Enter an amount in dollars, such as %(example)s."),
            code="invalid",
            params={"example": "12 500,50 $" if language == "fr" else "$12,500.50"},
        )
    if language != "fr" and re.fullmatch(r"\d+\.\d{3,}", value):
        return Decimal(sign + value), True  # plainly decimals; the field refuses more than two
    if match := DOT_DECIMAL.fullmatch(value):
        whole, cents = match["whole"], match["cents"] or "0"
        if language == "fr" and "," in whole and match["cents"] is None:
            raise unclear(language)  # "1,500": a thousand, or one and a half?
    elif match := COMMA_DECIMAL.fullmatch(value):
        whole, cents = match["whole"], match["cents"]
        if language != "fr" and " " not in whole:
            raise unclear(language)  # "1,5" in English
    else:
        raise unclear(language)
    # The comma read as the decimal mark in English, or as a thousands separator in French.
    comma_as_decimal = match.re is COMMA_DECIMAL
    literal = "," not in value or comma_as_decimal == (language == "fr")
    digits = whole.replace(",", "").replace(" ", "")
    return Decimal(f"{sign}{digits}.{cents}"), literal
