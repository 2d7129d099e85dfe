"""Real Celery processes: beat fires the deadline sweep every second, a worker runs it and
sends the e-mails; each e-mail arrives exactly once however often the schedule fires.

The worker and beat are subprocesses on the test database (PostgreSQL, so they see what the
test committed), writing e-mails as files into a temporary folder. One test runs on Redis
(required in CI), one on the embedded broker `make run` uses (kombu's file transport).
"""

import datetime
import email
import os
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from conftest import need
from councils.tests.factories import UserFactory
from notifications.models import WorkerHeartbeat
from notifications.tests.helpers import carried_all
from workinggroups.tests.factories import GroupMembershipFactory, ObjectiveFactory

ROOT = Path(__file__).resolve().parent.parent
CELERY = str(Path(sys.executable).parent / "celery")
SWEEP = "workinggroups.tasks.sweep_deadlines"
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


def test_database_url():
    """The test database as a URL another process can open."""
    need(connection.vendor == "postgresql", "PostgreSQL (set DATABASE_URL=postgres://...)")
    s = connection.settings_dict
    user = quote(s["USER"] or "", safe="")
    password = f":{quote(s['PASSWORD'], safe='')}" if s["PASSWORD"] else ""
    return f"postgres://{user}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


test_database_url.__test__ = False  # a helper, not a test


@pytest.fixture
def due_soon(group):
    """Two co-chairs (one reads French) and a council representative; one objective due in
    7 days and one overdue: 2 + 3 e-mails."""
    chair_fr = UserFactory(username="chair-fr")
    chair_fr.profile.preferred_language = "fr"
    chair_fr.profile.save()
    for user in (UserFactory(username="chair-en"), chair_fr):
        GroupMembershipFactory(group=group, user=user, role="co_chair")
    GroupMembershipFactory(
        group=group,
        user=UserFactory(username="rep"),
        role="representative",
        council=group.councils.get(),
    )
    today = timezone.localdate()
    ObjectiveFactory(group=group, title_en="Soon", due_date=today + datetime.timedelta(days=7))
    ObjectiveFactory(group=group, title_en="Late", due_date=today - datetime.timedelta(days=2))
    return 5


def every_second(task=SWEEP):
    interval, _ = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.SECONDS)
    return PeriodicTask.objects.create(name=f"test {task}", task=task, interval=interval)


def read_mails(folder: Path) -> list[email.message.Message]:
    """Every message the file backend wrote (a file may hold several, between dash lines)."""
    messages = []
    for path in sorted(folder.glob("*.log")):
        for chunk in path.read_text().split("-" * 79):
            if chunk.strip():
                messages.append(email.message_from_string(chunk.strip()))
    return messages


class Processes:
    """Celery subprocesses with their logs, always stopped (by their own pid) at the end."""

    def __init__(self, tmp: Path, env: dict):
        self.tmp, self.env, self.running = tmp, env, []

    def start(self, name, *args):
        log = (self.tmp / f"{name}.log").open("w")
        cmd = [CELERY, "-A", "config", *args, "--loglevel", "INFO"]
        # Run from the temporary folder: whatever Celery writes beside it stays there.
        process = subprocess.Popen(cmd, cwd=self.tmp, env=self.env, stdout=log, stderr=log)  # noqa: S603
        self.running.append((process, log))
        return process

    def log(self, name):
        return (self.tmp / f"{name}.log").read_text()

    def stop(self):
        for process, _ in self.running:
            if process.poll() is None:
                process.terminate()
        for process, log in self.running:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            log.close()


def celery_env(tmp: Path, broker: dict) -> dict:
    mails = tmp / "mail"
    mails.mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
        "DJANGO_DEBUG": "false",
        "DATABASE_URL": test_database_url(),
        "EMAIL_URL": f"filemail:///{mails}",
        "CELERY_TASK_DEFAULT_QUEUE": f"test-{uuid.uuid4().hex}",
        **broker,
    }
    return env


def wait_for(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.25)
    pytest.fail(f"Timed out after {timeout} s waiting for {what}.")


def sweeps_run(log_text):
    return len(re.findall(rf"Task {re.escape(SWEEP)}\[[^\]]+\] succeeded", log_text))


def run_until_three_sweeps(procs: Processes, worker_log: str, mails: Path, expected: int):
    # Generous limits, left as soon as the condition holds: a loaded machine is slow, not wrong.
    wait_for(lambda: sweeps_run(procs.log(worker_log)) >= 3, 180, "three sweeps run by beat")
    wait_for(lambda: len(carried_all(read_mails(mails))) >= expected, 120, f"{expected} reminders")
    # Two more sweeps, not a pause of a guessed length: the worker runs one task at a time, in
    # order, so once the second has finished, whatever the first handed over has been sent,
    # and a duplicate would show now.
    seen = sweeps_run(procs.log(worker_log))
    wait_for(lambda: sweeps_run(procs.log(worker_log)) >= seen + 2, 180, "two more sweeps")


def check_each_mail_once(mails: Path, expected: int):
    # A person's reminders handed over together go out as one e-mail: count what they carry.
    recipients_subjects = carried_all(read_mails(mails))
    assert len(recipients_subjects) == expected, recipients_subjects
    assert len(set(recipients_subjects)) == expected
    french = [s for to, s in recipients_subjects if to.startswith("chair-fr")]
    assert sorted(s.split("\u00a0:")[0] for s in french) == [
        "Échéance dans 7 jours",
        "Échéance dépassée",
    ]


@pytest.mark.redis
def test_real_worker_and_beat_on_redis_send_each_email_once(redis_url, due_soon, tmp_path):
    every_second()
    env = celery_env(tmp_path, {"REDIS_URL": redis_url})
    procs = Processes(tmp_path, env)
    try:
        procs.start("worker", "worker", "-P", "solo", "--without-mingle", "--without-gossip")
        procs.start(
            "beat",
            "beat",
            "--scheduler",
            "django_celery_beat.schedulers:DatabaseScheduler",
            "--max-interval",
            "1",
        )
        run_until_three_sweeps(procs, "worker", tmp_path / "mail", due_soon)
    finally:
        procs.stop()
    check_each_mail_once(tmp_path / "mail", due_soon)
    # The worker said it consumes: what /healthz and the reminders page read.
    assert WorkerHeartbeat.objects.filter(hostname__startswith="celery@").exists()
    # Beat read the schedule from the database (as edited in the admin) and fired it 3+ times.
    assert procs.log("beat").count(f"Sending due task test {SWEEP}") >= 3


def test_embedded_broker_delivers_reminders(due_soon, tmp_path):
    """`make run` without Redis: kombu's file transport, the worker with its own beat."""
    every_second()
    env = celery_env(tmp_path, {"REDIS_URL": "", "PORTAL_BROKER_DIR": str(tmp_path / "broker")})
    procs = Processes(tmp_path, env)
    try:
        procs.start(
            "worker",
            "worker",
            "-B",
            "--scheduler",
            "django_celery_beat.schedulers:DatabaseScheduler",
            "-P",
            "solo",
            "--without-mingle",
            "--without-gossip",
            "-s",
            str(tmp_path / "beat-schedule"),
        )
        run_until_three_sweeps(procs, "worker", tmp_path / "mail", due_soon)
    finally:
        procs.stop()
    check_each_mail_once(tmp_path / "mail", due_soon)
