"""Open data: the published records as CSV and JSON, with a data dictionary and a JSON schema
per dataset, under the Open Government Licence – Canada.

Field names are stable across versions (they are the contract; a change is a new field, never
a rename). Bilingual content has an `_en` and a `_fr` field in every file; the language of the
address only chooses the language of the labels beside codes (`kind_label`, `state_label`)
and of the file's metadata. Every file states when it was generated and the portal's version:
JSON in its envelope, CSV in two columns of every row (`generated_at`, `portal_version`).

The shape borrows from OParl (docs/open-data.md): `groups` are Organizations, `meetings`
Meetings, `decisions` their AgendaItems' resolutions, `funding` Papers.
"""

import csv
import io
import json
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from strategy import selectors as plan_selectors
from strategy.models import ProgressState

from . import selectors

LICENCE = {
    "name_en": "Open Government Licence – Canada",
    "name_fr": "Licence du gouvernement ouvert – Canada",
    "url_en": "https://open.canada.ca/en/open-government-licence-canada",
    "url_fr": "https://ouvert.canada.ca/fr/licence-du-gouvernement-ouvert-canada",
}

# Field types, as the dictionary names them, and the JSON schema of each.
TYPES = {
    "integer": {"type": "integer"},
    "text": {"type": "string"},
    "text?": {"type": ["string", "null"]},
    "code": {"type": "string", "pattern": "^[a-z0-9_-]+$"},
    "decimal": {"type": "string", "pattern": r"^\d+\.\d{2}$"},
    "date": {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
    "date?": {"type": ["string", "null"], "pattern": r"^\d{4}-\d{2}-\d{2}$"},
    "datetime?": {"type": ["string", "null"]},
    "number?": {"type": ["number", "null"]},
    "list": {"type": "array", "items": {"type": "string"}},
}


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    meaning_en: str
    meaning_fr: str


F = Field  # short, so the tables below read as tables


def bilingual(name, en, fr, type_="text"):
    return [
        F(f"{name}_en", type_, f"{en} (English)", f"{fr} (anglais)"),
        F(f"{name}_fr", type_, f"{en} (French)", f"{fr} (français)"),
    ]


DATASETS = {
    "plans": {
        "title": _("Adopted strategic plans"),
        "fields": [
            F("id", "integer", "Identifier of the plan in the portal", "Identifiant du plan"),
            *bilingual("title", "Title of the plan", "Titre du plan"),
            F(
                "council",
                "text?",
                "Council code, empty for a joint plan",
                "Code du conseil, vide pour un plan mixte",
            ),
            F(
                "first_fiscal_year",
                "integer",
                "Year the first fiscal year starts (April)",
                "Année où commence le premier exercice (avril)",
            ),
            F(
                "last_fiscal_year",
                "integer",
                "Year the last fiscal year starts",
                "Année où commence le dernier exercice",
            ),
            F(
                "adopted_at",
                "datetime?",
                "When the plan was adopted (ISO 8601)",
                "Date d’adoption du plan (ISO 8601)",
            ),
            F(
                "progress_percent",
                "number?",
                "Weighted progress of its objectives, 0 to 100",
                "Avancement pondéré de ses objectifs, de 0 à 100",
            ),
        ],
    },
    "objectives": {
        "title": _("Objectives of the adopted plans"),
        "fields": [
            F("id", "integer", "Identifier of the plan item", "Identifiant de l’élément du plan"),
            F("plan_id", "integer", "The plan (see plans)", "Le plan (voir plans)"),
            *bilingual("title", "Objective", "Objectif"),
            F(
                "group",
                "code",
                "Short name of the group responsible (see groups)",
                "Nom court du groupe responsable (voir groups)",
            ),
            F(
                "priority",
                "text?",
                "Code of the councils' priority it serves",
                "Code de la priorité des conseils qu’il sert",
            ),
            F("due_date", "date?", "Deadline", "Échéance"),
            F(
                "state",
                "code",
                "Progress: not_started, on_track, at_risk, late, done, cancelled",
                "Avancement : not_started, on_track, at_risk, late, done, cancelled",
            ),
            F(
                "state_label",
                "text",
                "Progress, in the file's language",
                "Avancement, dans la langue du fichier",
            ),
            F("weight", "integer", "Weight in the plan's progress", "Poids dans l’avancement"),
        ],
    },
    "groups": {
        "title": _("Group mandates"),
        "fields": [
            F("id", "code", "Short name of the group", "Nom court du groupe"),
            F(
                "kind",
                "code",
                "wg (working group), cop (community of practice), sub (sub-committee)",
                "wg (groupe de travail), cop (communauté de pratique), sub (sous-comité)",
            ),
            F(
                "kind_label",
                "text",
                "Kind, in the file's language",
                "Type, dans la langue du fichier",
            ),
            *bilingual("name", "Name", "Nom"),
            *bilingual("mandate", "Mandate (terms of reference)", "Mandat"),
            F(
                "councils",
                "list",
                "Codes of the councils it reports to",
                "Codes des conseils dont il relève",
            ),
            F(
                "priorities",
                "list",
                "Codes of the priorities it serves",
                "Codes des priorités qu’il sert",
            ),
            F(
                "cochairs",
                "list",
                "Names of its co-chairs today (never an address)",
                "Noms de ses coprésidents aujourd’hui (jamais une adresse)",
            ),
            F("start_date", "date?", "Start date", "Date de début"),
        ],
    },
    "funding": {
        "title": _("Approved funding"),
        "fields": [
            F("id", "integer", "Identifier of the funding request", "Identifiant de la demande"),
            *bilingual("title", "Title", "Titre"),
            F(
                "group",
                "code",
                "Short name of the requesting group (see groups)",
                "Nom court du groupe demandeur (voir groups)",
            ),
            F(
                "amount_approved",
                "decimal",
                "Amount approved, Canadian dollars",
                "Montant approuvé, en dollars canadiens",
            ),
            F(
                "fiscal_year",
                "integer",
                "Year the fiscal year starts (April)",
                "Année où commence l’exercice (avril)",
            ),
            F(
                "priorities",
                "list",
                "Codes of the priorities it advances",
                "Codes des priorités qu’elle fait avancer",
            ),
            F(
                "meeting_id",
                "integer",
                "The meeting that approved it (see meetings)",
                "La réunion qui l’a approuvée (voir meetings)",
            ),
            F("meeting_date", "date", "Date of that meeting", "Date de cette réunion"),
        ],
    },
    "meetings": {
        "title": _("Meetings with published minutes or decisions"),
        "fields": [
            F("id", "integer", "Identifier of the meeting", "Identifiant de la réunion"),
            *bilingual("title", "Title", "Titre"),
            F("date", "date", "Date", "Date"),
            F("councils", "list", "Codes of the councils that met", "Codes des conseils réunis"),
            *bilingual(
                "minutes",
                "Approved minutes, empty when not published",
                "Procès-verbal approuvé, vide s’il n’est pas public",
                "text?",
            ),
        ],
    },
    "decisions": {
        "title": _("Published decisions of held meetings"),
        "fields": [
            F("id", "integer", "Identifier of the decision", "Identifiant de la décision"),
            F("meeting_id", "integer", "The meeting (see meetings)", "La réunion (voir meetings)"),
            F("meeting_date", "date", "Date of the meeting", "Date de la réunion"),
            F(
                "number",
                "integer",
                "Number of the decision in the meeting",
                "Numéro de la décision dans la réunion",
            ),
            *bilingual("text", "Decision", "Décision"),
        ],
    },
}
META_FIELDS = [
    F(
        "generated_at",
        "text",
        "When this file was generated (ISO 8601)",
        "Moment où ce fichier a été produit (ISO 8601)",
    ),
    F(
        "portal_version",
        "text",
        "Version of the portal that generated it",
        "Version du portail qui l’a produit",
    ),
]


def _date(value):
    return value.isoformat() if value else None


def _codes(rows, attr="code"):
    return [getattr(row, attr) for row in rows]


def rows(name):
    """The dataset's records as dicts of its fields (without the metadata)."""
    return ROWS[name]()


def _plans():
    plans = list(selectors.published_plans())
    rollups = plan_selectors.rollup_per_plan([p.pk for p in plans])
    return [
        {
            "id": p.pk,
            "title_en": p.title_en,
            "title_fr": p.title_fr,
            "council": p.council.code if p.council else None,
            "first_fiscal_year": p.first_fiscal_year,
            "last_fiscal_year": p.last_fiscal_year,
            "adopted_at": p.adopted_at.isoformat() if p.adopted_at else None,
            "progress_percent": (
                round(rollups[p.pk]["progress"], 1)
                if p.pk in rollups and rollups[p.pk]["progress"] is not None
                else None
            ),
        }
        for p in plans
    ]


def _objectives():
    from strategy.models import PlanItem

    items = (
        PlanItem.objects.filter(plan__in=selectors.published_plans().values("pk"))
        .annotate(state=plan_selectors.progress_state(), due=plan_selectors.effective_due())
        .select_related("objective__group", "priority")
        .order_by("plan_id", "pk")
    )
    labels = dict(ProgressState.choices)
    return [
        {
            "id": i.pk,
            "plan_id": i.plan_id,
            "title_en": i.title_en,
            "title_fr": i.title_fr,
            "group": i.objective.group.slug,
            "priority": i.priority.code if i.priority else None,
            "due_date": _date(i.due),
            "state": i.state,
            "state_label": str(labels[i.state]),
            "weight": i.weight,
        }
        for i in items
    ]


def _groups():
    return [
        {
            "id": g.slug,
            "kind": g.kind,
            "kind_label": g.get_kind_display(),
            "name_en": g.name_en,
            "name_fr": g.name_fr,
            "mandate_en": g.mandate_en,
            "mandate_fr": g.mandate_fr,
            "councils": _codes(g.councils.all()),
            "priorities": _codes(g.priorities.all()),
            "cochairs": [
                m.user.get_full_name() for m in g.public_cochairs if m.user.get_full_name()
            ],
            "start_date": _date(g.start_date),
        }
        for g in selectors.published_groups()
    ]


def _funding():
    return [
        {
            "id": f.pk,
            "title_en": f.title_en,
            "title_fr": f.title_fr,
            "group": f.group.slug,
            "amount_approved": f"{f.amount_approved:.2f}",
            "fiscal_year": f.fiscal_year,
            "priorities": _codes(f.priorities.all()),
            "meeting_id": f.meeting_id,
            "meeting_date": f.meeting.day.isoformat(),
        }
        for f in selectors.published_decisions()
    ]


def _meetings():
    public_minutes = set(selectors.published_minutes().values_list("pk", flat=True))
    return [
        {
            "id": m.pk,
            "title_en": m.title_en,
            "title_fr": m.title_fr,
            "date": m.day.isoformat(),
            "councils": _codes(m.councils.all()),
            "minutes_en": m.minutes_en if m.pk in public_minutes else None,
            "minutes_fr": m.minutes_fr if m.pk in public_minutes else None,
        }
        for m in selectors.published_meetings()
    ]


def _decisions():
    return [
        {
            "id": d.pk,
            "meeting_id": d.meeting_id,
            "meeting_date": d.meeting.day.isoformat(),
            "number": d.number,
            "text_en": d.text_en,
            "text_fr": d.text_fr,
        }
        for d in selectors.published_meeting_decisions()
    ]


ROWS = {
    "plans": _plans,
    "objectives": _objectives,
    "groups": _groups,
    "funding": _funding,
    "meetings": _meetings,
    "decisions": _decisions,
}


def metadata(name):
    language = translation.get_language()
    return {
        "dataset": name,
        "title": str(DATASETS[name]["title"]),
        "language": language,
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "portal_version": settings.PORTAL_VERSION,
        "licence": {
            "name": LICENCE["name_fr" if language == "fr" else "name_en"],
            "url": LICENCE["url_fr" if language == "fr" else "url_en"],
        },
    }


def as_json(name) -> str:
    return json.dumps({**metadata(name), "records": rows(name)}, ensure_ascii=False, indent=1)


def as_csv(name) -> str:
    meta = metadata(name)
    fields = [f.name for f in DATASETS[name]["fields"]] + [f.name for f in META_FIELDS]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\r\n")
    writer.writeheader()
    for row in rows(name):
        flat = {k: "; ".join(v) if isinstance(v, list) else v for k, v in row.items()}
        writer.writerow(
            {**flat, "generated_at": meta["generated_at"], "portal_version": meta["portal_version"]}
        )
    return out.getvalue()


def schema(name) -> dict:
    """The JSON schema of the dataset's JSON download (draft 2020-12)."""
    record = {
        "type": "object",
        "additionalProperties": False,
        "required": [f.name for f in DATASETS[name]["fields"]],
        "properties": {f.name: TYPES[f.type] for f in DATASETS[name]["fields"]},
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": name,
        "type": "object",
        "required": ["dataset", "language", "generated_at", "portal_version", "licence", "records"],
        "properties": {
            "dataset": {"const": name},
            "title": {"type": "string"},
            "language": {"enum": ["en", "fr"]},
            "generated_at": {"type": "string", "format": "date-time"},
            "portal_version": {"type": "string", "minLength": 1},
            "licence": {
                "type": "object",
                "required": ["name", "url"],
                "properties": {"name": {"type": "string"}, "url": {"type": "string"}},
            },
            "records": {"type": "array", "items": record},
        },
    }


def dictionary():
    """[(dataset, title, [Field…])] including the metadata fields of the CSV files."""
    return [(name, d["title"], d["fields"]) for name, d in DATASETS.items()]


def dictionary_rows():
    for name, _title, fields in dictionary():
        for field in [*fields, *META_FIELDS]:
            yield {
                "dataset": name,
                "field": field.name,
                "type": field.type,
                "meaning_en": field.meaning_en,
                "meaning_fr": field.meaning_fr,
            }


def dictionary_json() -> str:
    return json.dumps(
        {
            "generated_at": timezone.now().isoformat(timespec="seconds"),
            "portal_version": settings.PORTAL_VERSION,
            "licence": LICENCE,
            "fields": list(dictionary_rows()),
        },
        ensure_ascii=False,
        indent=1,
    )


def dictionary_csv() -> str:
    out = io.StringIO()
    writer = csv.DictWriter(
        out,
        fieldnames=["dataset", "field", "type", "meaning_en", "meaning_fr"],
        lineterminator="\r\n",
    )
    writer.writeheader()
    writer.writerows(dictionary_rows())
    return out.getvalue()
