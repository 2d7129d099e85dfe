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


# Pages a `next` must never lead to: signed in, the sign-in page sends the person on to its
# own `next` again (a redirect loop Django reports as a 500), sign-out and the language switch
# answer POST only, and the single sign-on answer needs a state only the provider sends.
NOT_A_NEXT_PAGE = {"login", "logout", "set_language", "oidc_callback", "oidc_signed_out"}


def leads_to_sign_in_or_out(url):
    """True when `url`'s path is one of NOT_A_NEXT_PAGE in any of the portal's languages."""
    from urllib.parse import unquote, urlsplit

    from django.conf import settings
    from django.urls import Resolver404, resolve
    from django.utils import translation

    try:
        path = unquote(urlsplit(url).path)
    except ValueError:  # e.g. an unbalanced "[" in the host part
        return True
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            try:
                match = resolve(path)
            except Resolver404:
                continue
        if match.url_name in NOT_A_NEXT_PAGE:
            return True
    return False


def safe_next(request, url):
    """`url` if it is a page of this site a person may be sent on to, else "" (the caller's
    default landing page): another host or scheme, a bare word (which `redirect()` would try
    as a URL name), and the sign-in/out pages fall back."""
    from django.utils.http import url_has_allowed_host_and_scheme

    if not isinstance(url, str) or not url.startswith("/") or has_odd_characters(url):
        return ""
    if not url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return ""
    return "" if leads_to_sign_in_or_out(url) else url
