"""Shared fixtures: personas, real services, and a real Chromium for browser tests.

In CI (CI=true) a test that needs PostgreSQL, Redis or Chromium fails loudly when the service
is missing; on a laptop it is skipped with a message that says what is missing.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.db import connection
from hypothesis import HealthCheck, settings

# Tests must not depend on the machine's speed (issue 14: "input generation is slow" fired on a
# loaded 2-core machine). No deadline, no too-slow health checks; loaded for every test.
settings.register_profile(
    "portal",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "portal"))

# Playwright runs an event loop in the test thread; Django must allow ORM use there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

IN_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM = Path(os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium"))


def pytest_collection_modifyitems(items):
    """Tests marked `long` (minutes each) run first, the browser's before the others. With
    `--dist loadfile --no-loadscope-reorder` (pytest.ini) the modules go to the workers in this
    order: started first, a long module runs beside the short ones on the other worker instead
    of being the last thing left. (xdist's own order, the modules with most tests first, put the
    one-test walk of several minutes at the very end.)"""

    def rank(item):
        if item.get_closest_marker("long") is None:
            return 2
        return 0 if item.get_closest_marker("browser") else 1

    items.sort(key=rank)


def need(available: bool, what: str):
    if available:
        return
    if IN_CI:
        pytest.fail(f"{what} is missing, and CI=true: tests that need it must run, not skip.")
    pytest.skip(f"{what} is missing on this machine.")


@pytest.fixture(autouse=True)
def _empty_cache():
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _english_by_default():
    """A request activates its language in the thread; start every test from English."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture
def cache_on(settings):
    """The shared cache on (core.cache), for tests of what pages keep: whatever the setting
    or a directory's conftest (strategy's turns it off) chose."""
    settings.PORTAL_FRAGMENT_CACHE = True


@pytest.fixture
def require_postgres(db):
    need(connection.vendor == "postgresql", "PostgreSQL (set DATABASE_URL=postgres://...)")


@pytest.fixture
def redis_url():
    from django.conf import settings

    url = settings.REDIS_URL
    available = False
    if url:
        import redis

        try:
            available = bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
        except redis.RedisError:
            available = False
    need(available, f"Redis (set REDIS_URL=redis://...; tried {url or 'nothing'})")
    return url


@pytest.fixture(autouse=True)
def _browser_available(request):
    if request.node.get_closest_marker("browser"):
        need(
            CHROMIUM.exists() and shutil.which(str(CHROMIUM)) is not None, f"Chromium at {CHROMIUM}"
        )


# Playwright waits 5 s for an `expect` and 30 s for an action by default: on a loaded machine
# (the live server, Chromium and the suite's other processes share 2 cores) a correct page can
# take longer. Waits end as soon as the condition holds, so generous limits cost nothing.
BROWSER_WAIT_MS = 60_000


@pytest.fixture(scope="session", autouse=True)
def _browser_waits():
    try:
        from playwright.sync_api import expect
    except ImportError:
        return
    expect.set_options(timeout=BROWSER_WAIT_MS)


@pytest.fixture
def context(context):
    context.set_default_timeout(BROWSER_WAIT_MS)
    context.set_default_navigation_timeout(BROWSER_WAIT_MS)
    return context


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


# --- Personas -------------------------------------------------------------------------------


def make_council():
    from councils.tests.factories import CouncilFactory

    return CouncilFactory(
        code="pssdc",
        name_en="Public Sector Service Delivery Council",
        name_fr="Conseil de la prestation des services du secteur public",
        acronym_en="PSSDC",
        acronym_fr="CPSSP",
    )


def make_priority():
    from councils.tests.factories import PriorityFactory

    return PriorityFactory(
        code="digital-identity", title_en="Digital identity", title_fr="Identité numérique"
    )


def make_group(council, priority):
    from workinggroups.tests.factories import GroupFactory

    return GroupFactory(
        slug="digital-identity-wg",
        name_en="Digital Identity Working Group",
        name_fr="Groupe de travail sur l'identité numérique",
        councils=[council],
        priorities=[priority],
    )


def _council_person(username, council, role):
    from councils.tests.factories import CouncilMembershipFactory, UserFactory

    user = UserFactory(username=username)
    CouncilMembershipFactory(user=user, council=council, role=role)
    return user


def make_council_cochair(council):
    return _council_person("council-cochair", council, "co_chair")


def make_secretariat(council):
    return _council_person("secretariat-staff", council, "secretariat")


def make_member(council):
    return _council_person("council-member", council, "member")


def make_group_cochair(group):
    from councils.tests.factories import UserFactory
    from workinggroups.tests.factories import GroupMembershipFactory

    user = UserFactory(username="group-cochair")
    GroupMembershipFactory(user=user, group=group, role="co_chair")
    return user


def make_outsider():
    from councils.tests.factories import UserFactory

    return UserFactory(username="outsider")


def personas_by_name(council_cochair, group_cochair, secretariat, member, outsider):
    return {
        "anonymous": None,
        "outsider": outsider,
        "member": member,
        "group_cochair": group_cochair,
        "council_cochair": council_cochair,
        "secretariat": secretariat,
    }


@pytest.fixture
def council(db):
    return make_council()


@pytest.fixture
def priority(db):
    return make_priority()


@pytest.fixture
def group(db, council, priority):
    return make_group(council, priority)


@pytest.fixture
def council_cochair(council):
    return make_council_cochair(council)


@pytest.fixture
def secretariat(council):
    return make_secretariat(council)


@pytest.fixture
def member(council):
    return make_member(council)


@pytest.fixture
def group_cochair(group):
    return make_group_cochair(group)


@pytest.fixture
def outsider(db):
    return make_outsider()


@pytest.fixture
def personas(council_cochair, group_cochair, secretariat, member, outsider):
    """Every persona by name; `anonymous` is None."""
    return personas_by_name(council_cochair, group_cochair, secretariat, member, outsider)


# --- Data a module's tests share --------------------------------------------------------------


@pytest.fixture(scope="module")
def module_db(django_db_setup, django_db_blocker):
    """One transaction around a whole module, rolled back after its last test: for data its
    tests share, built once instead of for every test. Each test that asks for `db` runs in a
    savepoint inside it, as with Django's TestCase.setUpTestData, so what a test writes is gone
    before the next one. Not for a module with transactional tests (they would flush it)."""
    from django.db import transaction

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
    try:
        yield django_db_blocker
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture(scope="module")
def module_personas(module_db):
    """The council, priority and group of the persona fixtures, and the personas by name
    (`personas`), built once per module (see module_db). The objects are shared: a test may
    write through the portal (rolled back), but must not change them in memory."""
    with module_db.unblock():
        council = make_council()
        priority = make_priority()
        group = make_group(council, priority)
        personas = personas_by_name(
            make_council_cochair(council),
            make_group_cochair(group),
            make_secretariat(council),
            make_member(council),
            make_outsider(),
        )
    return {"council": council, "priority": priority, "group": group, "personas": personas}


@pytest.fixture(scope="module")
def module_demo(module_db):
    """The demo (`manage.py load_demo`, 3-4 s), loaded once per module (see module_db), for the
    modules whose tests read it."""
    from tests.demo import load_demo

    with module_db.unblock():
        load_demo()


@pytest.fixture(scope="module")
def module_world(module_db, module_personas):
    """tests.world.build_world around module_personas, built once per module."""
    from tests.world import build_world

    with module_db.unblock():
        return build_world(
            module_personas["personas"],
            module_personas["council"],
            module_personas["priority"],
            module_personas["group"],
        )


@pytest.fixture
def demo_world(transactional_db, settings):
    """The demo, for a transactional (browser) test: on PostgreSQL as a superuser, loaded once
    per test process and restored from a copy for the next tests; loaded each time elsewhere
    (tests/demo.py)."""
    from tests.demo import LOADER

    LOADER.load(settings.MEDIA_ROOT)


def signed_in_client(user, **options):
    """A test client signed in as `user` (anonymous for None); `options` go to Client."""
    from django.test import Client

    client = Client(**options)
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def client_for():
    """client_for(user) -> a test client signed in as `user` (anonymous for None)."""
    return signed_in_client


@pytest.fixture(autouse=True)
def _broker_not_paused():
    """A test that made the broker fail must not leave the next one without it."""
    from notifications.services import broker_resume

    broker_resume()
