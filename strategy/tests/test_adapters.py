"""The funding and measures sections read code other branches build; until it is there, or if
it answers in a shape the dashboard cannot read, they say "not available" and nothing breaks."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
import time_machine
from django.urls import reverse

from strategy import selectors

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 11, 15, 15, 0, tzinfo=datetime.UTC)


def provide(monkeypatch, **found):
    """Make `selectors._import` find the given (module, name) pairs and nothing else."""
    monkeypatch.setattr(selectors, "_import", lambda module, name: found.get(name))


def test_without_the_funding_app_the_section_is_not_available(monkeypatch):
    provide(monkeypatch)
    assert selectors.funding_section() == selectors.Section(available=False)


def test_the_real_import_fails_quietly_while_the_code_is_missing():
    import importlib.util

    if importlib.util.find_spec("funding.selectors") is None:
        assert selectors._import("funding.selectors", "funding_totals") is None
    assert selectors._import("strategy.no_such_module", "anything") is None
    assert selectors._import("strategy.selectors", "no_such_name") is None


def test_funding_rows_are_read_from_mappings_or_objects(monkeypatch, priority):
    calls = []

    def funding_totals(fiscal_year=None, council=None):
        calls.append((fiscal_year, council))
        return [
            {
                "priority_id": priority.pk,
                "fiscal_year": 2027,
                "requested": Decimal("100.00"),
                "endorsed": Decimal("80.00"),
                "approved": None,
            },
            SimpleNamespace(
                priority=priority, fiscal_year=2026, requested=5, endorsed=0, approved=5
            ),
        ]

    provide(monkeypatch, funding_totals=funding_totals)
    section = selectors.funding_section(fiscal_year=2026, council="c")
    assert calls == [(2026, "c")]
    assert section.available
    assert section.rows == [
        {
            "priority_id": priority.pk,
            "fiscal_year": 2026,
            "requested": 5,
            "endorsed": 0,
            "approved": 5,
        },
        {
            "priority_id": priority.pk,
            "fiscal_year": 2027,
            "requested": Decimal("100.00"),
            "endorsed": Decimal("80.00"),
            "approved": 0,
        },
    ]


def test_funding_keyed_by_priority_and_year_is_read_too(monkeypatch, priority):
    provide(
        monkeypatch,
        funding_totals=lambda **kw: {
            (priority.pk, 2026): {"requested": 10, "endorsed": 5, "approved": 5}
        },
    )
    [row] = selectors.funding_section().rows
    assert (row["priority_id"], row["fiscal_year"], row["approved"]) == (priority.pk, 2026, 5)


def test_funding_in_a_shape_the_dashboard_cannot_read_is_not_available(monkeypatch, caplog):
    provide(monkeypatch, funding_totals=lambda **kw: [{"total": 3}])
    assert not selectors.funding_section().available
    assert "funding_totals returned rows the dashboard cannot read" in caplog.text


class FakeMeasures:
    """Just enough of a model and its manager for the measures adapter."""

    STATUS = [("proposed", "Proposed"), ("in_progress", "In progress"), ("done", "Done")]

    def __init__(self, rows):
        self.rows = rows
        self._meta = SimpleNamespace(get_field=lambda name: SimpleNamespace(choices=self.STATUS))
        self.objects = self

    def values(self, *names):
        return self

    def annotate(self, **kw):
        return self

    def order_by(self, *names):
        counts = {}
        for row in self.rows:
            counts[row.status] = counts.get(row.status, 0) + 1
        return [{"status": s, "n": n} for s, n in sorted(counts.items())]

    def all(self):
        return self.rows


class Measure(SimpleNamespace):
    def __str__(self):
        return self.title

    def get_status_display(self):
        return dict(FakeMeasures.STATUS)[self.status]


def test_measures_are_counted_by_status_in_the_order_of_the_choices(monkeypatch):
    rows = [
        Measure(title="Dissolve the Digital Strategy WG", status="in_progress", due_date=None),
        Measure(title="Convert Open Government WG", status="done", due_date=None),
        Measure(title="Clarify identity link", status="proposed", due_date=None),
        Measure(title="Report to the councils", status="proposed", due_date=None),
    ]
    provide(monkeypatch, Measure=FakeMeasures(rows))
    section = selectors.measures_section()
    assert section.available and len(section.rows) == 4
    assert [(c["status"], c["n"]) for c in section.counts] == [
        ("proposed", 2),
        ("in_progress", 1),
        ("done", 1),
    ]


@time_machine.travel(NOW, tick=False)
def test_the_dashboard_shows_both_sections_when_they_exist(
    monkeypatch, client_for, member, adopted_plan, priority
):
    provide(
        monkeypatch,
        funding_totals=lambda **kw: [
            {
                "priority_id": priority.pk,
                "fiscal_year": 2026,
                "requested": Decimal("250000"),
                "endorsed": Decimal("200000"),
                "approved": Decimal("150000"),
            }
        ],
        Measure=FakeMeasures(
            [Measure(title="Convert Open Government WG", status="done", due_date=None)]
        ),
    )
    response = client_for(member).get(reverse("strategy:dashboard"))
    page = response.content.decode()
    assert "not available yet" not in page
    assert "$250,000.00" in page and "$150,000.00" in page
    assert "Convert Open Government WG" in page
    charts = response.context["chart_data"]["charts"]
    funding = charts["funding"]["datasets"]
    assert [d["key"] for d in funding] == ["requested", "endorsed", "approved"]
    assert funding[0]["data"] == [250000.0]
    assert charts["measures"]["datasets"][0]["data"] == [1]
    assert 'id="chart-funding"' in page and 'id="chart-measures"' in page
