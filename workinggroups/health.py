"""The group-health page's reads: for each rule, how many rows break it and the first
LISTED of them, in a number of queries that does not depend on the data.

All the counts come from one query (one scalar subquery per rule). The rows come from one
query per kind of subject (groups, objectives, workplans, liaison pairs): each rule's first
rows are cut in the database and the rules of one kind are joined with UNION ALL, so the page
never loads the tens of thousands of rows a rule can match at scale.
"""

import datetime
import inspect
from collections import defaultdict

from django.db import connection
from django.db.models import CharField, Value

from core.cache import GROUPS, PEOPLE, cached_value

from .models import Group

LISTED = 50


def rule_queryset(rule, *, day, kind="", council=None):
    """The rule's rows with the page's filters, in the page's order."""
    params = inspect.signature(rule.queryset).parameters
    qs = rule.queryset(day) if "day" in params else rule.queryset()
    in_council = Group.objects.filter(councils=council).values("pk") if council else None
    if rule.subject == "group":
        if kind:
            qs = qs.filter(kind=kind)
        if council:
            qs = qs.filter(pk__in=in_council)
        return qs.order_by("name_en", "pk").only("slug", "name_en", "name_fr", "kind", "status")
    if rule.subject == "liaison":
        if kind:
            qs = qs.filter(group__kind=kind)
        if council:
            qs = qs.filter(council=council)
        return qs.order_by("group__name_en", "council__code", "pk")
    qs = qs.select_related("group")
    if kind:
        qs = qs.filter(group__kind=kind)
    if council:
        qs = qs.filter(group__in=in_council)
    order = ["group__name_en", "due_date"] if rule.subject == "objective" else ["group__name_en"]
    return qs.order_by(*order, "pk")


def _counts(querysets: dict) -> dict[str, int]:
    """Every rule's count in one query."""
    if not querysets:
        return {}
    parts, params = [], []
    for i, qs in enumerate(querysets.values()):
        sql, part_params = qs.order_by().values("pk").query.sql_with_params()
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS rule_{i})")  # noqa: S608 - ORM SQL
        params.extend(part_params)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        return dict(zip(querysets, cursor.fetchone(), strict=True))


def _sort_key(subject):
    if subject == "group":
        return lambda g: (g.name_en, g.pk)
    if subject == "liaison":
        return lambda p: (p.group.name_en, p.council.code, p.pk)
    if subject == "objective":
        return lambda o: (
            o.group.name_en,
            o.due_date is None,
            o.due_date or datetime.date.min,
            o.pk,
        )
    return lambda w: (w.group.name_en, w.pk)


def _first_rows(rules, querysets: dict) -> dict[str, list]:
    """The first LISTED rows of each rule: one query per kind of subject."""
    by_subject = defaultdict(list)
    for rule in rules:
        by_subject[rule.subject].append(rule.code)
    rows = {code: [] for code in querysets}
    for subject, codes in by_subject.items():
        if len(codes) == 1 or not connection.features.supports_slicing_ordering_in_compound:
            for code in codes:
                rows[code] = list(querysets[code][:LISTED])
            continue
        parts = [
            querysets[code].annotate(health_rule=Value(code, output_field=CharField()))[:LISTED]
            for code in codes
        ]
        for row in parts[0].union(*parts[1:], all=True):
            rows[row.health_rule].append(row)
        for code in codes:  # UNION ALL does not promise to keep each part's order
            rows[code].sort(key=_sort_key(subject))
    return rows


# What the rules read: groups, their objectives, workplans, reports and memberships (groups),
# and the councils' members who could be liaisons (people).
HEALTH_DOMAINS = (GROUPS, PEOPLE)


def health_sections(rules, *, day, kind="", council=None) -> list[dict]:
    """Each rule with its first rows, its count and how many more there are. The same for
    everyone who may see the page: computed once per data version and day (core.cache)."""

    def find():
        querysets = {
            rule.code: rule_queryset(rule, day=day, kind=kind, council=council) for rule in rules
        }
        counts = _counts(querysets)
        # A rule nobody breaks has no rows to list: its rows' query would only scan again
        # what its count just scanned (at scale 1,000, 54 ms for "working groups with no
        # objectives", which none is).
        broken = [rule for rule in rules if counts[rule.code]]
        rows = _first_rows(broken, {rule.code: querysets[rule.code] for rule in broken})
        return [(rows.get(code, []), counts[code]) for code in querysets]

    parts = (day, tuple(r.code for r in rules), kind, council.code if council else "")
    found = cached_value("group-health", parts, find, domains=HEALTH_DOMAINS)
    return [
        {"rule": rule, "rows": rows, "count": count, "more": count - len(rows)}
        for rule, (rows, count) in zip(rules, found, strict=True)
    ]


def health_counts(rules, *, day) -> dict[str, int]:
    """Each rule's count, unfiltered (the secretariat's home page): one query, then cached
    per data version and day like the page itself."""

    def find():
        return _counts({rule.code: rule_queryset(rule, day=day) for rule in rules})

    parts = (day, tuple(r.code for r in rules))
    return cached_value("group-health-counts", parts, find, domains=HEALTH_DOMAINS)
