import gzip
import shutil
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import override_settings

from funding import summary


def clear_schedules():
    """Drop the schedules migrate created: the backup's own rows (with their edits) replace them,
    and the record of their runs with them."""
    from django_celery_beat import models as beat

    from notifications.models import SweepRun

    SweepRun.objects.all().delete()
    beat.PeriodicTask.objects.all().delete()
    for model in (
        beat.PeriodicTasks,
        beat.CrontabSchedule,
        beat.IntervalSchedule,
        beat.SolarSchedule,
        beat.ClockedSchedule,
    ):
        model.objects.all().delete()


class Command(BaseCommand):
    help = (
        "Restore a backup written by backup_portal into a migrated database. Refuses to "
        "overwrite a database that already holds data unless --replace is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--replace", action="store_true", help="Empty the database first.")

    def handle(self, *args, path, replace=False, **options):
        from django.contrib.auth import get_user_model

        if not Path(path).is_file():
            raise CommandError(f"No backup at {path}.")
        check_migrated()
        if get_user_model().objects.exists() and not replace:
            raise CommandError("The database is not empty. Use --replace to overwrite it.")
        try:
            self.restore(path, replace)
        except (tarfile.TarError, EOFError, gzip.BadGzipFile) as error:
            message = f"{path} is not a backup written by backup_portal: {error}"
            raise CommandError(message) from error
        except OSError as error:
            raise CommandError(f"Could not restore {path}: {error}") from error
        self.stdout.write(self.style.SUCCESS(f"Restored {path}"))

    def restore(self, path, replace):
        with tempfile.TemporaryDirectory() as tmp, tarfile.open(path, "r:gz") as archive:
            archive.extractall(tmp, filter="data")
            fixture = Path(tmp) / "database.xml.gz"  # loaddata reads gzip itself
            # The backup carries the history rows themselves: recording new ones while loading
            # would add a second history of every many-to-many set.
            with transaction.atomic(), override_settings(SIMPLE_HISTORY_ENABLED=False):
                if replace:
                    # post_migrate runs: content types and permissions are not in the backup.
                    call_command("flush", "--no-input", verbosity=0)
                clear_schedules()
                call_command("loaddata", str(fixture), verbosity=0)
                # Added up by the triggers while loading; a backup that carried summary rows
                # would have them twice: add it up again from what was loaded.
                summary.rebuild()
            media = Path(tmp) / "media"
            if media.is_dir():
                shutil.copytree(media, settings.MEDIA_ROOT, dirs_exist_ok=True)


def check_migrated():
    """The restore loads rows into the tables migrate creates: refuse, with the way out, a
    database that is unreachable or not (fully) migrated."""
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as error:
        raise CommandError(f"Cannot read the database: {error}".strip()) from error
    if pending:
        raise CommandError(
            f"The database is not migrated ({len(pending)} migration(s) to apply). "
            "Run `manage.py migrate` first, then restore into it."
        )
