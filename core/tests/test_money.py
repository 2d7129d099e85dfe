"""Issue 14: an amount written either language's way is read as the person meant it, or
refused, or shown back for confirmation; never saved as another amount."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from core.money import read_money

SPACES = [" ", "\u00a0", "\u202f"]
amounts = st.decimals(min_value=0, max_value=Decimal("9999999999.99"), places=2)


def english(amount, cents=True, sign=True):
    text = f"{amount:,.2f}" if cents else f"{amount:,.0f}"
    return f"${text}" if sign else text


def french(amount, space, cents=True, sign=True):
    text = (f"{amount:,.2f}" if cents else f"{amount:,.0f}").replace(",", space).replace(".", ",")
    return f"{text}{space}$" if sign else text


@settings(deadline=None)  # never depends on the machine's speed
@given(
    amount=amounts,
    space=st.sampled_from(SPACES),
    cents=st.booleans(),
    sign=st.booleans(),
    language=st.sampled_from(["en", "fr"]),
    written=st.sampled_from(["en", "fr", "plain"]),
)
def test_a_well_written_amount_is_never_read_as_another(
    amount, space, cents, sign, language, written
):
    if written == "en":
        text = english(amount, cents, sign)
    elif written == "fr":
        text = french(amount, space, cents, sign)
    else:
        text = f"{amount:.2f}" if cents else f"{amount:.0f}"
    try:
        read, literal = read_money(text, language=language)
    except ValidationError:
        # Refused only when it could be read two ways: `1,500` on a French page (a thousand,
        # or one and a half?), `1,50` on an English one (an ungrouped decimal comma).
        thousands_comma = language == "fr" and written == "en" and not cents and amount >= 1000
        decimal_comma = language == "en" and written == "fr" and cents and amount < 1000
        assert thousands_comma or decimal_comma, (text, language)
        return
    expected = amount if cents else amount.quantize(Decimal("1"))
    assert read == expected, (text, language)
    # Read the interface language's own way (or plainly), it is saved at once; read the other
    # language's way, it is shown back first.
    uses_comma = "," in text
    assert literal == (not uses_comma or written == language), (text, language)


@pytest.mark.parametrize(
    ("language", "text"),
    [("en", "1,5"), ("en", "12,50"), ("fr", "1,500"), ("fr", "12.500"), ("en", "1.2.3")],
)
def test_what_could_be_read_two_ways_is_refused(language, text):
    with pytest.raises(ValidationError) as refused:
        read_money(text, language=language)
    assert refused.value.code == "unclear"
