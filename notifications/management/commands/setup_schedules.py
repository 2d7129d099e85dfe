from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from notifications.models import SweepRun


class Command(BaseCommand):
    help = (
        "Create the periodic reminder schedules (settings.PORTAL_PERIODIC_TASKS) as "
        "django-celery-beat rows. Idempotent: an existing schedule, perhaps edited in the "
        "admin, is left as it is unless --reset."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset", action="store_true", help="Put back the declared task and timing."
        )

    @transaction.atomic
    def handle(self, *args, reset=False, **options):
        created = updated = 0
        for name, spec in settings.PORTAL_PERIODIC_TASKS.items():
            fields = spec["crontab"].split()
            if len(fields) != 5:
                raise CommandError(f"{name}: a crontab needs 5 fields, not {spec['crontab']!r}.")
            minute, hour, day_of_month, month_of_year, day_of_week = fields
            crontab, _ = CrontabSchedule.objects.get_or_create(
                minute=minute,
                hour=hour,
                day_of_month=day_of_month,
                month_of_year=month_of_year,
                day_of_week=day_of_week,
                timezone=settings.CELERY_TIMEZONE,
            )
            task = PeriodicTask.objects.filter(name=name).first()
            if task is None:
                PeriodicTask.objects.create(name=name, task=spec["task"], crontab=crontab)
                created += 1
            elif reset:
                task.task, task.crontab, task.interval, task.enabled = (
                    spec["task"],
                    crontab,
                    None,
                    True,
                )
                task.save()
                updated += 1
        # A schedule an earlier version declared and this one replaced (same name and task:
        # an admin's own schedule of that name is left alone).
        retired = 0
        for name, task in settings.PORTAL_RETIRED_SCHEDULES.items():
            retired += PeriodicTask.objects.filter(name=name, task=task).delete()[0]
        # Each task's lateness counts from now until it first completes (notifications.sweeps).
        tasks = {spec["task"] for spec in settings.PORTAL_PERIODIC_TASKS.values()}
        SweepRun.objects.bulk_create(
            [SweepRun(task=task) for task in sorted(tasks)], ignore_conflicts=True
        )
        self.stdout.write(f"Schedules: {created} created, {updated} reset, {retired} retired.")
