"""The dashboard's funding and measures sections, from real funding requests and measures."""

import csv
import datetime
import io
from decimal import Decimal
from html.parser import HTMLParser

import pytest
import time_machine
from django.urls import reverse

from councils.tests.factories import CouncilFactory
from funding.models import Status as FS
from funding.tests.factories import FundingRequestFactory
from strategy import selectors
from workinggroups.models import Measure
from workinggroups.tests.factories import GroupFactory, MeasureFactory

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 11, 15, 15, 0, tzinfo=datetime.UTC)
NBSP = "\u00a0"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


class Tables(HTMLParser):
    """{caption: [[cell text, ...] per row]} of every table of a page, spaces collapsed."""

    def __init__(self, html):
        super().__init__()
        self.tables, self.caption, self.rows, self.cell, self.in_caption = {}, "", [], None, False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.caption, self.rows = "", []
        elif tag == "caption":
            self.in_caption = True
        elif tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "caption":
            self.in_caption = False
        elif tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(" ".join("".join(self.cell).split(" ")).strip())
            self.cell = None
        elif tag == "table":
            self.tables[self.caption.strip()] = self.rows

    def handle_data(self, data):
        if self.in_caption:
            self.caption += data
        elif self.cell is not None:
            self.cell.append(data)


def tables(response):
    assert response.status_code == 200
    return Tables(response.content.decode()).tables


def money(amount, language="en"):
    """What the `money` filter shows, written out by hand."""
    whole, cents = f"{amount:,.2f}".split(".")
    if language == "fr":
        return f"{whole.replace(',', NBSP)},{cents}{NBSP}$"
    return f"${whole}.{cents}"


def test_money_is_written_the_way_people_read_it():
    assert money(80000) == "$80,000.00"
    assert money(80000, "fr") == "80\u00a0000,00\u00a0$"


@pytest.fixture
def requests(group, group_cochair, priority):
    """Funding of the Digital identity priority, 2026-27 and 2027-28, from two councils' groups.

    Counted (submitted, not withdrawn), 2026-27: 50,000 approved at 40,000 and 30,000 in review
    from the PSSDC group; 100,000 approved in full from a PSCIOC group. 2027-28: 20,000 endorsed.
    An approved request was endorsed first: its amount requested counts as endorsed too.
    Not counted: a draft, a withdrawn request, and one for 2028-29, outside the plan."""
    other = GroupFactory(
        slug="pscioc-wg", councils=[CouncilFactory(code="pscioc")], priorities=[priority]
    )

    def make(group, amount, status, year=2026, approved=None):
        return FundingRequestFactory(
            group=group,
            created_by=group_cochair,
            amount_requested=Decimal(amount),
            amount_approved=Decimal(approved) if approved else None,
            status=status,
            fiscal_year=year,
            submitted=status != FS.DRAFT,
        )

    make(group, "50000", FS.APPROVED, approved="40000")
    make(group, "30000", FS.IN_REVIEW)
    make(group, "20000", FS.ENDORSED, year=2027)
    make(group, "1000000", FS.DRAFT)
    make(group, "7000", FS.WITHDRAWN)
    make(group, "9999", FS.SUBMITTED, year=2028)
    make(other, "100000", FS.APPROVED, approved="100000")


def block_funding(response, language="en"):
    caption = {"en": "Funding for Digital identity per fiscal year"}.get(
        language, "Financement pour Identité numérique par exercice"
    )
    found = tables(response)
    assert caption in found, list(found)
    return found[caption][1:]


def test_the_priority_shows_the_sums_requested_and_approved_per_fiscal_year(
    client_for, secretariat, adopted_plan, requests
):
    response = client_for(secretariat).get(reverse("strategy:dashboard"))
    assert block_funding(response) == [
        ["2026-27", money(180000), money(140000)],
        ["2027-28", money(20000), money(0)],
    ]
    funding = tables(response)["Funding per priority and fiscal year (CAD)"]
    assert funding[1:] == [
        ["Digital identity", "2026-27", money(180000), money(150000), money(140000)],
        ["Digital identity", "2027-28", money(20000), money(20000), money(0)],
    ]
    chart = response.context["chart_data"]["charts"]["funding"]
    assert [d["data"] for d in chart["datasets"]] == [[200000.0], [170000.0], [140000.0]]


def test_the_council_and_fiscal_year_filters_change_the_sums(
    client_for, secretariat, adopted_plan, requests
):
    c = client_for(secretariat)
    dashboard = reverse("strategy:dashboard")
    assert block_funding(c.get(dashboard, {"council": "pssdc"})) == [
        ["2026-27", money(80000), money(40000)],
        ["2027-28", money(20000), money(0)],
    ]
    assert block_funding(c.get(dashboard, {"council": "pscioc"})) == [
        ["2026-27", money(100000), money(100000)],
    ]
    assert block_funding(c.get(dashboard, {"fiscal_year": "2027"})) == [
        ["2027-28", money(20000), money(0)],
    ]
    assert block_funding(c.get(dashboard, {"council": "pssdc", "fiscal_year": "2026"})) == [
        ["2026-27", money(80000), money(40000)],
    ]


def test_in_french_the_sums_are_written_the_french_way(
    client_for, secretariat, adopted_plan, requests
):
    response = client_for(secretariat).get("/fr/strategy/", {"council": "pssdc"})
    assert block_funding(response, "fr") == [
        ["2026-2027", money(80000, "fr"), money(40000, "fr")],
        ["2027-2028", money(20000, "fr"), money(0, "fr")],
    ]
    assert "80\u00a0000,00\u00a0$" in response.content.decode()
    heads = tables(response)["Financement par priorité et par exercice ($ CA)"][0]
    assert heads == ["Priorité", "Exercice", "Demandé", "Appuyé", "Approuvé"]


def test_without_funding_requests_the_sections_say_so(client_for, member, adopted_plan):
    page = client_for(member).get(reverse("strategy:dashboard")).content.decode()
    assert "No funding request in these fiscal years." in page
    assert "No funding requested for this priority in the plan's years." in page
    assert "No measure recorded." in page


def csv_rows(response, delimiter=","):
    assert response.status_code == 200
    assert response.content.startswith("\ufeff".encode())
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def funding_export(client, path="", delimiter=",", **filters):
    """The funding table is its own file: one table, one header."""
    url = path or reverse("strategy:dashboard_csv")
    return csv_rows(client.get(url, {**filters, "table": "funding"}), delimiter)


def test_the_csv_export_has_the_funding_under_the_same_filters(
    client_for, secretariat, adopted_plan, requests
):
    c = client_for(secretariat)
    export = reverse("strategy:dashboard_csv")
    header = ["Priority", "Fiscal year", "Requested", "Endorsed", "Approved"]
    assert funding_export(c) == [
        header,
        ["Digital identity", "2026-27", "180000.00", "150000.00", "140000.00"],
        ["Digital identity", "2027-28", "20000.00", "20000.00", "0.00"],
    ]
    assert funding_export(c, council="pssdc", fiscal_year="2026") == [
        header,
        ["Digital identity", "2026-27", "80000.00", "50000.00", "40000.00"],
    ]
    items = csv_rows(c.get(export))
    assert len(items) == 4  # the header and the plan's three items, and no second table
    assert [] not in items


def test_the_measures_section_counts_each_status_and_lists_the_titles(
    client_for, member, adopted_plan, group
):
    MeasureFactory(title_en="Dissolve the Digital Strategy WG", status=Measure.Status.IN_PROGRESS)
    MeasureFactory(title_en="Convert Open Government WG", status=Measure.Status.DONE)
    MeasureFactory(title_en="Clarify the identity link", status=Measure.Status.PROPOSED)
    MeasureFactory(
        title_en="Report to the councils",
        status=Measure.Status.PROPOSED,
        groups=[group],
        due_date=datetime.date(2027, 3, 31),
    )
    response = client_for(member).get(reverse("strategy:dashboard"))
    assert tables(response)["Measures by status"] == [
        ["Status", "Measures"],
        ["Proposed", "2"],
        ["In progress", "1"],
        ["Done", "1"],
    ]
    page = response.content.decode()
    assert "Proposed: 2 measures; In progress: 1 measure; Done: 1 measure." in page
    for title, status in [
        ("Dissolve the Digital Strategy WG", "In progress"),
        ("Convert Open Government WG", "Done"),
        ("Clarify the identity link", "Proposed"),
        ("Report to the councils", "Proposed, due 2027-03-31"),
    ]:
        assert f"<li>{title} — {status}" in page
    chart = response.context["chart_data"]["charts"]["measures"]
    assert chart["labels"] == ["Proposed", "In progress", "Done"]
    assert chart["datasets"][0]["data"] == [2, 1, 1]


def test_the_status_counts_cover_every_measure_even_those_not_listed(django_assert_num_queries):
    for status in ["done", "proposed", "done", "dropped", "done"]:
        MeasureFactory(status=status)
    with django_assert_num_queries(1):
        section = selectors.measures_section(limit=2)
    assert len(section.rows) == 2
    assert [(c["status"], c["n"]) for c in section.counts] == [
        ("proposed", 1),
        ("done", 3),
        ("dropped", 1),
    ]
    Measure.objects.all().delete()
    assert selectors.measures_section() == selectors.Section(rows=[], counts=[])


def test_the_french_export_names_the_funding_columns_in_french(
    client_for, secretariat, adopted_plan, requests
):
    response = client_for(secretariat).get(
        "/fr/strategy/export.csv", {"council": "pssdc", "table": "funding"}
    )
    assert "financement" in response["Content-Disposition"]
    # French spreadsheets split on ";" and read a decimal comma.
    assert csv_rows(response, delimiter=";") == [
        ["Priorité", "Exercice", "Demandé", "Appuyé", "Approuvé"],
        ["Identité numérique", "2026-2027", "80000,00", "50000,00", "40000,00"],
        ["Identité numérique", "2027-2028", "20000,00", "20000,00", "0,00"],
    ]


def test_a_member_is_not_shown_sums_that_give_away_one_request_in_review(
    client_for, member, secretariat, adopted_plan, requests, cache_on
):
    """Issue 14. Under PSSDC in 2026-27 a member may open the approved 50,000, not the 30,000
    in review: 80,000 would give it away. Withheld on the page, in the chart and in the CSV;
    the 2027-28 sums, all of which the member may open, still show."""
    url = reverse("strategy:dashboard")
    # The secretariat's board (every figure) is cached first: it must not reach the member.
    assert block_funding(client_for(secretariat).get(url, {"council": "pssdc"}))[0] == [
        "2026-27",
        money(80000),
        money(40000),
    ]
    c = client_for(member)
    response = c.get(url, {"council": "pssdc"})
    assert block_funding(response) == [
        ["2026-27", "Withheld*"],
        ["2027-28", money(20000), money(0)],
    ]
    assert money(80000) not in response.content.decode()
    assert 'id="withheld-note"' in response.content.decode()
    chart = response.context["chart_data"]["charts"]["funding"]
    assert [d["data"] for d in chart["datasets"]] == [[20000.0], [20000.0], [0.0]]
    export = c.get(reverse("strategy:dashboard_csv"), {"council": "pssdc", "table": "funding"})
    rows = export.content.decode("utf-8-sig").splitlines()[1:]
    assert rows == [
        "Digital identity,2026-27,,,",
        "Digital identity,2027-28,20000.00,20000.00,0.00",
    ]
    # Both councils: two requests hidden from the member, not told apart; the sums show.
    assert block_funding(c.get(url))[0] == ["2026-27", money(180000), money(140000)]
