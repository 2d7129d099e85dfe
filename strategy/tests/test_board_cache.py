"""The dashboard's board is built once per data version, day and language (core.cache), and
any change to the data shows on the next request."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.cache import bump_data_version, data_version
from workinggroups.models import Objective

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cache_on")]
NOW = datetime.datetime(2026, 11, 15, 15, 0, tzinfo=datetime.UTC)
URL = reverse("strategy:dashboard")


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def get(client, path=URL, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path, params)
    assert response.status_code == 200
    return response.content.decode(), len(ctx.captured_queries)


def board_of(page):
    start = page.index('<section class="strategy-headline"')
    return page[start : page.index('id="strategy-chart-data"', start)]


def test_a_second_reader_gets_the_board_without_building_it(client_for, member, adopted_plan):
    first, cold = get(client_for(member))
    again, warm = get(client_for(member))
    assert "33%" in first and board_of(first) == board_of(again)
    assert warm < cold - 5  # the board's reads are skipped


def test_a_change_to_an_objective_shows_at_once(client_for, member, adopted_plan):
    c = client_for(member)
    assert "33%" in get(c)[0]
    on_track = Objective.objects.get(title_en="Trust framework plan")
    on_track.status = Objective.Status.DONE
    on_track.completed_on = datetime.date(2026, 11, 1)
    on_track.save()
    assert "67%" in get(c)[0]


def test_a_many_to_many_change_replaces_the_version(group):
    from councils.tests.factories import CouncilFactory

    other = CouncilFactory(code="pscioc")
    before = data_version("groups")
    group.councils.add(other)
    assert data_version("groups") != before


def test_a_deletion_replaces_the_version(group, secretariat):
    from workinggroups.models import GroupLink
    from workinggroups.tests.factories import GroupFactory

    link = GroupLink.objects.create(
        group_a=group, group_b=GroupFactory(slug="other"), created_by=secretariat
    )
    before = data_version("groups")
    link.delete()
    assert data_version("groups") != before


def test_the_version_is_published_only_when_the_transaction_commits(
    db, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    from core.cache import VERSION_KEY

    published = data_version("plan")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        bump_data_version("plan")
        during = data_version("plan")
        # nothing written inside the transaction
        assert cache.get(f"{VERSION_KEY}:plan") == published
    assert during != published
    for callback in callbacks:
        callback()
    assert data_version("plan") not in {during, published}


def test_each_language_and_filter_has_its_own_board(client_for, member, adopted_plan):
    c = client_for(member)
    english = get(c)[0]
    french = get(c, "/fr/strategy/")[0]
    assert "of the plan's weighted objectives are done" in english
    assert "33\xa0%" in french and "of the plan's weighted objectives" not in french
    next_year = get(c, fiscal_year="2027")[0]
    assert next_year != english


def test_a_new_day_builds_the_board_again(client_for, member, adopted_plan):
    """Late and "the next 12 months" depend on the date: the cached board is per day."""
    c = client_for(member)
    _page, cold = get(c)
    _page, warm = get(c)
    with time_machine.travel(NOW + datetime.timedelta(days=1), tick=False):
        _page, next_day = get(client_for(member))  # a new session: the old one expired
    assert warm < cold and next_day == cold


def test_the_cache_can_be_switched_off(client_for, member, adopted_plan, settings):
    settings.PORTAL_FRAGMENT_CACHE = False
    c = client_for(member)
    assert get(c)[1] == get(c)[1]


def test_the_home_headline_is_added_up_once_and_follows_a_change(
    client_for, member, council_cochair, adopted_plan
):
    """The plan's roll-up on home grows with the plan: added up once per data version and day
    for every reader (issue 17), not once per person whose home is built, and a change shows
    on the next request."""
    home = reverse("portal:home")

    def headline(user):
        with CaptureQueriesContext(connection) as ctx:
            page = client_for(user).get(home).content.decode()
        added_up = [q for q in ctx.captured_queries if "rollup_group" in q["sql"]]
        return page, len(added_up)

    first, cold = headline(member)
    other, shared = headline(council_cochair)  # their own home is built, not the roll-up
    assert "33%" in first and "33%" in other and (cold, shared) == (1, 0)
    on_track = Objective.objects.get(title_en="Trust framework plan")
    on_track.status = Objective.Status.DONE
    on_track.completed_on = datetime.date(2026, 11, 1)
    on_track.save()
    changed, again = headline(member)
    assert "67%" in changed and again == 1


def test_a_meeting_change_keeps_the_board_and_a_plan_change_builds_it_again(
    client_for, member, adopted_plan, django_capture_on_commit_callbacks
):
    """One data version per domain (issue 17: one change a second to an action item threw
    away every cached page)."""
    from councils.models import ActionItem
    from strategy.models import PlanItem

    c = client_for(member)
    _page, cold = get(c)
    _page, warm = get(c)
    assert warm < cold
    meetings = data_version("meetings")
    with django_capture_on_commit_callbacks(execute=True):
        ActionItem.objects.create(title_en="Send the minutes", title_fr="Envoyer le PV")
    assert data_version("meetings") != meetings
    assert get(c)[1] == warm  # still cached
    with django_capture_on_commit_callbacks(execute=True):
        PlanItem.objects.filter(plan=adopted_plan).first().save()
    # Built again; the withheld funding count, which reads no plan, stays kept.
    assert warm < get(c)[1] <= cold
