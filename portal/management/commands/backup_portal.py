import gzip
import io
import os
import tarfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

# Rebuilt by migrate on any installation; dumping them makes restores fragile. The funding
# summary is added up from the requests by the database itself (funding.summary).
EXCLUDED = [
    "contenttypes",
    "auth.permission",
    "sessions",
    "admin.logentry",
    "axes",
    "funding.fundingsummary",
]


class Command(BaseCommand):
    help = (
        "Write a portable backup: every row of the database (XML, natural keys) and the "
        "attachments folder, in one .tar.gz. Restore with restore_portal. On PostgreSQL, "
        "pg_dump is the faster everyday backup; this one also moves data between databases."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="Where to write the backup (.tar.gz).")
        parser.add_argument(
            "--force", action="store_true", help="Overwrite the file if it already exists."
        )

    def handle(self, *args, path, force=False, **options):
        target = Path(path)
        check_target(target, force=force)  # before the dump, which can take a while
        partial = target.with_name(f".{target.name}.partial")
        try:
            self.write(partial)
            os.replace(partial, target)  # a failed backup leaves no half-written file behind
        except DatabaseError as error:
            raise CommandError(f"Could not read the database: {error}".strip()) from error
        except OSError as error:
            raise CommandError(f"Could not write {target}: {error.strerror or error}") from error
        finally:
            partial.unlink(missing_ok=True)
        self.stdout.write(self.style.SUCCESS(f"Backup written to {target}"))

    def write(self, path):
        data = io.StringIO()
        exclude = [arg for label in EXCLUDED for arg in ("--exclude", label)]
        # XML, not JSON: Django's JSON encoder cuts datetimes to milliseconds, and history
        # timestamps must come back exactly.
        call_command(
            "dumpdata",
            "--format",
            "xml",
            "--natural-foreign",
            *exclude,
            stdout=data,
            verbosity=0,
        )
        payload = gzip.compress(data.getvalue().encode())
        with tarfile.open(path, "w:gz") as archive:
            info = tarfile.TarInfo("database.xml.gz")
            info.size = len(payload)
            archive.addfile(info, io.BytesIO(payload))
            media = Path(settings.MEDIA_ROOT)
            if media.is_dir():
                archive.add(media, arcname="media")


def check_target(target: Path, *, force: bool) -> None:
    """Refuse, with a message, a path the backup could not be written to or would overwrite."""
    folder = target.parent
    if not folder.is_dir():
        raise CommandError(f"The folder {folder} does not exist: create it, or choose another.")
    if not os.access(folder, os.W_OK):
        raise CommandError(f"The folder {folder} cannot be written to.")
    if target.is_dir():
        raise CommandError(f"{target} is a folder: give the path of the file to write.")
    if target.exists() and not force:
        raise CommandError(
            f"{target} already exists. Choose another name, or add --force to overwrite it."
        )
