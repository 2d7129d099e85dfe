"""Test helpers for reminders: frozen time, eager Celery, and sweeps run as a beat tick would.

Import the fixtures into a test module (`from notifications.tests.helpers import eager_celery`)
to use them.
"""

import datetime
import threading
import time
import zoneinfo
from contextlib import contextmanager

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.mail.backends import locmem
from django.db import connection

from config.celery_app import app as celery_app

TORONTO = zoneinfo.ZoneInfo("America/Toronto")
TODAY = datetime.date(2026, 11, 23)  # a Monday


def at(day: datetime.date, hour=7, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=TORONTO)


@contextmanager
def frozen(day: datetime.date = TODAY, hour=7, minute=0):
    with time_machine.travel(at(day, hour, minute), tick=False) as traveller:
        yield traveller


@pytest.fixture
def eager_celery():
    """Tasks enqueued with .delay() run at once, in the test, as a worker would run them."""
    before = (celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates)
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield celery_app
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = before


def make_user(username, *, language="en", email=True, **extra):
    user = get_user_model().objects.create_user(
        username=username,
        email=f"{username}@example.gc.ca" if email else "",
        first_name=extra.pop("first_name", username.title()),
        **extra,
    )
    if language != "en":
        user.profile.preferred_language = language
        user.profile.save(update_fields=["preferred_language"])
    return user


class SlowBackend(locmem.EmailBackend):
    """The test outbox, with a mail server that takes its time: two senders overlap."""

    delay = 0.3

    def send_messages(self, messages):
        time.sleep(self.delay)
        return super().send_messages(messages)


def in_threads(*functions):
    """Run each function in its own thread (its own database connection), all released at
    once; return their results, or raise the first exception."""
    barrier = threading.Barrier(len(functions))
    results, errors = [None] * len(functions), []

    def run(i, fn):
        try:
            barrier.wait()
            results[i] = fn()
        except BaseException as exc:  # handed to the test thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(functions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    if errors:
        raise errors[0]
    return results


def _drop_broker_pools():
    """New connections at the next publish, to whatever broker_url now says. (Closing the
    pools instead would leave kombu's shared producer pool closed for the tests after.)"""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@contextmanager
def broker_at(url: str, queue: str | None = None):
    """Publish to the broker at `url` (not eagerly), on a queue of the test's own."""
    conf = celery_app.conf
    before = (conf.broker_url, conf.task_always_eager, conf.task_default_queue)
    conf.broker_url, conf.task_always_eager = url, False
    conf.task_default_queue = queue or conf.task_default_queue
    _drop_broker_pools()
    try:
        yield celery_app
    finally:
        conf.broker_url, conf.task_always_eager, conf.task_default_queue = before
        _drop_broker_pools()


def free_port() -> int:
    import socket

    with socket.socket() as s:  # a port nobody listens on (until someone binds it)
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def subject_of(message) -> str:
    """A parsed e-mail's subject, its encoded words decoded."""
    from email.header import decode_header, make_header

    return str(make_header(decode_header(message["Subject"])))


def carried(message) -> list[str]:
    """The reminders an e-mail carries, by headline: its subject, or, for an e-mail that
    carries several of one person's reminders (its X-Portal-Reminders header says how many),
    each line its text part lists. Takes a Django e-mail (the test outbox) or a parsed one
    (the file backend's); checks the header's count against the lines found."""
    from notifications.services import CARRIES_HEADER

    if hasattr(message, "extra_headers"):  # django.core.mail.EmailMessage
        count = message.extra_headers.get(CARRIES_HEADER)
        subject, text = message.subject, message.body
    else:  # email.message.Message
        count = message[CARRIES_HEADER]
        subject = subject_of(message)
        part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
        try:  # parsed from bytes (a mail server), whatever the transfer encoding
            text = part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
        except UnicodeDecodeError:  # parsed from text (the file backend), 8bit
            text = part.get_payload()
    if count is None:
        return [subject]
    lines = [line[2:] for line in text.splitlines() if line.startswith("- ")]
    assert len(lines) == int(count), (count, lines)
    return lines


def carried_all(messages) -> list[tuple[str, str]]:
    """(recipient, headline) of every reminder the e-mails carry, sorted."""
    return sorted(
        (m.to[0] if hasattr(m, "to") else m["To"], headline)
        for m in messages
        for headline in carried(m)
    )
