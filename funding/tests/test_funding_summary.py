"""The funding summary (issue 17) stays true through every kind of change, concurrent ones
included, and the overview's figures and withheld cells read from it are those the requests
themselves give.

`summary.differences()` adds the requests up again in SQL and lists every key whose stored
figures differ; the selectors are compared with their own reading of the requests (the path
SQLite takes, `summary.maintained()` false)."""

import random
import threading
import time
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F

from councils.tests.factories import CouncilMembershipFactory, PriorityFactory, UserFactory
from funding import selectors, summary
from funding.models import FundingRequest, FundingSummary
from funding.models import Status as S
from funding.tests.factories import FundingRequestFactory
from workinggroups.tests.factories import GroupFactory, GroupMembershipFactory

pytestmark = [pytest.mark.postgres]

STATES = [S.DRAFT, S.SUBMITTED, S.IN_REVIEW, S.ENDORSED, S.RETURNED, S.APPROVED, S.WITHDRAWN]


def read_both(monkeypatch, read):
    """`read()` from the summary, then from the requests themselves, both without the cache:
    the QuerySet.update calls below bump no data version, as the portal's own callers do."""
    with monkeypatch.context() as patch:
        patch.setattr(settings, "PORTAL_FRAGMENT_CACHE", False)
        from_summary = read()
        patch.setattr(summary, "maintained", lambda using=None: False)
        from_requests = read()
    return from_summary, from_requests


def assert_true_to_the_requests(monkeypatch, councils, readers):
    assert summary.differences() == []
    for council in [None, *councils]:
        for year in (None, 2026, 2027):
            on, off = read_both(
                monkeypatch, lambda y=year, c=council: selectors.funding_totals(y, c)
            )
            assert on == off
            on, off = read_both(
                monkeypatch, lambda y=year, c=council: selectors.funding_totals_by_year(y, c)
            )
            assert on == off
            for reader in readers:
                on, off = read_both(
                    monkeypatch,
                    lambda r=reader, y=year, c=council: selectors.overview_withheld(r, y, c),
                )
                assert on == off, (reader.username, year, council)


@pytest.fixture
def world(require_postgres, council, council2, priority):
    """Two councils, three groups (one on each council, one on both), two priorities and a
    reader of every council role, and a group co-chair who wrote some requests."""
    other = PriorityFactory(code="open-data", title_en="Open data", title_fr="Données ouvertes")
    groups = [
        GroupFactory(councils=[council], priorities=[priority]),
        GroupFactory(councils=[council2], priorities=[other]),
        GroupFactory(councils=[council, council2], priorities=[priority, other]),
    ]
    author = UserFactory(username="author")
    GroupMembershipFactory(user=author, group=groups[0], role="co_chair")
    readers = [author, UserFactory(username="nobody")]
    for index, (where, role) in enumerate(
        [(council, "member"), (council2, "member"), (council, "co_chair"), (council2, "co_chair")]
    ):
        person = UserFactory(username=f"reader-{index}")
        CouncilMembershipFactory(user=person, council=where, role=role)
        readers.append(person)
    return {
        "councils": [council, council2],
        "groups": groups,
        "priorities": [priority, other],
        "author": author,
        "readers": readers,
    }


def make(world, group, status, amount="1000.00", year=2026, priorities=None):
    submitted = status != S.DRAFT
    return FundingRequestFactory(
        group=group,
        status=status,
        created_by=world["author"],
        amount_requested=Decimal(amount),
        amount_approved=Decimal(amount) / 2 if status == S.APPROVED else None,
        fiscal_year=year,
        priorities=priorities,
        submitted=submitted,
    )


def set_status(request, status, **changes):
    """The update setting `request`'s status (an approved one gets its amount approved)."""
    if status == S.APPROVED:
        changes["amount_approved"] = F("amount_requested")
    return lambda: FundingRequest.objects.filter(pk=request.pk).update(status=status, **changes)


@pytest.mark.django_db
def test_every_kind_of_change_is_added_up(world, monkeypatch):
    groups, (first, second) = world["groups"], world["priorities"]
    check = lambda: assert_true_to_the_requests(  # noqa: E731
        monkeypatch, world["councils"], world["readers"]
    )
    requests = [
        make(world, groups[i % 3], state, amount=f"{1000 + 250 * i}.00", year=2026 + i % 2)
        for i, state in enumerate(STATES * 2)
    ]
    assert FundingSummary.objects.filter(count__gt=0).exists()
    check()
    one, two, three = requests[1], requests[3], requests[5]
    # A status change through save(), and one the services' way (update of some fields).
    one.status = S.ENDORSED
    one.save()
    check()
    # QuerySet.update, which sends no signal: amounts, year, the group it belongs to.
    FundingRequest.objects.filter(pk=two.pk).update(amount_requested=Decimal("7777.00"))
    FundingRequest.objects.filter(pk=three.pk).update(fiscal_year=2027, group=groups[1])
    check()
    # Withdrawn and back to a draft: no longer counted; submitted again: counted.
    FundingRequest.objects.filter(pk=one.pk).update(status=S.WITHDRAWN)
    FundingRequest.objects.filter(pk=two.pk).update(status=S.DRAFT, submitted_at=None)
    check()
    FundingRequest.objects.filter(pk=two.pk).update(
        status=S.SUBMITTED, submitted_at=three.created_at
    )
    check()
    # Priorities added, taken away, replaced.
    three.priorities.add(first)
    check()
    three.priorities.set([second])
    check()
    three.priorities.clear()
    check()
    # The councils a group reports to: added, taken away, cleared, set again.
    groups[0].councils.add(world["councils"][1])
    check()
    groups[2].councils.remove(world["councils"][0])
    check()
    groups[1].councils.clear()
    check()
    groups[1].councils.set(world["councils"])
    check()
    # bulk_create of requests and of their priorities (the generator's way), then deletions.
    made = FundingRequest.objects.bulk_create(
        [
            FundingRequest(
                group=groups[i % 3],
                title_en=f"Bulk {i}",
                title_fr=f"En bloc {i}",
                summary_en="-",
                amount_requested=Decimal("500.00"),
                fiscal_year=2027,
                status=S.SUBMITTED,
                created_by=world["author"],
                submitted_at=one.created_at,
            )
            for i in range(6)
        ]
    )
    through = FundingRequest.priorities.through
    through.objects.bulk_create(
        [through(fundingrequest_id=r.pk, priority_id=second.pk) for r in made]
    )
    check()
    made[0].delete()
    FundingRequest.objects.filter(pk__in=[r.pk for r in made[1:3]]).delete()
    check()
    # Unrelated changes leave the summary as it was.
    before = list(FundingSummary.objects.values_list("id", "count", "requested", "approved"))
    FundingRequest.objects.update(version=7, title_en="Renamed")
    assert list(FundingSummary.objects.values_list("id", "count", "requested", "approved")) == (
        before
    )
    # The cells withheld from a member: some are (a single request in review), and the
    # summary gives the same as the requests (checked above for every reader and filter).
    assert any(selectors.overview_withheld(reader)[0] for reader in world["readers"]), (
        "the walk never withholds a cell: it checks nothing of the withheld counts"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_changes_keep_it_true(world, monkeypatch, seed):
    rng = random.Random(seed)
    groups, councils, priorities = world["groups"], world["councils"], world["priorities"]
    requests = [make(world, rng.choice(groups), rng.choice(STATES)) for _ in range(8)]
    now = requests[0].created_at
    for _step in range(40):
        request = rng.choice(requests)
        action = rng.randrange(7)
        if action == 0:
            requests.append(make(world, rng.choice(groups), rng.choice(STATES)))
        elif action == 1:
            request.refresh_from_db()
            request.status = rng.choice(STATES)
            request.amount_approved = request.amount_requested / 2
            request.save()
        elif action == 2:
            amount = Decimal(rng.randrange(500, 90_000))
            FundingRequest.objects.filter(pk=request.pk).update(
                amount_requested=amount,
                amount_approved=amount / 4,
                fiscal_year=rng.choice([2026, 2027]),
                group=rng.choice(groups),
            )
        elif action == 3:
            request.priorities.set(rng.sample(priorities, rng.randrange(3)))
        elif action == 4:
            rng.choice(groups).councils.set(rng.sample(councils, rng.randrange(3)))
        elif action == 5 and len(requests) > 2:
            requests.remove(request)
            request.delete()
        else:
            set_status(request, rng.choice(STATES), submitted_at=rng.choice([None, now]))()
        assert summary.differences() == [], (seed, _step, action)
    assert_true_to_the_requests(monkeypatch, councils, world["readers"])


@pytest.mark.django_db
def test_rebuild_repairs_a_summary_gone_wrong(world):
    make(world, world["groups"][2], S.APPROVED, amount="4000.00")
    FundingSummary.objects.filter(priority_key=0).update(count=99, requested=1)
    assert summary.differences() != []
    summary.rebuild()
    assert summary.differences() == []
    row = FundingSummary.objects.get(priority_key=0, count__gt=0)
    assert (row.count, row.requested, row.approved) == (1, Decimal("4000.00"), Decimal("2000.00"))


def installed_triggers():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname, tgrelid::regclass::text FROM pg_trigger "
            "WHERE tgname LIKE 'funding_summary%%' AND NOT tgisinternal"
        )
        return set(cursor.fetchall())


@pytest.mark.django_db
def test_uninstall_drops_every_trigger_and_install_puts_them_back(world):
    """The migration's install and uninstall read one list of triggers: after an uninstall
    none is left (a change no longer adds up), and installing again, over what is there or
    not, gives every trigger once and a summary true to the requests."""
    expected = {(name, table) for name, table, _event, _function in summary.TRIGGERS}
    assert installed_triggers() == expected
    with connection.schema_editor() as editor:
        summary.uninstall(editor)
    assert installed_triggers() == set()
    before = list(FundingSummary.objects.order_by("pk").values())
    make(world, world["groups"][0], S.SUBMITTED, amount="700.00")
    # Nothing kept it while the triggers were gone.
    assert list(FundingSummary.objects.order_by("pk").values()) == before
    with connection.schema_editor() as editor:
        summary.install(editor)
        summary.install(editor)  # again, over the installed triggers
    assert installed_triggers() == expected
    assert summary.differences() == []  # installing adds the summary up
    make(world, world["groups"][1], S.APPROVED, amount="900.00")
    assert summary.differences() == []


# --- Two transactions on one group at once ----------------------------------------------------


def one_then_the_other(first, second, hold=0.6):
    """`first` writes in a transaction held open `hold` seconds; `second` starts its own
    transaction as soon as `first` has written. Each in its own thread and connection."""
    written = threading.Event()
    errors = []

    def run_first():
        try:
            with transaction.atomic():
                first()
                written.set()
                time.sleep(hold)
        except Exception as exc:  # pragma: no cover - shown by the assertion below
            errors.append(exc)
            written.set()
        finally:
            connection.close()

    def run_second():
        try:
            assert written.wait(timeout=10)
            with transaction.atomic():
                second()
        except Exception as exc:  # pragma: no cover
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run_first), threading.Thread(target=run_second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(t.is_alive() for t in threads)
    assert errors == []


@pytest.fixture
def race(world):
    group = world["groups"][0]
    request = make(world, group, S.SUBMITTED, amount="3000.00")
    return world, group, request


@pytest.mark.django_db(transaction=True)
def test_a_status_change_racing_a_council_change(race):
    world, group, request = race
    one_then_the_other(
        set_status(request, S.ENDORSED), lambda: group.councils.add(world["councils"][1])
    )
    assert summary.differences() == []
    one_then_the_other(
        lambda: group.councils.remove(world["councils"][0]), set_status(request, S.APPROVED)
    )
    assert summary.differences() == []
    assert (
        FundingSummary.objects.get(priority_key=0, count=1, status=S.APPROVED).councils
        == f",{world['councils'][1].pk},"
    )


@pytest.mark.django_db(transaction=True)
def test_a_status_change_racing_a_priority_change(race):
    world, _group, request = race
    other = world["priorities"][1]
    one_then_the_other(set_status(request, S.ENDORSED), lambda: request.priorities.add(other))
    assert summary.differences() == []
    one_then_the_other(lambda: request.priorities.remove(other), set_status(request, S.APPROVED))
    assert summary.differences() == []


@pytest.mark.django_db(transaction=True)
def test_two_council_changes_racing_on_one_group(race):
    world, group, _request = race
    first, second = world["councils"]
    one_then_the_other(lambda: group.councils.add(second), lambda: group.councils.remove(first))
    assert summary.differences() == []
    assert list(group.councils.all()) == [second]
