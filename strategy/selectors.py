"""Reads for the strategic plan, each one query whatever the size of the plan.

Progress is computed in the database: every plan item gets a progress state from its live
objective (`progress_state`), and the roll-ups are weighted sums grouped by priority. Python
only reshapes the few rows that come back (one per priority, month or council).
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DateField,
    ExpressionWrapper,
    F,
    Q,
    Value,
    When,
    Window,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, TruncMonth
from django.db.models.lookups import LessThan
from django.utils import timezone

from core.bilingual import pick
from core.cache import GROUPS, PLAN, cached_value
from core.fiscal import fiscal_year_bounds, fiscal_year_of
from councils.models import Council, Jurisdiction, Priority
from funding.selectors import funding_totals
from workinggroups.models import Group, Measure, Objective
from workinggroups.selectors import liaison_covered

from .models import PlanItem, PlanSnapshotRow, ProgressState, Status, StrategicPlan
from .permissions import can_view_dashboard, can_view_drafts

PS = ProgressState
OS = Objective.Status

# How many late items, groups and upcoming deadlines a dashboard section lists; the counts
# beside them are always complete, and the CSV export has every item.
LATE_SHOWN = 5
GROUPS_SHOWN = 8
UPCOMING_SHOWN = 15
GAPS_SHOWN = 20
MEASURES_SHOWN = 25


# --- Which plan --------------------------------------------------------------------------------


def visible_plans(user):
    """Adopted and archived plans for every reader; drafts too for the secretariat and the
    council co-chairs, who prepare them."""
    plans = StrategicPlan.objects.select_related("council")
    if not can_view_dashboard(user):
        return plans.none()  # the same answer as permissions.can_view_plan, row for row
    if not can_view_drafts(user):
        plans = plans.exclude(status=Status.DRAFT)
    return plans


def default_plan(plans, day=None):
    """The plan the dashboard opens on, chosen among `plans` (already read): the adopted plan
    covering this fiscal year (the most recently adopted if several), else the latest adopted,
    else the latest draft. Archived plans are only shown when asked for."""
    fy = fiscal_year_of(day or timezone.localdate())

    def rank(plan):
        adopted = plan.status == Status.ADOPTED
        covers = plan.first_fiscal_year <= fy <= plan.last_fiscal_year
        stamp = plan.adopted_at.timestamp() if plan.adopted_at else 0
        return (0 if adopted and covers else 1 if adopted else 2, -stamp, -plan.pk)

    candidates = [p for p in plans if p.status != Status.ARCHIVED]
    return min(candidates, key=rank) if candidates else None


def current_plan(user, day=None):
    return default_plan(list(visible_plans(user)), day)


# --- Progress, in the database --------------------------------------------------------------


def effective_due():
    """The live objective's deadline, else the one the workplan stated."""
    return Coalesce("objective__due_date", "due_date")


def progress_state(day=None):
    """An item's progress state on `day` (today by default), as a SQL CASE.

    Cancelled items are counted apart and never weigh in. An objective done after `day` was
    still under way on `day` (this is what lets a snapshot be taken as of a past date).
    "Late" is derived: not done and past its deadline.
    """
    day = day or timezone.localdate()
    done_by_day = Q(objective__status=OS.DONE) & (
        Q(objective__completed_on__isnull=True) | Q(objective__completed_on__lte=day)
    )
    return Case(
        When(objective__status=OS.CANCELLED, then=Value(PS.CANCELLED)),
        When(done_by_day, then=Value(PS.DONE)),
        When(LessThan(effective_due(), day), then=Value(PS.LATE)),
        When(objective__status=OS.AT_RISK, then=Value(PS.AT_RISK)),
        When(objective__status__in=[OS.ON_TRACK, OS.DONE], then=Value(PS.ON_TRACK)),
        default=Value(PS.NOT_STARTED),
        output_field=CharField(),
    )


def plan_items(plan, *, council=None, fiscal_year=None, day=None):
    """The plan's items with `state` and `due` annotated, optionally only those of groups that
    report to `council` and due in `fiscal_year` (the year it starts: 2026 for 2026-27)."""
    items = PlanItem.objects.filter(plan=plan).annotate(
        state=progress_state(day), due=effective_due()
    )
    if council is not None:
        items = items.filter(objective__group__in=Group.objects.filter(councils=council))
    if fiscal_year is not None:
        start, end = fiscal_year_bounds(fiscal_year)
        items = items.filter(due__gte=start, due__lte=end)
    return items


# The additive part of a roll-up: sums that add up across groups, months and priorities.
ADDITIVE = ("total_weight", "done_weight", "item_count", *PS.values)


def _additive_sums() -> tuple[list[str], list]:
    """SQL for ADDITIVE over rows that carry `state` and `weight`, with its parameters: the
    state is read once per row, from a column, not recomputed in every sum."""
    quote = connection.ops.quote_name
    state, weight = quote("state"), quote("weight")
    sums = [
        f"COALESCE(SUM(CASE WHEN {state} <> %s THEN {weight} ELSE 0 END), 0)",
        f"COALESCE(SUM(CASE WHEN {state} = %s THEN {weight} ELSE 0 END), 0)",
        "COUNT(*)",
        *(f"COALESCE(SUM(CASE WHEN {state} = %s THEN 1 ELSE 0 END), 0)" for _ in PS.values),
    ]
    return sums, [PS.CANCELLED, PS.DONE, *PS.values]


def _with_progress(rollup: dict) -> dict:
    """The weighted progress, 100 × done weight / counted weight (None when nothing counts)."""
    total, done = rollup["total_weight"], rollup["done_weight"]
    rollup["progress"] = done * 100.0 / total if total else None
    return rollup


def _fenced(subquery_sql: str) -> str:
    """A subquery PostgreSQL will not pull up into the query around it (OFFSET 0): each item's
    state is then computed once, not once per expression that reads it (the roll-ups' sums:
    6 ms instead of 10 over 10,013 items). SQLite keeps the subquery as written."""
    return subquery_sql + (" OFFSET 0" if connection.vendor == "postgresql" else "")


def _rolled_up(items, keys=(), order=()) -> list[tuple[tuple, dict]]:
    """`items` (annotated with `state`) added up per `keys` (item fields, `__` lookups
    allowed) in one query: [(key values, roll-up dict)], in `order` (keys, ascending, NULLs
    last). The items' progress state is computed once per item in a subquery; aggregated by
    the ORM instead, its CASE was compiled and evaluated once per sum (nine times), which was
    most of the home page's and the API's miss (issue 17)."""
    aliases = {f"k{index}": F(key) for index, key in enumerate(keys)}
    try:
        inner, params = (
            items.values("weight", "state", rollup_group=F("objective__group_id"), **aliases)
            .order_by()
            .query.sql_with_params()
        )
    except EmptyResultSet:  # no items can match (an empty list of plans): nothing to add up
        empty = dict.fromkeys((*ADDITIVE, "group_count"), 0)
        return [] if keys else [((), _with_progress(empty))]
    quote = connection.ops.quote_name
    key_sql = [quote(alias) for alias in aliases]
    sums, sum_params = _additive_sums()
    select = ", ".join([*key_sql, *sums, f"COUNT(DISTINCT {quote('rollup_group')})"])
    sql = f"SELECT {select} FROM ({_fenced(inner)}) AS items"  # noqa: S608 - ORM SQL
    if key_sql:
        sql += " GROUP BY " + ", ".join(key_sql)
    if order:
        sql += " ORDER BY " + ", ".join(
            f"{quote(f'k{keys.index(key)}')} IS NULL, {quote(f'k{keys.index(key)}')}"
            for key in order
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*sum_params, *params])
        rows = cursor.fetchall()
    result = []
    for row in rows:
        key, values = row[: len(keys)], row[len(keys) :]
        rollup = dict(zip(ADDITIVE, (int(v) for v in values[:-1]), strict=True))
        rollup["group_count"] = int(values[-1])
        result.append((tuple(key), _with_progress(rollup)))
    return result


def rollup_by_priority(items) -> dict:
    """{priority_id (None for items with no priority): roll-up dict}, in one grouped query."""
    return {key[0]: rollup for key, rollup in _rolled_up(items, ("priority_id",))}


def rollup_total(items) -> dict:
    """The same roll-up for the whole (filtered) plan, in one aggregate query."""
    return _rolled_up(items)[0][1]


def rollup_per_plan(plan_ids, day=None) -> dict:
    """{plan id: roll-up} for several plans at once (the plan list, the API, the open data):
    one grouped query, computed once per data version of the plans and the groups for
    today's figures (issue 17: 235 ms over the 100,000 items of scale 1,000, on every read)."""
    ids = tuple(sorted(set(plan_ids)))

    def compute():
        items = PlanItem.objects.filter(plan_id__in=ids).annotate(state=progress_state(day))
        return {key[0]: rollup for key, rollup in _rolled_up(items, ("plan_id",))}

    if day is not None:
        return compute()
    # The items and the objectives they follow (the key carries the day).
    return cached_value("plan-rollups", ids, compute, domains=(PLAN, GROUPS))


def rollup_per_plan_and_priority(plan_ids, day=None) -> dict:
    """{plan id: [roll-up with `priority_code`, per priority]} for several plans at once (the
    API's plan list): one grouped query, computed once per data version like
    `rollup_per_plan` (issue 17: 355 ms at scale 1,000). Items with no priority come last,
    code None."""
    ids = tuple(sorted(set(plan_ids)))

    def compute():
        items = PlanItem.objects.filter(plan_id__in=ids).annotate(state=progress_state(day))
        keys = ("plan_id", "priority__number", "priority__code")
        per_plan = {}
        for (plan_id, _number, code), rollup in _rolled_up(items, keys, order=keys):
            per_plan.setdefault(plan_id, []).append({**rollup, "priority_code": code})
        return per_plan

    if day is not None:
        return compute()
    return cached_value("plan-rollups-by-priority", ids, compute, domains=(PLAN, GROUPS))


# --- Dashboard reads -------------------------------------------------------------------------


def listed_items(items, day=None, months=12):
    """(late, upcoming): the longest-overdue items of each priority, at most `LATE_SHOWN` each,
    and the next deadlines of the timeline window, at most `UPCOMING_SHOWN`: one query.

    The two sets never overlap (a late item is past its deadline, an upcoming one is not), so
    one row number serves both: counted per priority among the late items, and across all the
    upcoming ones, each in order of deadline."""
    start, end = timeline_window(day, months)
    late = Q(state=PS.LATE)
    # The ranking reads only the ids and the sort keys, from a subquery that computes each
    # item's state once (`_fenced`); the shown rows are then read whole with their group and
    # priority. Ranked with every column (issue 17), the thousands of rows being sorted
    # spilled to disk; ranked on the ORM's annotations,
    # the state's CASE was evaluated three times per item (18.5 -> 12.9 ms at scale 100).
    inner, params = (
        items.values("priority_id", "state", "due", item_key=F("pk")).order_by().query
    ).sql_with_params()
    quote = connection.ops.quote_name
    state, due, key = quote("state"), quote("due"), quote("item_key")
    is_late = f"({state} = %s)"
    ranking = (
        f"SELECT ranked.{key} FROM (SELECT {key}, {is_late} AS is_late, ROW_NUMBER() OVER ("  # noqa: S608 - ORM SQL
        f"PARTITION BY {is_late}, CASE WHEN {is_late} THEN {quote('priority_id')} END "
        f"ORDER BY {due}, {key}) AS shown_rank FROM ({_fenced(inner)}) AS items "
        f"WHERE {is_late} OR ({state} <> %s AND {due} >= %s AND {due} < %s)) AS ranked "
        "WHERE ranked.shown_rank <= CASE WHEN ranked.is_late THEN %s ELSE %s END"
    )
    ranking_params = [PS.LATE, PS.LATE, PS.LATE, *params, PS.LATE, PS.CANCELLED, start, end]
    shown = RawSQL(ranking, [*ranking_params, LATE_SHOWN, UPCOMING_SHOWN])  # noqa: S611 - ORM SQL
    rows = (
        items.filter(pk__in=shown)
        .select_related("objective__group", "priority")
        .annotate(is_late=ExpressionWrapper(late, output_field=BooleanField()))
        .order_by("due", "pk")
    )
    shown_late, shown_upcoming = [], []
    for item in rows:
        (shown_late if item.is_late else shown_upcoming).append(item)
    return shown_late, shown_upcoming


@dataclass
class ItemFacts:
    """The plan's items added up by `item_facts`: roll-ups (`rollup_total`'s shape) per priority
    (None: items with no priority) and for them all, the groups serving each priority with
    most items first (at most GROUPS_SHOWN, with `items`, the number of their items), and the
    timeline's months (the additive sums of the items due in each)."""

    by_priority: dict = field(default_factory=dict)
    total: dict = field(default_factory=dict)
    groups: dict = field(default_factory=dict)
    months: list = field(default_factory=list)


def item_facts(items, day=None, months=12) -> ItemFacts:
    """`items` added up in the database, in one query whatever the size of the plan: per
    priority, in all, the first groups of each priority, and per month of the timeline window
    (the items not cancelled and due in the window, by the first day of their deadline's
    month).

    The items are added up per (priority, group) first, once; the priorities, the total and
    the groups shown are read from those pairs. Brought into Python instead, the pairs were a
    row per group serving a priority (issue 17: thousands at scale 100, and the dashboard's
    Python time went into adding them up). The groups' names are read for the pairs, not
    carried by every item: grouping 10,013 items on their group's slug and names as well
    was most of the query's time at scale 100."""
    start, end = timeline_window(day, months)
    in_window = ~Q(state=PS.CANCELLED) & Q(due__gte=start, due__lt=end)
    facts = items.annotate(
        month=Case(When(in_window, then=TruncMonth("due")), default=None, output_field=DateField())
    ).values(
        "priority_id",
        "weight",
        "state",
        "month",
        group_id=F("objective__group_id"),
    )
    inner, params = facts.order_by().query.sql_with_params()
    quote = connection.ops.quote_name
    sums, sum_params = _additive_sums()
    names = [quote(f"s{index}") for index in range(len(ADDITIVE))]
    pair_keys = f"{quote('priority_id')}, {quote('group_id')}"
    # Sums of sums as integers: PostgreSQL's SUM of a bigint is a numeric (a Decimal).
    added = ", ".join(f"CAST(SUM({name}) AS BIGINT)" for name in names)
    item_count = names[ADDITIVE.index("item_count")]
    priority, group_id = quote("priority_id"), quote("group_id")
    groups, name_en = quote(Group._meta.db_table), quote("name_en")
    # Parts: 0 a priority, 1 the whole plan, 2 a group shown under its priority, 3 a month.
    # Typed NULLs: PostgreSQL types a union's columns from its first branch.
    number, text, date = "CAST(NULL AS BIGINT)", "CAST(NULL AS TEXT)", "CAST(NULL AS DATE)"
    no_sums = ", ".join(number for _ in names)
    sql = (
        f"WITH facts AS ({inner}), "  # noqa: S608 - ORM SQL
        f"pairs AS (SELECT {pair_keys}, "
        f"{', '.join(f'{sql} AS {name}' for sql, name in zip(sums, names, strict=True))} "
        f"FROM facts GROUP BY {pair_keys}) "
        f"SELECT 0, {priority}, {number}, {text}, {text}, {text}, {date}, {number}, COUNT(*), "
        f"{added} "
        f"FROM pairs GROUP BY {priority} "
        f"UNION ALL SELECT 1, {number}, {number}, {text}, {text}, {text}, {date}, {number}, "
        f"COUNT(DISTINCT {group_id}), {added} FROM pairs "
        f"UNION ALL SELECT 2, {priority}, {group_id}, {quote('slug')}, {name_en}, "
        f"{quote('name_fr')}, {date}, shown.shown_rank, shown.{item_count}, {no_sums} "
        f"FROM (SELECT pairs.*, {groups}.{quote('slug')}, {groups}.{name_en}, "
        f"{groups}.{quote('name_fr')}, ROW_NUMBER() OVER (PARTITION BY {priority} "
        f"ORDER BY {item_count} DESC, {groups}.{name_en}, {group_id}) AS shown_rank "
        f"FROM pairs JOIN {groups} ON {groups}.{quote('id')} = pairs.{group_id}) shown "
        f"WHERE shown.shown_rank <= %s "
        f"UNION ALL SELECT 3, {number}, {number}, {text}, {text}, {text}, "
        f"facts.{quote('month')}, {number}, {number}, {', '.join(sums)} FROM facts "
        f"WHERE facts.{quote('month')} IS NOT NULL GROUP BY facts.{quote('month')}"
    )
    result = ItemFacts()
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *sum_params, GROUPS_SHOWN, *sum_params])
        rows = cursor.fetchall()
    for part, priority_id, group, slug, group_en, group_fr, month, rank, number, *values in rows:
        rollup = dict(zip(ADDITIVE, (v or 0 for v in values), strict=True))
        if part in (0, 1):
            _with_progress(rollup)
            rollup["group_count"] = number
            if part:
                result.total = rollup
            else:
                result.by_priority[priority_id] = rollup
        elif part == 2:
            result.groups.setdefault(priority_id, []).append(
                {
                    "group_id": group,
                    "slug": slug,
                    "name": pick({"en": group_en, "fr": group_fr}),
                    "name_en": group_en,
                    "items": number,
                    "rank": rank,
                }
            )
        else:
            result.months.append({"month": _date(month), **rollup})
    for shown in result.groups.values():  # the window's order, whatever the union's
        shown.sort(key=lambda pair: pair["rank"])
    result.months.sort(key=lambda row: row["month"])
    return result


def _date(value):
    """A date from the database without the ORM's converters (SQLite gives text)."""
    if isinstance(value, str):
        return datetime.date.fromisoformat(value[:10])
    return as_date(value)


def timeline_window(day=None, months=12):
    """From `day` (today) to the first day of the month `months` months later: 12 whole
    calendar months, the current one included."""
    start = day or timezone.localdate()
    return start, first_of_month(start, months)


def first_of_month(day, months_later=0):
    index = day.month - 1 + months_later
    return datetime.date(day.year + index // 12, index % 12 + 1, 1)


def month_starts(first_day, before):
    """The first day of each month from `first_day`'s month up to (not including) `before`."""
    month = first_of_month(first_day)
    while month < before:
        yield month
        month = first_of_month(month, 1)


def as_date(value):
    return value.date() if isinstance(value, datetime.datetime) else value


def liaison_coverage(council=None, shown=()) -> tuple[dict, list]:
    """({council id: (current groups reporting to it, of which with a liaison on it)}, gaps):
    the gaps are the first GAPS_SHOWN (group, council) pairs with no liaison, of the councils
    `shown` (ids), by council code then group name, as dicts with council_id, group__slug,
    group__name_en and group__name_fr. One query, added up in the database: read into Python,
    every pair was a row (issue 17: one per group and council, 5,000 at scale 100)."""
    rows = Group.councils.through.objects.filter(group__in=Group.objects.current())
    if council is not None:
        rows = rows.filter(council=council)
    pairs = rows.annotate(covered=liaison_covered("group_id", "council_id")).values(
        "council_id",
        "covered",
        code=F("council__code"),
        slug=F("group__slug"),
        name_en=F("group__name_en"),
        name_fr=F("group__name_fr"),
        group_key=F("group_id"),
    )
    inner, params = pairs.order_by().query.sql_with_params()
    quote = connection.ops.quote_name
    council_id, covered = quote("council_id"), quote("covered")
    shown = sorted(shown)
    number, text = "CAST(NULL AS BIGINT)", "CAST(NULL AS TEXT)"
    in_shown = f"{council_id} IN ({', '.join('%s' for _ in shown)})" if shown else "1 = 0"
    sql = (
        f"WITH pairs AS ({inner}) "  # noqa: S608 - ORM SQL
        f"SELECT 0, {council_id}, COUNT(*), SUM(CASE WHEN {covered} THEN 1 ELSE 0 END), "
        f"{text}, {text}, {text}, {number} FROM pairs GROUP BY {council_id} "
        f"UNION ALL SELECT 1, {council_id}, {number}, {number}, {quote('slug')}, "
        f"{quote('name_en')}, {quote('name_fr')}, gap_rank FROM (SELECT pairs.*, ROW_NUMBER() "
        f"OVER (ORDER BY {quote('code')}, {quote('name_en')}, {quote('group_key')}) AS gap_rank "
        f"FROM pairs WHERE NOT {covered} AND {in_shown}) gaps WHERE gap_rank <= %s"
    )
    coverage, gaps = {}, []
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *shown, GAPS_SHOWN])
        for part, council_id, groups, with_liaison, slug, name_en, name_fr, rank in cursor:
            if part:
                gaps.append(
                    {
                        "council_id": council_id,
                        "group__slug": slug,
                        "group__name_en": name_en,
                        "group__name_fr": name_fr,
                        "rank": rank,
                    }
                )
            else:
                coverage[council_id] = (groups, int(with_liaison or 0))
    gaps.sort(key=lambda gap: gap["rank"])
    return coverage, gaps


def alignment_rows():
    """(jurisdiction values, theme id or None, count) for the jurisdictions × themes matrix,
    jurisdictions that declared nothing included: one query."""
    return list(
        Jurisdiction.objects.values(
            "pk",
            "name_en",
            "name_fr",
            "abbreviation_en",
            "abbreviation_fr",
            "declared_priorities__theme_id",
        )
        .annotate(n=Count("declared_priorities"))
        .order_by("kind", "name_en", "declared_priorities__theme_id")
    )


def trend_rows(plan):
    """Every snapshot line of the plan, oldest first: one query."""
    return list(
        PlanSnapshotRow.objects.filter(snapshot__plan=plan)
        .select_related("snapshot")
        .order_by("snapshot__taken_on", "-is_plan_total", "priority_id")
    )


def dashboard_priorities():
    return list(Priority.objects.filter(is_active=True).order_by("number", "code"))


def dashboard_councils():
    return list(Council.objects.order_by("code"))


# --- Funding and measures -------------------------------------------------------------------


@dataclass
class Section:
    rows: list = field(default_factory=list)
    counts: list = field(default_factory=list)


def funding_section(*, fiscal_year=None, council=None, priorities=None) -> Section:
    """Requested, endorsed and approved sums per (priority, fiscal year), as
    `funding.selectors.funding_totals` computes them: dicts with priority_id, priority,
    fiscal_year, requested, endorsed, approved and count, by fiscal year then priority (of
    `priorities` only, when given: {id: Priority})."""
    rows = funding_totals(fiscal_year=fiscal_year, council=council, priorities=priorities)
    return Section(rows=rows)


def measures_section(limit=MEASURES_SHOWN) -> Section:
    """The councils' measures, the first `limit` of them, and how many are in each status, in
    the order of the status choices: one query. Each row carries the count of every status over
    all the measures (window sums, computed before the limit)."""
    statuses = Measure.Status.choices
    rows = list(
        Measure.objects.annotate(
            **{
                f"n_{status}": Window(Count("pk", filter=Q(status=status)))
                for status, _label in statuses
            }
        )[:limit]
    )
    counts = []
    if rows:
        counts = [
            {"status": status, "label": label, "n": getattr(rows[0], f"n_{status}")}
            for status, label in statuses
        ]
        counts = [c for c in counts if c["n"]]
    return Section(rows=rows, counts=counts)


# --- Home page ------------------------------------------------------------------------------


def home_section(user):
    """The plan's progress headline on the home page of every reader: one query, and one
    more on a cache miss. The roll-up is the same for every reader of the plan and grows
    with it (issue 17: home went from 24 to 123 ms with 100,000 items), so it is kept per
    data version and day (core.cache)."""
    if not can_view_dashboard(user):
        return None
    plan = current_plan(user)
    if plan is None:
        return None
    total = cached_value(
        "plan-rollup",
        (plan.pk,),
        lambda: rollup_total(plan_items(plan)),
        domains=(PLAN, GROUPS),  # the items and the objectives they follow
    )
    return {
        "template": "strategy/partials/home_section.html",
        "plan": plan,
        "total": total,
    }
