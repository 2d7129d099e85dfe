"""What changed between two submitted revisions, for the reviewers of a resubmission."""

import difflib
import re
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from core.fiscal import fiscal_year_label
from councils.models import Priority

from .models import FundingRequest

TOKEN = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)


def _label(name):
    if name == "priorities":
        return _("Priorities")
    if name == "attachments":
        return _("Attachments")
    return FundingRequest._meta.get_field(name).verbose_name


def inline_diff(old: str, new: str):
    """Word-level diff as HTML: removed words in <del>, added words in <ins>."""
    a, b = TOKEN.findall(old or ""), TOKEN.findall(new or "")
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(escape("".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if j2 > j1:
            out.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
    return mark_safe("".join(out).replace("\n", "<br>"))


def revision_changes(previous: dict, current: dict):
    """[(label, before, after, inline)] for each field that differs."""
    if not previous or not current:
        return []
    priority_ids = set(previous.get("priorities", [])) | set(current.get("priorities", []))
    priorities = Priority.objects.in_bulk(priority_ids)

    def show(name, value):
        if name == "priorities":
            return "; ".join(str(priorities[p].title) for p in value if p in priorities)
        if name == "attachments":
            return "; ".join(value)
        if name == "fiscal_year":
            return fiscal_year_label(value)
        if name == "amount_requested":
            return Decimal(value)
        return value or ""

    changes = []
    for name in current:
        before, after = previous.get(name), current.get(name)
        if before == after:
            continue
        old, new = show(name, before), show(name, after)
        text = isinstance(old, str) and isinstance(new, str)
        changes.append(
            {
                "name": name,
                "label": _label(name),
                "before": old,
                "after": new,
                "inline": inline_diff(old, new) if text else None,
            }
        )
    return changes
