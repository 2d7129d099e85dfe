"""CSV downloads that the reader's spreadsheet splits correctly.

French-locale spreadsheets (Excel, LibreOffice set to fr-CA) expect ``;`` between cells and a
decimal comma; English ones ``,`` and a decimal point. Both get UTF-8 with a byte-order mark,
so accents survive. Text cells that a spreadsheet would run as a formula are neutralised."""

import csv
from decimal import Decimal

from django.http import HttpResponse
from django.utils.translation import get_language

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_french():
    return (get_language() or "en").startswith("fr")


def csv_response(filename):
    """An attachment response and a writer for it, in the active language's conventions.
    ``filename`` is without extension and already in the reader's language."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";" if is_french() else ",")
    return response, writer


def amount(value):
    """Two decimals, with the reader's decimal separator and no grouping."""
    text = f"{Decimal(value or 0):.2f}"
    return text.replace(".", ",") if is_french() else text


def safe_text(value):
    """Text a spreadsheet will not run as a formula."""
    text = str(value)
    return "'" + text if text[:1] in FORMULA_STARTS else text
