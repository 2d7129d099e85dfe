"""Status changes written before system text was stored as keys: the sentences the workflow
wrote in English (or in French, when the person acted from a French page) become the keys
core.written renders in the reader's language. Whatever a person typed after them stays in
`reason`. A sentence that matches nothing is left as it is."""

import re

from django.db import migrations
from django.utils import timezone

DATE = r"\(\d{4}-\d{2}-\d{2}\)"
EXACT = {
    "Submitted.": "funding.submitted",
    "Soumise.": "funding.submitted",
    "The first recommendation was recorded.": "funding.first_recommendation",
    "La première recommandation a été consignée.": "funding.first_recommendation",
}
RESUBMITTED = [
    re.compile(r"^Resubmitted as revision (\d+)\.$"),
    re.compile(r"^Soumise de nouveau \(version (\d+)\)\.$"),
]
SCHEDULED = [
    re.compile(rf"^Placed on the agenda of (.+ {DATE})\.$", re.S),
    re.compile(rf"^Inscrite à l[’']ordre du jour de (.+ {DATE})\.$", re.S),
]
DECIDED_AT = [
    re.compile(rf"^At (.+? {DATE})\.(?:\s+(.*))?$", re.S),
    re.compile(rf"^À (.+? {DATE})\.(?:\s+(.*))?$", re.S),
]

ENGLISH = {
    "funding.submitted": "Submitted.",
    "funding.first_recommendation": "The first recommendation was recorded.",
    "funding.resubmitted": "Resubmitted as revision %(number)s.",
    "funding.scheduled": "Placed on the agenda of %(meeting)s.",
    "funding.decided_at": "At %(meeting)s.",
}


def _meeting_labels(Meeting):
    """"Title (date)" as Meeting.__str__ wrote it in either language → both languages."""
    labels = {}
    for meeting in Meeting.objects.all():
        day = f"{timezone.localtime(meeting.starts_at):%Y-%m-%d}"
        en = f"{meeting.title_en or meeting.title_fr} ({day})"
        fr = f"{meeting.title_fr or meeting.title_en} ({day})"
        labels.setdefault(en, {"en": en, "fr": fr})
        labels.setdefault(fr, {"en": en, "fr": fr})
    return labels


def _match(patterns, text):
    for pattern in patterns:
        found = pattern.match(text)
        if found:
            return found
    return None


def to_keys(apps, schema_editor):
    StatusChange = apps.get_model("funding", "StatusChange")
    Meeting = apps.get_model("councils", "Meeting")
    labels = None
    for change in StatusChange.objects.filter(reason_key="").exclude(reason=""):
        text = change.reason.strip()
        key, params, rest = EXACT.get(text), {}, ""
        if key is None and (found := _match(RESUBMITTED, text)):
            key, params = "funding.resubmitted", {"number": int(found.group(1))}
        if key is None and (found := _match(SCHEDULED, text)):
            labels = labels if labels is not None else _meeting_labels(Meeting)
            key = "funding.scheduled"
            params = {"meeting": labels.get(found.group(1), found.group(1))}
        if key is None and (found := _match(DECIDED_AT, text)):
            labels = labels if labels is not None else _meeting_labels(Meeting)
            key = "funding.decided_at"
            params = {"meeting": labels.get(found.group(1), found.group(1))}
            rest = (found.group(2) or "").strip()
        if key is None:
            continue
        change.reason_key, change.reason_params, change.reason = key, params, rest
        change.save(update_fields=["reason_key", "reason_params", "reason"])


def to_sentences(apps, schema_editor):
    StatusChange = apps.get_model("funding", "StatusChange")
    for change in StatusChange.objects.exclude(reason_key=""):
        params = {
            name: value.get("en", "") if isinstance(value, dict) else value
            for name, value in (change.reason_params or {}).items()
        }
        sentence = ENGLISH.get(change.reason_key, "")
        sentence = sentence % params if params and sentence else sentence
        change.reason = f"{sentence} {change.reason}".strip()
        change.reason_key, change.reason_params = "", {}
        change.save(update_fields=["reason_key", "reason_params", "reason"])


class Migration(migrations.Migration):
    dependencies = [
        ("councils", "0004_written_language"),
        ("funding", "0003_written_language"),
    ]

    operations = [migrations.RunPython(to_keys, to_sentences)]
