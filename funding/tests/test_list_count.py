"""The funding list's total is counted once per data version and query, not on every view
(core.pagination, issue 17); each reader still gets the total of what they may see."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from funding.models import Status

URL = reverse("funding:request_list")


@pytest.fixture(autouse=True)
def _small_pages_and_cache(settings):
    settings.PORTAL_PAGE_SIZE = 2
    settings.PORTAL_FRAGMENT_CACHE = True


def read(client, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL, params)
    assert response.status_code == 200
    counts = [q for q in ctx.captured_queries if "COUNT(" in q["sql"] and "funding" in q["sql"]]
    return response.content.decode(), len(counts)


def test_the_total_is_counted_once_and_follows_a_change(
    in_state, personas, client_for, django_capture_on_commit_callbacks
):
    for _ in range(3):
        in_state(Status.ENDORSED)
    c = client_for(personas["secretariat"])
    page, counted = read(c)
    assert "Showing 1 to 2 of 3" in page and counted == 1
    page, counted = read(c)
    assert "Showing 1 to 2 of 3" in page and counted == 0  # from the cache
    with django_capture_on_commit_callbacks(execute=True):
        in_state(Status.DRAFT)  # a change to the requests
    page, counted = read(c)
    assert "Showing 1 to 2 of 4" in page and counted == 1


def test_each_reader_and_filter_gets_its_own_total(in_state, personas, client_for):
    for _ in range(3):
        in_state(Status.ENDORSED)
    in_state(Status.DRAFT, title_en="A draft")
    assert "of 4" in read(client_for(personas["group_cochair"]))[0]
    assert "of 3" in read(client_for(personas["member"]))[0]  # drafts are not theirs to see
    assert "of 4" in read(client_for(personas["group_cochair"]))[0]
    secretariat = client_for(personas["secretariat"])
    assert "of 3" in read(secretariat, status="endorsed")[0]
    assert "Showing" not in read(secretariat, status="draft")[0]  # one page: no pager


def test_the_rows_are_kept_by_their_ids_and_follow_a_change(
    in_state, personas, client_for, django_capture_on_commit_callbacks
):
    """The rows' HTML is kept per the ids on the page (core.pagination.kept_rows): a second
    view reads only the ids, a change shows at once, and a reader who may not see a request
    never gets its row, whoever read the page before."""
    endorsed = in_state(Status.ENDORSED, title_en="Endorsed one")
    in_state(Status.DRAFT, title_en="A draft")
    cochair, member = client_for(personas["group_cochair"]), client_for(personas["member"])
    page, _ = read(cochair)
    assert "Endorsed one" in page and "A draft" in page
    with CaptureQueriesContext(connection) as again:
        assert "A draft" in cochair.get(URL).content.decode()
    assert not [
        q for q in again.captured_queries if "funding_fundingrequest_priorities" in q["sql"]
    ]
    page, _ = read(member)
    assert "Endorsed one" in page and "A draft" not in page
    with django_capture_on_commit_callbacks(execute=True):
        endorsed.title_en = "Endorsed, renamed"
        endorsed.save()
    assert "Endorsed, renamed" in read(member)[0]


def test_the_rows_kept_under_some_ids_are_those_requests_whatever_the_page_reads_again(
    in_state, settings
):
    """A change committed between the page's ids and its rows must not put other rows under
    those ids (another reader with the same ids would see them): the rows are rendered from
    the ids themselves, never from the page's query run a second time."""
    from core.pagination import kept_rows
    from funding.models import FundingRequest

    shown = in_state(Status.ENDORSED, title_en="The one on the page")
    moved_up = in_state(Status.DRAFT, title_en="Moved up meanwhile")

    class PageReadTwice:
        """The page's query: its ids first; run again, it has changed."""

        def values_list(self, *args, **kwargs):
            return [shown.pk]

        def __iter__(self):
            return iter([moved_up])

    html = kept_rows(
        "funding-list-rows",
        FundingRequest.objects.all(),
        PageReadTwice(),
        "funding/partials/request_rows.html",
        domains=("funding",),
    )
    assert "The one on the page" in html and "Moved up meanwhile" not in html
