"""The members' dashboard as one object: the reads of `selectors`, shaped for the template, the
CSV export and the charts. A fixed number of queries, whatever the number of groups and items.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core.bilingual import current_language, pick
from workinggroups.progress import last_reported

from . import selectors
from .models import COUNTED_STATES, ProgressState

PS = ProgressState


@dataclass
class PriorityBlock:
    priority: object  # a Priority, or None for items that name no priority
    rollup: dict
    late: list = field(default_factory=list)
    groups: list = field(default_factory=list)
    funding: list = field(default_factory=list)

    @property
    def key(self):
        return self.priority.pk if self.priority else "none"

    @property
    def title(self):
        return self.priority.title if self.priority else _("No priority stated")

    @property
    def counts(self):
        return [(state, PS(state).label, self.rollup[state]) for state in COUNTED_STATES]

    @property
    def more_late(self):
        return max(self.rollup[PS.LATE] - len(self.late), 0)

    @property
    def more_groups(self):
        return max(self.rollup["group_count"] - len(self.groups), 0)


@dataclass
class Dashboard:
    plan: object
    council: object = None
    fiscal_year: int | None = None
    day: datetime.date | None = None
    total: dict = field(default_factory=dict)
    priorities: list = field(default_factory=list)
    months: list = field(default_factory=list)
    late: list = field(default_factory=list)  # the longest-overdue items of each priority
    upcoming: list = field(default_factory=list)
    liaison: list = field(default_factory=list)
    gaps: list = field(default_factory=list)
    funding: selectors.Section | None = None
    funding_withheld: bool = False  # some funding cell is withheld from this reader
    measures: selectors.Section | None = None
    matrix_rows: list = field(default_factory=list)
    trend_dates: list = field(default_factory=list)
    trend_series: list = field(default_factory=list)
    all_priorities: list = field(default_factory=list)

    @property
    def states(self):
        return [(state, PS(state).label) for state in COUNTED_STATES]

    @property
    def trend_span(self):
        """((first date, share), (last date, share)) of the whole plan, for the text summary."""
        if not self.trend_series:
            return None
        plan_points = zip(self.trend_dates, self.trend_series[0]["points"], strict=True)
        points = [(day, share) for day, share in plan_points if share is not None]
        return (points[0], points[-1]) if points else None

    @property
    def timeline_total(self):
        return sum(m["total"] for m in self.months)

    @property
    def busiest_month(self):
        busiest = max(self.months, key=lambda m: m["total"], default=None)
        return busiest if busiest and busiest["total"] else None


def empty_rollup():
    return {
        "total_weight": 0,
        "done_weight": 0,
        "progress": None,
        "item_count": 0,
        "group_count": 0,
        **dict.fromkeys(PS.values, 0),
    }


def build(plan, *, council=None, fiscal_year=None, day=None, councils=None) -> Dashboard:
    """Every section of the dashboard for `plan`, filtered by council and fiscal year.

    `councils` is the list of councils when the caller has already read it (the filter form)."""
    items = selectors.plan_items(plan, council=council, fiscal_year=fiscal_year, day=day)
    board = Dashboard(plan=plan, council=council, fiscal_year=fiscal_year, day=day)
    facts = selectors.item_facts(items, day)
    board.total = facts.total
    board.all_priorities = selectors.dashboard_priorities()
    board.late, board.upcoming = selectors.listed_items(items, day)
    _priority_blocks(board, facts)
    _timeline(board, facts.months, day)
    _liaison(board, council, councils)
    board.measures = selectors.measures_section()
    _matrix(board)
    _trend(board)
    return board


def _priority_blocks(board, facts):
    by_priority, groups = facts.by_priority, facts.groups
    reported = last_reported({pair["group_id"] for shown in groups.values() for pair in shown})
    for shown in groups.values():
        for pair in shown:
            pair["last_reported"] = reported.get(pair["group_id"])
    late = {}
    for item in board.late:
        late.setdefault(item.priority_id, []).append(item)
    # The board shows the active priorities, read once (dashboard_priorities).
    board.funding = plan_funding(
        board.plan,
        fiscal_year=board.fiscal_year,
        council=board.council,
        priorities={p.pk: p for p in board.all_priorities},
    )
    funding = {}
    for row in board.funding.rows:
        funding.setdefault(row["priority_id"], []).append(row)
    for priority in [*board.all_priorities, None]:
        key = priority.pk if priority else None
        if priority is None and key not in by_priority:
            continue  # the "no priority" block only when some item has none
        board.priorities.append(
            PriorityBlock(
                priority=priority,
                rollup=by_priority.get(key) or empty_rollup(),
                late=late.get(key, []),
                groups=groups.get(key, []),
                funding=funding.get(key, []),
            )
        )


def withhold_funding(board, cells) -> None:
    """Withhold the funding figures of `cells` (funding.selectors.overview_withheld):
    they would give away a single request this reader cannot open (issue 14). The rows are
    this board's own, shared by its priority blocks."""
    for row in board.funding.rows if board.funding else []:
        row["withheld"] = (row["priority_id"], row["fiscal_year"]) in cells
        if row["withheld"]:  # (its count is not shown on the board)
            row.update(requested=None, endorsed=None, approved=None)
            board.funding_withheld = True


def plan_funding(plan, *, fiscal_year=None, council=None, priorities=None):
    """The funding rows of the plan's fiscal years (all of them, or `fiscal_year`), of
    `priorities` only when given ({id: Priority}, not read again)."""
    section = selectors.funding_section(
        fiscal_year=fiscal_year, council=council, priorities=priorities
    )
    section.rows = [r for r in section.rows if r["fiscal_year"] in plan.fiscal_years]
    return section


def _timeline(board, facts, day):
    counts = {}
    for row in facts:
        if row["month"] is not None:
            month = counts.setdefault(
                selectors.as_date(row["month"]), dict.fromkeys(COUNTED_STATES, 0)
            )
            for state in COUNTED_STATES:
                month[state] += row[state]
    for month in selectors.month_starts(*selectors.timeline_window(day)):
        row = counts.get(month) or dict.fromkeys(COUNTED_STATES, 0)
        board.months.append(
            {
                "month": month,
                "label": formats.date_format(month, "YEAR_MONTH_FORMAT"),
                "counts": [row[state] for state in COUNTED_STATES],
                "total": sum(row[state] for state in COUNTED_STATES),
            }
        )


def _liaison(board, council, councils):
    if council is not None:
        councils = [council]
    elif councils is None:
        councils = selectors.dashboard_councils()
    by_id = {c.pk: c for c in councils}
    coverage, gaps = selectors.liaison_coverage(council, shown=by_id)
    board.gaps = [
        {
            "group": {
                "slug": gap["group__slug"],
                "name": pick({"en": gap["group__name_en"], "fr": gap["group__name_fr"]}),
            },
            "council": by_id[gap["council_id"]],
        }
        for gap in gaps
    ]
    for c in councils:
        groups, covered = coverage.get(c.pk, (0, 0))
        board.liaison.append(
            {
                "council": c,
                "groups": groups,
                "covered": covered,
                "gaps": groups - covered,
                "percent": (100.0 * covered / groups) if groups else None,
            }
        )


def _matrix(board):
    themes = board.all_priorities
    rows = {}
    for row in selectors.alignment_rows():
        entry = rows.setdefault(
            row["pk"],
            {
                "name": pick({"en": row["name_en"], "fr": row["name_fr"]}),
                "cells": {},
                "unmatched": 0,
            },
        )
        theme = row["declared_priorities__theme_id"]
        if theme is None:
            entry["unmatched"] += row["n"]
        else:
            entry["cells"][theme] = row["n"]
    for entry in rows.values():
        entry["values"] = [entry["cells"].get(t.pk, 0) for t in themes]
    board.matrix_rows = list(rows.values())


def _trend(board):
    dates, plan_series, per_priority = [], {}, {}
    for line in selectors.trend_rows(board.plan):
        taken = line.snapshot.taken_on
        if taken not in dates:
            dates.append(taken)
        value = None if line.progress is None else float(line.progress)
        if line.is_plan_total:
            plan_series[taken] = value
        else:
            per_priority.setdefault(line.priority_id, {})[taken] = value
    board.trend_dates = dates
    series = [{"key": "plan", "label": _("Whole plan"), "values": plan_series}]
    for block in board.priorities:
        if block.priority is not None and block.priority.pk in per_priority:
            series.append(
                {
                    "key": f"p{block.priority.pk}",
                    "label": str(block.title),
                    "values": per_priority[block.priority.pk],
                }
            )
    board.trend_series = [{**s, "points": [s["values"].get(d) for d in dates]} for s in series]


# --- Charts -----------------------------------------------------------------------------------


def chart_data(board: Dashboard) -> dict:
    """What static/js/strategy-dashboard.js draws; every figure is also in a table beside it."""
    states = [{"key": s, "label": str(PS(s).label)} for s in COUNTED_STATES]
    charts = {
        "progress": {
            "kind": "stacked-horizontal",
            "labels": [str(b.title) for b in board.priorities],
            "datasets": [
                {
                    "key": s["key"],
                    "label": s["label"],
                    "data": [b.rollup[s["key"]] for b in board.priorities],
                }
                for s in states
            ],
        },
        "timeline": {
            "kind": "stacked",
            "labels": [m["label"] for m in board.months],
            "datasets": [
                {
                    "key": s["key"],
                    "label": s["label"],
                    "data": [m["counts"][i] for m in board.months],
                }
                for i, s in enumerate(states)
            ],
        },
        "liaison": {
            "kind": "stacked-horizontal",
            "labels": [str(row["council"].acronym) for row in board.liaison],
            "datasets": [
                {
                    "key": "covered",
                    "label": _("With a liaison"),
                    "data": [r["covered"] for r in board.liaison],
                },
                {
                    "key": "gap",
                    "label": _("Liaison gap"),
                    "data": [r["gaps"] for r in board.liaison],
                },
            ],
        },
    }
    if board.trend_dates:
        charts["trend"] = {
            "kind": "line",
            "unit": "%",
            "labels": [formats.date_format(d, "SHORT_DATE_FORMAT") for d in board.trend_dates],
            "datasets": [
                {"key": s["key"], "label": s["label"], "data": s["points"]}
                for s in board.trend_series
            ],
        }
    if board.funding and board.funding.rows:
        labels = [str(b.title) for b in board.priorities if b.priority is not None]
        ids = [b.priority.pk for b in board.priorities if b.priority is not None]
        sums = {key: [0.0] * len(ids) for key in ("requested", "endorsed", "approved")}
        for block in board.priorities:
            if block.priority is None:
                continue
            for row in block.funding:
                if row.get("withheld"):
                    continue  # left out of the chart too, or its sum would give it away
                for key in sums:
                    sums[key][ids.index(block.priority.pk)] += float(row[key])
        charts["funding"] = {
            "kind": "grouped",
            "unit": "$",
            "labels": labels,
            "datasets": [
                {
                    "key": "requested",
                    "label": pgettext("funding amount", "Requested"),
                    "data": sums["requested"],
                },
                {
                    "key": "endorsed",
                    "label": pgettext("funding amount", "Endorsed"),
                    "data": sums["endorsed"],
                },
                {
                    "key": "approved",
                    "label": pgettext("funding amount", "Approved"),
                    "data": sums["approved"],
                },
            ],
        }
    if board.measures and board.measures.counts:
        charts["measures"] = {
            "kind": "horizontal",
            "labels": [str(c["label"]) for c in board.measures.counts],
            "datasets": [
                {
                    "key": "measures",
                    "label": _("Measures"),
                    "data": [c["n"] for c in board.measures.counts],
                }
            ],
        }
    return {"language": current_language(), "charts": charts}


def _dataset(key, label, data):
    return {"key": key, "label": str(label), "data": data}
