"""Shared caching of the expensive parts of pages that every reader sees the same way (the
strategic-plan dashboard's board, the funding overview's totals), keyed by a *data version*.

Any change to the governance data — a save, a deletion or a many-to-many change of a model of
the councils, workinggroups, funding or strategy apps, by a page, the admin, a Celery task or
a command — replaces the data version, so no cached part outlives the data it shows. The key
also carries the language and the day (late, at risk and "the next 12 months" depend on the
date), and entries expire after an hour whatever happens. Code that writes with update() or
bulk_create(), which send no signals, calls `bump_data_version()` itself.

The version is replaced after the transaction commits, never inside it: a cache that fails
(Redis down or full) can then never roll back the write it describes, and a reader that
rendered the old data before the commit cannot leave it cached under the new version. If the
bump itself fails, a cached part can be stale for at most FRAGMENT_SECONDS (an hour), the
entries' lifetime; the failure is logged and the write stands.
"""

import hashlib
import logging
import uuid
from collections.abc import Callable

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

WATCHED_APPS = frozenset({"councils", "workinggroups", "funding", "strategy", "publication"})
VERSION_KEY = "portal:data-version"
FRAGMENT_SECONDS = 3600


def _pending_bump(connection):
    """The bump registered by the current transaction, if it has one still to run."""
    if not connection.in_atomic_block:
        return None
    for entry in connection.run_on_commit:
        if hasattr(entry[1], "local_version"):
            return entry[1]
    return None


def data_version() -> str:
    # A transaction that changed the data reads its own writes under a version of its own,
    # which no other reader knows, until its commit publishes a new one.
    pending = _pending_bump(transaction.get_connection())
    if pending is not None:
        return pending.local_version
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY)
    return version or "no-cache"


logger = logging.getLogger("portal.cache")


def _replace_version():
    try:
        cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception as error:  # any backend: a failed bump is a stale page, never a failure
        logger.warning("Data version not bumped; cached parts may be stale: %r", error)


def bump_data_version():
    """Replace the data version once the current transaction commits (at once outside one).
    A transaction that saves a thousand rows bumps once: the callback is registered once.
    A named function, not a functools.partial (Django ticket #36487)."""
    pending = _pending_bump(transaction.get_connection())
    if pending is not None:
        pending.local_version = uuid.uuid4().hex  # this transaction reads its latest writes
        return

    def replace_data_version():
        del replace_data_version.local_version  # no longer pending
        _replace_version()

    replace_data_version.local_version = uuid.uuid4().hex
    transaction.on_commit(replace_data_version, robust=True)


def fragment_key(name: str, *parts) -> str:
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:16]
    language = translation.get_language() or ""
    return f"portal:fragment:{name}:{data_version()}:{timezone.localdate()}:{language}:{digest}"


def cached_fragment(name: str, parts: tuple, render: Callable[[], str]) -> SafeString:
    """The HTML `render()` returns, computed once per data version, day, language and parts.
    `parts` must name everything the HTML depends on besides those."""
    if not settings.PORTAL_FRAGMENT_CACHE:
        return mark_safe(str(render()))  # rendered by our own templates, autoescaped
    key = fragment_key(name, *parts)
    html = cache.get(key)
    if html is None:
        html = str(render())
        cache.set(key, html, FRAGMENT_SECONDS)
    return mark_safe(html)  # rendered by our own templates, autoescaped


def cached_value(name: str, parts: tuple, compute: Callable):
    """Like cached_fragment, for a picklable value."""
    if not settings.PORTAL_FRAGMENT_CACHE:
        return compute()
    key = fragment_key(name, *parts)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, FRAGMENT_SECONDS)
    return value


def _on_change(sender, **kwargs):
    bump_data_version()


def connect_signals():
    """Connect to the watched apps' models only (their history and many-to-many tables
    included): a receiver for every sender would cost Django's fast path for deleting rows
    of every other model (sessions, reminders, observations)."""
    for label in WATCHED_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            uid = f"portal-data-version:{model._meta.label_lower}"
            post_save.connect(_on_change, sender=model, dispatch_uid=f"{uid}:save")
            post_delete.connect(_on_change, sender=model, dispatch_uid=f"{uid}:delete")
            m2m_changed.connect(_on_change, sender=model, dispatch_uid=f"{uid}:m2m")
