import gzip
import io
import tarfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

# Rebuilt by migrate on any installation; dumping them makes restores fragile.
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "admin.logentry", "axes"]


class Command(BaseCommand):
    help = (
        "Write a portable backup: every row of the database (XML, natural keys) and the "
        "attachments folder, in one .tar.gz. Restore with restore_portal. On PostgreSQL, "
        "pg_dump is the faster everyday backup; this one also moves data between databases."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="Where to write the backup (.tar.gz).")

    def handle(self, *args, path, **options):
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
        self.stdout.write(self.style.SUCCESS(f"Backup written to {path}"))
