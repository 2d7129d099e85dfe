"""Shared caching of the expensive parts of pages that every reader sees the same way (the
strategic-plan dashboard's board, the funding overview's totals), keyed by *data versions*,
one per domain of the governance data (DOMAINS: funding, groups, plan, meetings, people,
publication).

Any change to the governance data — a save, a deletion or a many-to-many change of a model of
the councils, workinggroups, funding or strategy apps, by a page, the admin, a Celery task or
a command — replaces the version of the model's domain (`domains_of`); a change to a
person's account (their name, e-mail, status) replaces every version, as their name is on
every page. Each cached part declares the domains it is computed from: a change invalidates
only the parts that depend on it (issue 17: one change a second to an action item threw away
every cached page). The key also carries the language and the day (late, at risk and "the
next 12 months" depend on the date), and entries expire after an hour whatever happens. Code
that writes with update() or bulk_create(), which send no signals, calls
`bump_data_version(domain, ...)` itself.

The versions are replaced after the transaction commits, never inside it: a cache that fails
(Redis down or full) can then never roll back the write it describes, and a reader that
rendered the old data before the commit cannot leave it cached under the new version. If the
bump itself fails, a cached part can be stale for at most FRAGMENT_SECONDS (an hour), the
entries' lifetime; the failure is logged and the write stands.
"""

import hashlib
import logging
import time
import uuid
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from contextvars import ContextVar

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

WATCHED_APPS = frozenset({"councils", "workinggroups", "funding", "strategy", "publication"})
# Models of other apps whose changes count, each with its domain in MODEL_DOMAINS: a
# person's recorded events (people.PersonEvent), shown on their page. Not the rest of the
# people app: an invitation's state turns with the hour, and anyone can ask for a password
# reset (people.PasswordResetAttempt), which must not empty everyone's pages.
WATCHED_MODELS = frozenset({"people.personevent"})
VERSION_KEY = "portal:data-version"
FRAGMENT_SECONDS = 3600

# The domains of the governance data, each with its own version.
FUNDING, GROUPS, PLAN, MEETINGS, PEOPLE = "funding", "groups", "plan", "meetings", "people"
# What the secretariat made public (publication app): the public pages read it with the rest.
PUBLICATION = "publication"
DOMAINS = (FUNDING, GROUPS, PLAN, MEETINGS, PEOPLE, PUBLICATION)

# Which domain a model's changes belong to: by app, and for the councils app (meetings,
# councils and their people, and the priorities the plan is made of) by model. A model of a
# watched app that is not named here counts as a change to every domain.
APP_DOMAINS = {
    "workinggroups": GROUPS,
    "funding": FUNDING,
    "strategy": PLAN,
    "publication": PUBLICATION,
}
MODEL_DOMAINS = {
    **dict.fromkeys(
        [
            "councils.meeting",
            "councils.agendaitem",
            "councils.attendee",
            "councils.vote",
            "councils.decision",
            "councils.minuteserratum",
            "councils.interestdeclaration",
            "councils.actionitem",
        ],
        MEETINGS,
    ),
    **dict.fromkeys(
        ["councils.council", "councils.councilmembership", "councils.jurisdiction"], PEOPLE
    ),
    "councils.profile": PEOPLE,
    "people.personevent": PEOPLE,
    **dict.fromkeys(
        ["councils.priority", "councils.citizenoutcome", "councils.jurisdictionpriority"], PLAN
    ),
    # The councils' log of engagements with external bodies, read with their meetings.
    **dict.fromkeys(["councils.externalbody", "councils.engagement"], MEETINGS),
}


def domains_of(model) -> tuple[str, ...]:
    """The domains a change to `model` invalidates: a history table or a many-to-many table
    counts as its model."""
    model = getattr(model, "instance_type", None) or model  # django-simple-history
    owner = model._meta.auto_created  # the model that declares a many-to-many table
    if owner:
        model = owner
    label = model._meta.label_lower
    domain = MODEL_DOMAINS.get(label) or APP_DOMAINS.get(model._meta.app_label)
    return (domain,) if domain else DOMAINS


def _version_key(domain: str) -> str:
    return f"{VERSION_KEY}:{domain}"


def _pending_bump(connection):
    """The bump registered by the current transaction, if it has one still to run."""
    if not connection.in_atomic_block:
        return None
    for entry in connection.run_on_commit:
        if hasattr(entry[1], "local_versions"):
            return entry[1]
    return None


def data_versions(domains: Iterable[str]) -> tuple[str, ...]:
    """The current version of each domain, read in one cache round trip ("no-cache" when the
    cache cannot be reached)."""
    return _versions(domains)[0]


# The versions of every domain as one request first read them (None outside a request, or in
# a request that did not go through DataVersionsMiddleware): a page with several cached parts
# reads the versions once, in one round trip, not once per part (issue 17), and its parts are
# all of one moment. A version this process replaces empties it, so a request reads its own
# committed writes.
_request_versions: ContextVar[dict | None] = ContextVar("portal_request_versions", default=None)


@contextmanager
def versions_read_once():
    """Within the block, the data versions are read from the cache at most once (again after
    a bump by this process): core.middleware.DataVersionsMiddleware wraps each request."""
    token = _request_versions.set({})
    try:
        yield
    finally:
        _request_versions.reset(token)


def _read_versions(domains: tuple[str, ...]) -> dict[str, str]:
    """The versions of `domains` in the cache, a new one set for a domain that has none, and
    "no-cache" for each the cache could not give (down, unreachable)."""
    keys = [_version_key(d) for d in domains]
    found = cache.get_many(keys) if keys else {}
    missing = [key for key in keys if key not in found]
    if missing:
        for key in missing:
            cache.add(key, uuid.uuid4().hex, timeout=None)
        found.update(cache.get_many(missing))
    return {d: found.get(_version_key(d)) or "no-cache" for d in domains}


def _versions(domains: Iterable[str]) -> tuple[tuple[str, ...], bool]:
    """The versions, and whether any is private to the current transaction (it changed that
    domain and has not committed)."""
    domains = tuple(domains)
    # A transaction that changed a domain reads its own writes under a version of its own,
    # which no other reader knows, until its commit publishes a new one.
    pending = _pending_bump(transaction.get_connection())
    local = pending.local_versions if pending is not None else {}
    shared = tuple(d for d in domains if d not in local)
    memo = _request_versions.get()
    if memo is None:
        found = _read_versions(shared)
    else:
        if any(d not in memo for d in shared):
            # All of them: the next part needs no round trip.
            memo.update(_read_versions(tuple(dict.fromkeys((*DOMAINS, *shared)))))
        found = memo
    versions = tuple(local.get(d) or found[d] for d in domains)
    return versions, any(d in local for d in domains)


def data_version(domain: str) -> str:
    """One domain's current version."""
    return data_versions((domain,))[0]


logger = logging.getLogger("portal.cache")


def _replace_versions(domains):
    memo = _request_versions.get()
    if memo is not None:
        memo.clear()  # this request reads the new versions from now on
    try:
        cache.set_many({_version_key(d): uuid.uuid4().hex for d in domains}, timeout=None)
    except Exception as error:  # any backend: a failed bump is a stale page, never a failure
        logger.warning("Data versions %s not bumped; cached parts may be stale: %r", domains, error)


def bump_data_version(*domains: str):
    """Replace the versions of `domains` (all of them when none is named) once the current
    transaction commits (at once outside one). A transaction that saves a thousand rows
    bumps once: the callback is registered once and collects the domains. A named function,
    not a functools.partial (Django ticket #36487)."""
    domains = domains or DOMAINS
    unknown = set(domains) - set(DOMAINS)
    if unknown:
        raise ValueError(f"Unknown data domain(s): {sorted(unknown)}")
    pending = _pending_bump(transaction.get_connection())
    if pending is not None:
        # this transaction reads its latest writes
        pending.local_versions.update({d: uuid.uuid4().hex for d in domains})
        return

    def replace_data_versions():
        changed = sorted(replace_data_versions.local_versions)
        del replace_data_versions.local_versions  # no longer pending
        _replace_versions(changed)

    replace_data_versions.local_versions = {d: uuid.uuid4().hex for d in domains}
    transaction.on_commit(replace_data_versions, robust=True)


def fragment_key(name: str, domains: Iterable[str], *parts) -> str:
    return _keys(name, _versions(domains)[0], parts)[0]


def _keys(name: str, versions: tuple[str, ...], parts: tuple) -> tuple[str, str]:
    """The entry's key under the current versions, and the key of the last copy built for
    the same name, parts, day and language whatever the versions."""
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:16]
    language = translation.get_language() or ""
    where = f"{timezone.localdate()}:{language}:{digest}"
    # The versions hashed too: a key reading every domain stays short (memcached's 250).
    stamp = hashlib.sha256(".".join(versions).encode()).hexdigest()[:32]
    return f"portal:fragment:{name}:{stamp}:{where}", f"portal:last:{name}:{where}"


# True while an entry is built (core.cache._get_or_build): the parts it is built from are
# then built fresh, never served as a previous copy.
_building: ContextVar[bool] = ContextVar("portal_building", default=False)


def _get_or_build(
    name: str, domains: Iterable[str], parts: tuple, build: Callable, *, stale: bool = True
):
    """The entry under the current versions of `domains`; on a miss, one worker builds it.

    Single flight: the worker that misses takes a short lock (`cache.add`, which only one
    caller wins) and builds; the others, while the lock is held, are served the last copy
    built for the same name, parts, day and language, if it was built at most
    PORTAL_FRAGMENT_STALE_SECONDS ago (stale-while-revalidate). So a reader sees at most
    that many seconds of changes missing, and only while a rebuild runs. With no such copy
    (or the setting at 0), a reader builds it, as without the lock. The lock expires after
    the same time, so a builder that dies holds no one up for longer. `stale=False`: never a
    previous copy (every reader who misses builds). A transaction that
    changed a domain it depends on reads and builds under its own versions, never a copy
    another reader could be served.
    """
    versions, private = _versions(domains)
    key, last_key = _keys(name, versions, parts)
    value = cache.get(key)
    if value is not None:
        return value
    stale_seconds = settings.PORTAL_FRAGMENT_STALE_SECONDS
    # Inside the build of an entry, no part of it may be a previous copy: it would be kept
    # within the entry under the new versions, stale for as long as they last.
    stale = stale and not _building.get()
    shared = stale and not private and "no-cache" not in versions and stale_seconds > 0
    lock_key = f"{key}:lock"
    if shared and not cache.add(lock_key, 1, timeout=stale_seconds):
        last = cache.get(last_key)  # someone else is building it: their last copy, if recent
        if last is not None and time.time() - last[0] <= stale_seconds:
            return last[1]
    started = time.time()  # the copy shows the data as it was when its build began
    building = _building.set(True)
    try:
        value = build()
    except BaseException:
        if shared:
            cache.delete(lock_key)  # the next reader tries at once
        raise
    finally:
        _building.reset(building)
    if shared:
        cache.set_many({key: value, last_key: (started, value)}, FRAGMENT_SECONDS)
        cache.delete(lock_key)
    else:
        cache.set(key, value, FRAGMENT_SECONDS)
    return value


def cached_fragment(
    name: str, parts: tuple, render: Callable[[], str], *, domains: Iterable[str]
) -> SafeString:
    """The HTML `render()` returns, computed once per version of each of `domains` (the data
    it is computed from), day, language and parts (`_get_or_build`: one worker builds it, the
    others may be served the previous copy for a bounded time). `parts` must name everything
    the HTML depends on besides those."""
    if not settings.PORTAL_FRAGMENT_CACHE:
        return mark_safe(str(render()))  # rendered by our own templates, autoescaped
    html = _get_or_build(name, domains, parts, lambda: str(render()))
    return mark_safe(html)  # rendered by our own templates, autoescaped


def cached_value(
    name: str, parts: tuple, compute: Callable, *, domains: Iterable[str], stale: bool = True
):
    """Like cached_fragment, for a picklable value. `stale=False` for a value that must
    never lag the data (no previous copy served while it is rebuilt)."""
    if not settings.PORTAL_FRAGMENT_CACHE:
        return compute()
    return _get_or_build(name, domains, parts, compute, stale=stale)


def kept_page_part(
    request, name: str, parts: tuple, template: str, context: Callable[[], dict], *, domains
) -> SafeString:
    """`template` rendered with `context()`, kept as HTML per data version of `domains`, day,
    language, `parts` and the request's query string, for a part of a page that is the same
    for every reader allowed to open it (the caller checks that first). The template gets
    `request` for its pagers' links, not the context processors: no CSRF token, no reader's
    name. Never a previous copy (`stale=False`): these are pages a writer is sent back to."""
    from django.template.loader import render_to_string

    html = cached_value(
        name,
        (*parts, sorted(request.GET.lists())),
        lambda: render_to_string(template, {"request": request, **context()}),
        domains=domains,
        stale=False,
    )
    return mark_safe(html)  # rendered by our own templates, autoescaped


_MODEL_DOMAINS_CACHE: dict = {}


def _on_change(sender, **kwargs):
    domains = _MODEL_DOMAINS_CACHE.get(sender)
    if domains is None:
        domains = _MODEL_DOMAINS_CACHE[sender] = domains_of(sender)
    bump_data_version(*domains)


def connect_signals():
    """Connect to the watched apps' models only (their history and many-to-many tables
    included): a receiver for every sender would cost Django's fast path for deleting rows
    of every other model (sessions, reminders, observations)."""
    models = [
        model
        for label in WATCHED_APPS
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    ] + [apps.get_model(label) for label in WATCHED_MODELS]
    for model in models:
        uid = f"portal-data-version:{model._meta.label_lower}"
        post_save.connect(_on_change, sender=model, dispatch_uid=f"{uid}:save")
        post_delete.connect(_on_change, sender=model, dispatch_uid=f"{uid}:delete")
        m2m_changed.connect(_on_change, sender=model, dispatch_uid=f"{uid}:m2m")
    person = get_user_model()
    uid = "portal-data-version:person"
    post_save.connect(_on_person_change, sender=person, dispatch_uid=f"{uid}:save")
    post_delete.connect(_on_person_change, sender=person, dispatch_uid=f"{uid}:delete")


def _on_person_change(sender, update_fields=None, **kwargs):
    """A person's account changed: their name is on the pages of every domain (members,
    attendees, authors, reviewers), their status on the people pages. Renamed or deactivated
    anywhere, the Django admin included, no page keeps the old. Signing in only stamps
    `last_login`, which only the person's page shows, read on each view: it changes nothing
    kept."""
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    bump_data_version()
