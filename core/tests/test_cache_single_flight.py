"""Single-flight rebuild (issue 17): after a change, one worker rebuilds a cached part; the
others are served the previous copy, for at most PORTAL_FRAGMENT_STALE_SECONDS."""

import datetime
import threading

import pytest
import time_machine
from django.core.cache import cache
from django.utils import translation

from core.cache import _replace_versions, cached_value, fragment_key


@pytest.fixture(autouse=True)
def _cache_on(settings):
    settings.PORTAL_FRAGMENT_CACHE = True
    settings.PORTAL_FRAGMENT_STALE_SECONDS = 30
    cache.clear()


def read(build):
    with translation.override("en"):
        return cached_value("test-part", ("a",), build, domains=("plan",))


def lock_key():
    with translation.override("en"):
        return fragment_key("test-part", ("plan",), "a") + ":lock"


class Builds:
    def __init__(self):
        self.count = 0

    def __call__(self):
        self.count += 1
        return self.count


def test_while_another_worker_rebuilds_a_reader_is_served_the_last_copy():
    builds = Builds()
    assert read(builds) == 1
    _replace_versions(["plan"])  # a change was committed
    cache.add(lock_key(), 1, timeout=None)  # another worker is rebuilding it
    assert read(builds) == 1 and builds.count == 1  # the previous copy, not built again
    cache.delete(lock_key())
    assert read(builds) == 2  # nobody rebuilds it: this reader does
    assert read(builds) == 2


def test_a_copy_older_than_the_bound_is_never_served():
    builds = Builds()
    assert read(builds) == 1
    _replace_versions(["plan"])
    later = datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(seconds=31)
    with time_machine.travel(later, tick=False):
        cache.add(lock_key(), 1, timeout=None)  # held, but the copy is 31 s old
        assert read(builds) == 2


def test_the_setting_at_zero_makes_every_reader_build(settings):
    settings.PORTAL_FRAGMENT_STALE_SECONDS = 0
    builds = Builds()
    assert read(builds) == 1
    _replace_versions(["plan"])
    cache.add(lock_key(), 1, timeout=None)
    assert read(builds) == 2


def test_two_readers_after_a_change_build_it_once_and_the_second_does_not_wait():
    assert read(lambda: "old") == "old"
    _replace_versions(["plan"])
    building, release = threading.Event(), threading.Event()
    builds = []

    def slow_build():
        builds.append(threading.current_thread().name)
        building.set()
        assert release.wait(10)
        return "new"

    results = {}
    first = threading.Thread(target=lambda: results.setdefault("first", read(slow_build)))
    first.start()
    assert building.wait(10)  # the first reader holds the lock and builds
    results["second"] = read(slow_build)  # served at once: the build has not finished
    release.set()
    first.join(10)
    assert results == {"first": "new", "second": "old"}
    assert len(builds) == 1
    assert read(slow_build) == "new" and len(builds) == 1  # built once, then a hit


def test_a_failed_build_lets_the_next_reader_try_at_once():
    assert read(lambda: "old") == "old"
    _replace_versions(["plan"])

    def broken():
        raise ValueError("bug")

    with pytest.raises(ValueError):
        read(broken)
    assert cache.get(lock_key()) is None
    assert read(lambda: "new") == "new"


@pytest.mark.parametrize("outer_stale", [True, False])
def test_an_entry_takes_no_previous_copy_of_a_part_it_is_built_from(outer_stale):
    """A person's home holds the plan's roll-up (a shared part): built while another worker
    rebuilds the roll-up, it must not keep the roll-up's previous copy under the new
    versions, where it would stay for as long as they last."""
    builds = Builds()
    assert read(builds) == 1
    _replace_versions(["plan"])
    cache.add(lock_key(), 1, timeout=None)  # another worker is rebuilding the part
    assert read(builds) == 1  # a reader is served its previous copy meanwhile

    def outer():
        return ("home", read(builds))

    with translation.override("en"):
        kept = cached_value("test-home", ("p",), outer, domains=("plan",), stale=outer_stale)
    assert kept == ("home", 2) and builds.count == 2
    assert read(builds) == 2 and builds.count == 2  # the part it built is kept as usual
