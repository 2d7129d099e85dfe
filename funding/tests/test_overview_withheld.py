"""The funding overview never gives away a single request the reader cannot open (issue 14).

A council member may open requests of their council's groups once endorsed, not while in
review; the overview counted the one in review as "1" with its amount. Cells where exactly one
counted request is hidden from the reader are withheld, on the page and in the CSV."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from funding.models import FundingRequest
from funding.models import Status as S

pytestmark = pytest.mark.django_db


def csv_rows(client, **params):
    response = client.get(reverse("funding:overview_csv"), params)
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))[1:]


def test_a_single_request_in_review_is_withheld_from_a_member(
    in_state, member, secretariat, client_for
):
    in_state(S.SUBMITTED, amount_requested=Decimal("4321.00"))
    page = client_for(member).get(reverse("funding:overview")).content.decode()
    assert "4,321.00" not in page
    assert "Withheld" in page and 'id="withheld-note"' in page
    assert [row[3:] for row in csv_rows(client_for(member))] == [["", "", "", ""]]
    # The secretariat, who may open it, sees the figures.
    page = client_for(secretariat).get(reverse("funding:overview")).content.decode()
    assert "$4,321.00" in page and "Withheld" not in page
    assert csv_rows(client_for(secretariat))[0][3:5] == ["1", "4321.00"]


def test_the_cell_sums_minus_what_the_reader_sees_would_give_it_away_too(
    in_state, member, client_for
):
    in_state(S.ENDORSED, amount_requested=Decimal("1000.00"))
    in_state(S.SUBMITTED, amount_requested=Decimal("4321.00"))
    page = client_for(member).get(reverse("funding:overview")).content.decode()
    assert "5,321.00" not in page and "Withheld" in page


def test_figures_show_when_the_reader_can_open_every_request_or_two_are_hidden(
    in_state, member, council_cochair, client_for
):
    in_state(S.SUBMITTED, amount_requested=Decimal("4321.00"))
    # The council's co-chair reviews it: nothing withheld.
    page = client_for(council_cochair).get(reverse("funding:overview")).content.decode()
    assert "$4,321.00" in page and "Withheld" not in page
    # Two in review cannot be told apart: the member sees their sum.
    in_state(S.SUBMITTED, amount_requested=Decimal("1000.00"))
    page = client_for(member).get(reverse("funding:overview")).content.decode()
    assert "$5,321.00" in page and "Withheld" not in page


def test_withholding_costs_the_same_queries_whatever_the_data(in_state, member, client_for):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = client_for(member)
    url = reverse("funding:overview")

    def count():
        cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            c.get(url)
        return len(ctx.captured_queries)

    in_state(S.SUBMITTED)
    small = count()
    for _ in range(5):
        in_state(S.ENDORSED)
        in_state(S.SUBMITTED)
    assert count() == small


def _second_member(council):
    from councils.tests.factories import CouncilMembershipFactory, UserFactory

    user = UserFactory(username="another-member")
    CouncilMembershipFactory(user=user, council=council, role="member")
    return user


def test_a_reader_opens_their_own_request_though_their_council_role_does_not(
    in_state, member, council, client_for
):
    """The count by council role is shared by everyone with the same roles (issue 17); what a
    reader opens as themselves is counted for them alone, whichever reader came first."""
    from django.core.cache import cache

    other = _second_member(council)
    request = in_state(S.SUBMITTED, amount_requested=Decimal("4321.00"))
    FundingRequest.objects.filter(pk=request.pk).update(created_by=member)
    for first, second in ((member, other), (other, member)):
        cache.clear()
        pages = {
            user: client_for(user).get(reverse("funding:overview")).content.decode()
            for user in (first, second)
        }
        assert "$4,321.00" in pages[member] and "Withheld" not in pages[member]
        assert "4,321.00" not in pages[other] and "Withheld" in pages[other]
        assert [row[3:] for row in csv_rows(client_for(other))] == [["", "", "", ""]]
        assert csv_rows(client_for(member))[0][3:5] == ["1", "4321.00"]


def test_the_second_reader_with_the_same_roles_counts_only_their_own_requests(
    in_state, member, council, client_for
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    in_state(S.SUBMITTED)
    reader = client_for(_second_member(council))
    client_for(member).get(reverse("funding:overview"))  # counts by role, once
    with CaptureQueriesContext(connection) as ctx:
        page = reader.get(reverse("funding:overview")).content.decode()
    assert "Withheld" in page
    counts = [
        q["sql"]
        for q in ctx.captured_queries
        if "COUNT(" in q["sql"] and "funding_fundingrequest" in q["sql"]
    ]
    assert counts and all('"created_by_id" = ' in sql for sql in counts), counts


def test_withholding_follows_a_change_at_once(in_state, member, client_for):
    """The shared count is never served from a previous copy: a cell goes withheld as soon
    as a change leaves one hidden request in it, and shows again when a second one comes."""
    c = client_for(member)
    first = in_state(S.SUBMITTED, amount_requested=Decimal("4000.00"))
    in_state(S.SUBMITTED, amount_requested=Decimal("1000.00"))
    assert "$5,000.00" in c.get(reverse("funding:overview")).content.decode()
    first.status = S.ENDORSED
    first.save()
    page = c.get(reverse("funding:overview")).content.decode()
    assert "Withheld" in page and "5,000.00" not in page
    in_state(S.SUBMITTED, amount_requested=Decimal("500.00"))
    page = c.get(reverse("funding:overview")).content.decode()
    assert "$5,500.00" in page and "Withheld" not in page


@pytest.mark.parametrize("cache_on", [True, False])
def test_one_count_per_figure_on_a_miss_a_hit_or_with_the_cache_off(
    in_state, member, cache_on, settings
):
    """The page's query budget (15) holds with the cache off too: a miss reads the shared and
    the reader's counts in one query per figure. A hit reads only the reader's counts, or,
    where the funding summary is kept (PostgreSQL), nothing: the reader's answer is kept."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from funding import summary
    from funding.selectors import overview_withheld

    settings.PORTAL_FRAGMENT_CACHE = cache_on
    in_state(S.SUBMITTED)
    in_state(S.ENDORSED)
    cache.clear()

    def read():
        member.__dict__.pop("_council_roles", None)
        with CaptureQueriesContext(connection) as ctx:
            cells, years = overview_withheld(member)
        funding = [q for q in ctx.captured_queries if "funding_fundingrequest" in q["sql"]]
        return cells, years, len(funding)

    cells, years, miss = read()
    assert len(cells) == 1 and len(years) == 1 and miss == 2
    kept_whole = cache_on and summary.maintained()
    assert read() == (cells, years, 0 if kept_whole else 2)


def test_readers_with_other_council_roles_never_share_the_kept_count(
    in_state, member, council_cochair, client_for, cache_on
):
    """The kept count is per set of council roles: the council's co-chair (who opens the
    request in review) and a member (who does not) read one after the other, both orders,
    each with their own result."""
    from django.core.cache import cache

    in_state(S.SUBMITTED, amount_requested=Decimal("4321.00"))
    for order in ((council_cochair, member), (member, council_cochair)):
        cache.clear()
        pages = {u: client_for(u).get(reverse("funding:overview")).content.decode() for u in order}
        assert "$4,321.00" in pages[council_cochair] and "Withheld" not in pages[council_cochair]
        assert "4,321.00" not in pages[member] and "Withheld" in pages[member]


def test_the_withheld_cells_are_kept_per_reader_and_follow_each_change(
    require_postgres,
    cache_on,
    in_state,
    member,
    council_cochair,
    client_for,
    django_capture_on_commit_callbacks,
):
    """Kept per reader and data version (issue 17: building the query was most of the cached
    dashboard's time), never stale: the next change to the requests shows at once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with django_capture_on_commit_callbacks(execute=True):
        in_state(S.SUBMITTED, amount_requested=Decimal("4321.00"))
    c, url = client_for(member), reverse("funding:overview")

    def read(client):
        with CaptureQueriesContext(connection) as ctx:
            page = client.get(url).content.decode()
        return page, [q for q in ctx.captured_queries if 'AS "kind"' in q["sql"]]

    page, asked = read(c)
    assert "Withheld" in page and "4,321.00" not in page and asked
    page, asked = read(c)
    assert "Withheld" in page and "4,321.00" not in page and not asked  # kept
    # Another reader, other roles: their own answer (the co-chair reviews it).
    page, _ = read(client_for(council_cochair))
    assert "$4,321.00" in page and "Withheld" not in page
    with django_capture_on_commit_callbacks(execute=True):
        in_state(S.SUBMITTED, amount_requested=Decimal("1000.00"))
    page, asked = read(c)
    assert "$5,321.00" in page and "Withheld" not in page and asked
