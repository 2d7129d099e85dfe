"""A request reads the data versions once (issue 17): a list page keeps its count and its rows
under the versions of its domains, and read them twice, one cache round trip each; the home
review queue's and the dashboard's parts
the same. Within a request the versions are read at most
once, in one round trip for every domain, and read again after the request's own write is
committed. The Redis client is made once per connection pool, not once per operation."""

import pytest
from django.db import transaction
from django.urls import reverse

from core import cache as portal_cache
from core.cache import bump_data_version, cached_value, data_version, versions_read_once

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cache_on")]


@pytest.fixture
def version_reads(monkeypatch):
    """How many times the versions were read from the cache (the real cache, counted)."""
    reads = []
    real = portal_cache._read_versions

    def counted(domains):
        reads.append(domains)
        return real(domains)

    monkeypatch.setattr(portal_cache, "_read_versions", counted)
    return reads


def test_within_a_request_the_versions_are_read_once_for_every_domain(version_reads):
    with versions_read_once():
        cached_value("test-a", (), lambda: 1, domains=("plan",))
        cached_value("test-b", (), lambda: 2, domains=("groups", "people"))
        cached_value("test-c", (), lambda: 3, domains=("funding",))
    assert len(version_reads) == 1
    assert set(version_reads[0]) == set(portal_cache.DOMAINS)
    # Outside a request each part reads its own, as before.
    cached_value("test-a", (), lambda: 1, domains=("plan",))
    assert len(version_reads) == 2


def test_a_write_committed_in_the_request_is_read_back_at_once():
    built = []

    def build():
        built.append(1)
        return len(built)

    with versions_read_once():
        assert cached_value("test-groups", (), build, domains=("groups",)) == 1
        before = data_version("groups")
        with transaction.atomic():
            bump_data_version("groups")
            # the transaction reads its own writes under a version of its own
            assert data_version("groups") != before
        after = data_version("groups")
        assert after != before  # the commit replaced it, and this request sees it
        assert cached_value("test-groups", (), build, domains=("groups",)) == 2
    assert data_version("groups") == after


def test_versions_unreadable_are_no_cache_for_the_whole_request(monkeypatch):
    """The cache down: one failed read for the request, every part computed afresh."""
    from django.core.cache import cache

    calls = []
    monkeypatch.setattr(cache, "get_many", lambda keys: calls.append(keys) or {})
    monkeypatch.setattr(cache, "add", lambda *a, **k: False)
    with versions_read_once():
        assert portal_cache.data_versions(("plan", "groups")) == ("no-cache", "no-cache")
        assert portal_cache.data_versions(("funding",)) == ("no-cache",)
    assert len(calls) == 2  # the read and the read again after adding: once per request


# Committed: a person created in the test's own transaction (the personas) leaves every
# domain's version pending in it, read from there and not from the cache (core.cache).
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "url_name, persona",
    [
        ("workinggroups:group_list", "member"),
        ("funding:review_queue", "council_cochair"),
        ("strategy:dashboard", "member"),
    ],
)
def test_a_page_reads_the_versions_once(url_name, persona, request, client, version_reads):
    client.force_login(request.getfixturevalue(persona))
    url = reverse(url_name)
    assert client.get(url).status_code == 200
    version_reads.clear()
    response = client.get(url)
    assert response.status_code == 200
    assert len(version_reads) == 1


def test_the_redis_client_is_made_once_per_pool(redis_url, settings):
    from django.core.cache import caches

    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache_backends.DegradingRedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "client-reuse-test",
        }
    }
    backend = caches.create_connection("default")
    client = backend._cache.get_client()
    assert backend._cache.get_client(write=True) is client
    backend.set("k", "v", 5)
    assert backend.get("k") == "v"
    assert backend._cache.get_client() is client
    backend.delete("k")


def test_a_domain_read_once_is_read_with_all_the_others():
    """The first part of a request reads every domain; a later part finds its own there."""
    with versions_read_once():
        first = portal_cache.data_versions(("plan",))
        everything = portal_cache.data_versions(portal_cache.DOMAINS)
    assert first[0] == everything[portal_cache.DOMAINS.index("plan")]
    assert "no-cache" not in everything
