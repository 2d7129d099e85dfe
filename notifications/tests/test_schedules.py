"""The periodic schedules are database rows (editable in the admin), created idempotently."""

import io

import pytest
from django.core.management import call_command
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from config.celery_app import app


def setup(*args):
    call_command("setup_schedules", *args, stdout=io.StringIO())


@pytest.mark.django_db
def test_setup_schedules_is_idempotent_and_keeps_admin_edits(settings):
    setup()
    setup()
    tasks = PeriodicTask.objects.exclude(task="celery.backend_cleanup")
    assert tasks.count() == len(settings.PORTAL_PERIODIC_TASKS)
    deadlines = tasks.get(name="Reminders: deadlines")
    assert deadlines.task == "workinggroups.tasks.sweep_deadlines"
    assert (deadlines.crontab.hour, deadlines.crontab.minute) == ("7", "0")

    deadlines.enabled = False
    deadlines.crontab = CrontabSchedule.objects.create(minute="30", hour="6")
    deadlines.save()
    setup()
    deadlines.refresh_from_db()
    assert (deadlines.crontab.hour, deadlines.enabled) == ("6", False)  # the admin's edit stays
    setup("--reset")
    deadlines.refresh_from_db()
    assert (deadlines.crontab.hour, deadlines.enabled) == ("7", True)


def test_every_scheduled_task_exists(settings):
    app.loader.import_default_modules()
    for spec in settings.PORTAL_PERIODIC_TASKS.values():
        assert spec["task"] in app.tasks, spec["task"]


@pytest.mark.django_db
def test_migrate_creates_the_schedules_and_keeps_admin_edits(settings):
    """A production-style start: migrate, then beat; the schedules are there."""
    PeriodicTask.objects.all().delete()
    call_command("migrate", verbosity=0, stdout=io.StringIO())
    names = set(PeriodicTask.objects.values_list("name", flat=True))
    assert set(settings.PORTAL_PERIODIC_TASKS) <= names
    deadlines = PeriodicTask.objects.get(name="Reminders: deadlines")
    deadlines.enabled = False
    deadlines.save()
    call_command("migrate", verbosity=0, stdout=io.StringIO())
    deadlines.refresh_from_db()
    assert deadlines.enabled is False


@pytest.mark.django_db
def test_the_tick_replaces_the_old_resend_schedule_and_each_task_is_watched(settings):
    from notifications.models import SweepRun

    old = CrontabSchedule.objects.create(minute="*/5")
    PeriodicTask.objects.filter(name="Reminders: send what is still unsent").delete()
    PeriodicTask.objects.create(
        name="Reminders: send what is still unsent",
        task="notifications.tasks.resend_stale",
        crontab=old,
    )
    setup()
    assert not PeriodicTask.objects.filter(task="notifications.tasks.resend_stale").exists()
    tick = PeriodicTask.objects.get(task="notifications.tasks.tick")
    assert (tick.crontab.minute, tick.crontab.hour) == ("*", "*")  # every minute
    declared = {spec["task"] for spec in settings.PORTAL_PERIODIC_TASKS.values()}
    assert set(SweepRun.objects.values_list("task", flat=True)) >= declared
