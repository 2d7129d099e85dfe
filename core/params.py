"""Reading ids and numbers from query strings: one rule for every page.

`str.isdigit()` accepts "²" and "١" that `int()` refuses or reads as another number, and
`int()` accepts " 12 ", "+12" and numbers far past any primary key. Pages read ids with
`parse_id` (ASCII digits only, within a bigint) and get `None` for anything else, so an odd
value is treated as "no filter" instead of a 500. NUL bytes and other control characters in a
query string are refused with 400 by `core.middleware.OddParametersMiddleware`.
"""

import re

MAX_ID = 2**63 - 1
_ASCII_DIGITS = re.compile(r"[0-9]{1,19}")
# C0 controls except tab, line feed and carriage return, which forms may legitimately send.
ODD_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def parse_id(value):
    """The positive integer written in ASCII digits in `value`, or None."""
    if not isinstance(value, str) or not _ASCII_DIGITS.fullmatch(value):
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


def parse_int(value, default=None):
    """Like `parse_id` but allows 0; `default` for anything that is not plain ASCII digits."""
    if isinstance(value, str) and _ASCII_DIGITS.fullmatch(value):
        number = int(value)
        if number <= MAX_ID:
            return number
    return default


def has_odd_characters(text):
    return bool(ODD_CHARACTERS.search(text))
