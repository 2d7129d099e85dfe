"""Turns item rows and change sets (see `services.Changes`) into what a reader sees."""

import datetime

from django.utils import formats
from django.utils.translation import gettext_lazy as _

from core.bilingual import pick
from workinggroups.models import Objective

from .models import ProgressState

FIELD_LABELS = {
    "title_en": _("Title (English)"),
    "title_fr": _("Title (French)"),
    "kind": _("Kind"),
    "priority_id": _("Priority"),
    "due_date": _("Deadline"),
    "weight": _("Weight"),
    "state": _("Progress"),
    "workplan_item_id": _("Workplan item"),
}


def _value(name, value, priorities):
    if value in (None, ""):
        return "—"
    if name == "priority_id":
        priority = priorities.get(value)
        return priority.title if priority else "—"
    if name == "due_date":
        if isinstance(value, str):
            value = datetime.date.fromisoformat(value)
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if name == "kind":
        return Objective.Kind(value).label
    if name == "state":
        return ProgressState(value).label
    if name == "workplan_item_id":
        return f"#{value}"
    return value


def _row(row, priorities):
    return {
        "title": pick({"en": row.get("title_en"), "fr": row.get("title_fr")}),
        "group": row.get("group", ""),
        "priority": _value("priority_id", row.get("priority_id"), priorities),
        "due_date": _value("due_date", row.get("due_date"), priorities),
    }


def describe_changes(changes, priorities):
    """A `Changes` (or its JSON form) as rows with labels and formatted values.

    `priorities` maps priority ids to priorities (read once by the caller)."""
    if not isinstance(changes, dict):
        changes = {
            "added": changes.added,
            "removed": changes.removed,
            "changed": [{"old": o, "new": n, "fields": f} for o, n, f in changes.changed],
            "skipped": changes.skipped,
        }
    changed = []
    for change in changes.get("changed", []):
        old, new = change["old"], change["new"]
        changed.append(
            {
                **_row(new, priorities),
                "fields": [
                    {
                        "label": FIELD_LABELS.get(name, name),
                        "old": _value(name, old.get(name), priorities),
                        "new": _value(name, new.get(name), priorities),
                    }
                    for name in change["fields"]
                ],
            }
        )
    return {
        "added": [_row(r, priorities) for r in changes.get("added", [])],
        "removed": [_row(r, priorities) for r in changes.get("removed", [])],
        "changed": changed,
        "skipped": [_row(r, priorities) for r in changes.get("skipped", [])],
        "empty": not (changes.get("added") or changes.get("removed") or changes.get("changed")),
    }
