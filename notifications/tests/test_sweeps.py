"""The catch-up tick: a daily sweep whose beat tick was lost runs at the next tick, once; the
facts /healthz and the secretariat's page report (workers silent, a sweep a day late)."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from notifications import sweeps
from notifications.models import Reminder, SweepRun, WorkerHeartbeat
from notifications.tasks import tick
from notifications.tests.helpers import TODAY, at, eager_celery, frozen  # noqa: F401
from workinggroups.tests.factories import GroupMembershipFactory, ObjectiveFactory

pytestmark = pytest.mark.usefixtures("eager_celery")
DEADLINES = "workinggroups.tasks.sweep_deadlines"
DAY = datetime.timedelta(days=1)


@pytest.fixture
def schedules(db):
    """The schedules as migrate leaves them, created the evening before TODAY."""
    SweepRun.objects.all().delete()
    with frozen(TODAY - DAY, hour=18):
        call_command("setup_schedules", stdout=io.StringIO())


@pytest.fixture
def due_in_seven_days(group, group_cochair):
    GroupMembershipFactory(group=group, user=group_cochair, role="co_chair")
    return ObjectiveFactory(group=group, due_date=TODAY + datetime.timedelta(days=7))


def run_tick(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return tick()


def test_every_declared_task_records_its_runs(schedules, settings):
    from celery import current_app

    current_app.loader.import_default_modules()
    for spec in settings.PORTAL_PERIODIC_TASKS.values():
        if spec["task"] == "notifications.tasks.weekly_digest":
            continue  # the digest needs its providers' data; it is decorated the same way
        with frozen(TODAY, hour=9):
            current_app.tasks[spec["task"]]()
        run = SweepRun.objects.get(task=spec["task"])
        assert run.started_at == run.completed_at == at(TODAY, 9), spec["task"]


def test_a_sweep_whose_beat_tick_was_lost_runs_at_the_next_tick_once(
    schedules, due_in_seven_days, django_capture_on_commit_callbacks
):
    # Beat's 07:00 message for the deadline sweep was dropped (the broker was down).
    with frozen(TODAY, hour=7, minute=4):
        assert DEADLINES not in run_tick(django_capture_on_commit_callbacks)["caught_up"]
    assert not Reminder.objects.exists()  # beat's own run still has its grace
    with frozen(TODAY, hour=7, minute=5):
        assert DEADLINES in run_tick(django_capture_on_commit_callbacks)["caught_up"]
    assert Reminder.objects.filter(kind="deadline_7").count() == 1
    assert len(mail.outbox) == 1
    for minute in range(6, 20):
        with frozen(TODAY, hour=7, minute=minute):
            assert DEADLINES not in run_tick(django_capture_on_commit_callbacks)["caught_up"]
    run = SweepRun.objects.get(task=DEADLINES)
    assert run.completed_at == at(TODAY, 7, 5)
    assert len(mail.outbox) == 1


def test_two_missed_days_are_caught_up_by_one_run(schedules, django_capture_on_commit_callbacks):
    SweepRun.objects.filter(task=DEADLINES).update(completed_at=at(TODAY - 3 * DAY, 7))
    with frozen(TODAY, hour=12):
        assert DEADLINES in run_tick(django_capture_on_commit_callbacks)["caught_up"]
    with frozen(TODAY, hour=12, minute=1):
        assert DEADLINES not in run_tick(django_capture_on_commit_callbacks)["caught_up"]


def test_a_sweep_beat_started_is_left_to_finish(schedules, django_capture_on_commit_callbacks):
    SweepRun.objects.filter(task=DEADLINES).update(started_at=at(TODAY, 7, 0))
    with frozen(TODAY, hour=7, minute=30):
        assert DEADLINES not in run_tick(django_capture_on_commit_callbacks)["caught_up"]
    with frozen(TODAY, hour=8, minute=1):  # an hour without completing: presumed lost
        assert DEADLINES in run_tick(django_capture_on_commit_callbacks)["caught_up"]


def test_a_disabled_schedule_is_not_caught_up(schedules, django_capture_on_commit_callbacks):
    from django_celery_beat.models import PeriodicTask

    PeriodicTask.objects.filter(task=DEADLINES).update(enabled=False)
    with frozen(TODAY + DAY, hour=12):
        assert DEADLINES not in run_tick(django_capture_on_commit_callbacks)["caught_up"]
        assert DEADLINES not in {s.task for s in sweeps.facts().late}


def test_the_tick_records_itself(schedules, django_capture_on_commit_callbacks):
    with frozen(TODAY, hour=6):
        run_tick(django_capture_on_commit_callbacks)
    assert SweepRun.objects.get(task=sweeps.TICK).completed_at == at(TODAY, 6)


# --- Health -----------------------------------------------------------------------------------


def health(client):
    response = client.get(reverse("healthz"))
    return response.status_code, response.content.decode().splitlines()


def test_health_is_ok_while_the_worker_and_the_schedules_keep_up(
    schedules, client, django_capture_on_commit_callbacks
):
    with frozen(TODAY, hour=7, minute=30):
        WorkerHeartbeat.objects.create(hostname="celery@a", seen_at=at(TODAY, 7, 29))
        run_tick(django_capture_on_commit_callbacks)
        assert health(client) == (200, ["ok"])


def test_a_silent_worker_makes_health_degraded(schedules, client, settings):
    settings.PORTAL_HEALTH_WORKER_MINUTES = 15
    WorkerHeartbeat.objects.create(hostname="celery@a", seen_at=at(TODAY, 7, 0))
    SweepRun.objects.filter(task=sweeps.TICK).update(completed_at=at(TODAY, 7, 0))
    with frozen(TODAY, hour=7, minute=14):
        assert health(client) == (200, ["ok"])
    with frozen(TODAY, hour=7, minute=16):
        status, lines = health(client)
    assert status == 200 and lines[0] == "degraded"
    assert any(line.startswith("worker: no task finished for too long") for line in lines)
    assert any(line.startswith("beat: the catch-up tick has not completed") for line in lines)


def test_a_worker_that_never_ran_is_reported_once_the_schedules_are_old_enough(schedules, client):
    with frozen(TODAY - DAY, hour=18, minute=10):
        assert health(client) == (200, ["ok"])
    with frozen(TODAY - DAY, hour=18, minute=20):
        status, lines = health(client)
    assert status == 200 and "worker: no task finished for too long (last: never)" in lines


def test_a_sweep_a_day_late_makes_health_degraded_and_shows_on_the_reminders_page(
    schedules, client, client_for, secretariat, settings
):
    settings.PORTAL_HEALTH_SWEEP_LATE_HOURS = 24
    SweepRun.objects.update(completed_at=at(TODAY, 7, 30))
    WorkerHeartbeat.objects.create(hostname="celery@a", seen_at=at(TODAY + DAY, 7, 59))
    SweepRun.objects.filter(task=sweeps.TICK).update(completed_at=at(TODAY + 2 * DAY, 7, 59))
    WorkerHeartbeat.objects.update(seen_at=at(TODAY + 2 * DAY, 7, 59))
    with frozen(TODAY + 2 * DAY, hour=8):  # the deadline sweep was due yesterday at 07:00
        status, lines = health(client)
        assert status == 200 and lines[0] == "degraded"
        assert any(line.startswith(f"sweep: {DEADLINES} due at") for line in lines)
        page = client_for(secretariat).get(reverse("notifications:reminder_log"))
    late = {s.task for s in page.context["facts"].late}
    assert DEADLINES in late and "weekly_digest" not in " ".join(late)
    assert "Late by 1" in page.text
