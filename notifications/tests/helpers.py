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
