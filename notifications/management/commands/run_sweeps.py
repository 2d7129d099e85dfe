from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from notifications import services, sweeps


class Command(BaseCommand):
    help = (
        "Run periodic tasks now, in this process rather than through the broker: the ones "
        "named, every daily one (--daily), or else every overdue one (what the catch-up tick "
        "runs). Each reminder is claimed once, so running a sweep again sends nothing twice. "
        "With the broker unreachable the reminders are still claimed, and sent by the "
        "catch-up tick once it is back: the command succeeds."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "tasks", nargs="*", help="Task names, e.g. workinggroups.tasks.sweep_deadlines."
        )
        parser.add_argument(
            "--daily",
            action="store_true",
            help="Every declared task that runs once a day (the reminder sweeps).",
        )

    def handle(self, *args, tasks=(), daily=False, **options):
        from celery import current_app

        current_app.loader.import_default_modules()
        declared = sweeps.declared_tasks()
        if daily:
            tasks = [*tasks, *daily_tasks()]
        elif not tasks:
            tasks = [state.task for state in sweeps.sweep_states() if state.overdue]
        unknown = [name for name in tasks if name not in declared]
        if unknown:
            raise CommandError(
                f"Not a periodic task of the portal: {', '.join(unknown)}. "
                f"Known: {', '.join(declared)}."
            )
        failed = []
        for name in dict.fromkeys(tasks):
            try:
                result = current_app.tasks[name]()
            except Exception as error:  # reported, and the others still run
                failed.append(name)
                self.stderr.write(f"{name} failed: {error.__class__.__name__}: {error}")
                continue
            self.stdout.write(f"{name}: {result}")
        if not tasks:
            self.stdout.write("Nothing is overdue.")
        if services.broker_paused():
            self.stdout.write(
                "The broker could not be reached: the reminders are claimed and the catch-up "
                "tick sends them once it is back."
            )
        if failed:
            raise CommandError(f"{len(failed)} task(s) failed: {', '.join(failed)}.")


def daily_tasks() -> list[str]:
    """The declared tasks whose crontab fires once a day: a minute and an hour, any day."""
    names = []
    for spec in settings.PORTAL_PERIODIC_TASKS.values():
        minute, hour, day_of_month, month, day_of_week = spec["crontab"].split()
        every_day = (day_of_month, month, day_of_week) == ("*", "*", "*")
        if every_day and minute.isdigit() and hour.isdigit():
            names.append(spec["task"])
    return names
