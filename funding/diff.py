"""What changed between two submitted revisions, for the reviewers of a resubmission."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from core.fiscal import fiscal_year_label
from core.textdiff import inline_diff
from councils.models import Priority

from .models import FundingRequest


def _label(name):
    if name == "priorities":
        return _("Priorities")
    if name == "attachments":
        return _("Attachments")
    return FundingRequest._meta.get_field(name).verbose_name


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
