"""A sweep with the broker unreachable completes its claims and exits 0; the catch-up tick
sends them once the broker is back. The sweep runs as an operator (or `make run`) runs it:
`manage.py run_sweeps`, a separate process on the test's PostgreSQL database."""

import datetime
import os
import subprocess
import sys
import time

import pytest
from django.core import mail
from django.utils import timezone

from councils.tests.factories import UserFactory
from notifications.models import Reminder, SweepRun
from notifications.tasks import tick
from notifications.tests.helpers import carried_all, eager_celery, free_port  # noqa: F401
from tests.test_reminder_worker import ROOT, test_database_url
from workinggroups.tests.factories import GroupMembershipFactory, ObjectiveFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres,
    pytest.mark.usefixtures("eager_celery"),
]
SWEEP = "workinggroups.tasks.sweep_deadlines"


def manage(*args, env=None, timeout=120):
    return subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture
def due_soon(group):
    for name in ("chair-a", "chair-b"):
        GroupMembershipFactory(group=group, user=UserFactory(username=name), role="co_chair")
    today = timezone.localdate()
    ObjectiveFactory(group=group, due_date=today + datetime.timedelta(days=7))
    ObjectiveFactory(group=group, due_date=today - datetime.timedelta(days=2))
    return 4  # two co-chairs, two objectives


def test_a_sweep_with_the_broker_unreachable_claims_exits_0_and_the_tick_sends_later(
    due_soon, django_capture_on_commit_callbacks
):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DJANGO_DEBUG": "false",
        "DATABASE_URL": test_database_url(),
        "REDIS_URL": f"redis://127.0.0.1:{free_port()}/0",  # nobody listens there
        "EMAIL_URL": "consolemail://",
    }
    started = time.monotonic()
    result = manage("run_sweeps", SWEEP, env=env)
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert "The broker could not be reached" in result.stdout
    claimed = Reminder.objects.filter(kind__in=["deadline_7", "overdue"])
    assert claimed.count() == due_soon
    assert not claimed.filter(sent_at__isnull=False).exists()
    assert not claimed.filter(enqueued_at__isnull=False).exists()  # the tick takes them at once
    assert SweepRun.objects.get(task=SWEEP).completed_at is not None
    print(f"run_sweeps with the broker down: {elapsed:.1f} s")  # docs/operations.md

    # The broker is back: the next tick hands them over, and each goes out once.
    with django_capture_on_commit_callbacks(execute=True):
        assert tick()["messages"] == due_soon
    with django_capture_on_commit_callbacks(execute=True):
        assert tick()["messages"] == 0
    assert claimed.filter(sent_at__isnull=False).count() == due_soon
    assert len(carried_all(mail.outbox)) == due_soon


def test_run_sweeps_refuses_an_unknown_task_with_a_message():
    result = manage("run_sweeps", "no.such.task", env={**os.environ})
    assert result.returncode != 0
    assert "Not a periodic task of the portal: no.such.task" in result.stderr
    assert "Traceback" not in result.stderr
