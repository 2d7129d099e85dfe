"""The demo (`manage.py load_demo`) for tests whose database is emptied after each test: the
browser journeys, whose live server reads what the test process committed.

Loading the demo takes 2-4 s. On PostgreSQL, as a superuser (CI's `postgres`), this process
loads it once per database and day, keeps a copy of every table (`COPY ... TO STDOUT`), of the
sequences' positions and of the attachments folder, and for the next test deletes the rows and
copies them back in (0.12 s). The rows, their ids and the sequences are those `load_demo` left;
the attachments folder holds what it held after the load (the demo's package PDFs, and any
file an earlier test of the process had left there). Elsewhere (SQLite on a laptop without
DATABASE_URL) it is loaded each time."""

import io
import shutil
from dataclasses import dataclass
from pathlib import Path

from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone


@dataclass(frozen=True)
class Snapshot:
    tables: dict  # table name -> its rows, in COPY's text format
    sequences: list  # (sequence name, last value or None when never used)
    files: dict  # path under the attachments folder -> its bytes


def _quoted(name):
    return connection.ops.quote_name(name)


def take_snapshot(media_root: Path) -> Snapshot:
    """Every table's rows, every sequence's position and every attachment, as they are now."""
    tables = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            rows = io.BytesIO()
            cursor.copy_expert(f"COPY {_quoted(table)} TO STDOUT", rows)
            tables[table] = rows.getvalue()
        cursor.execute(
            "SELECT sequencename, last_value FROM pg_sequences "
            "WHERE schemaname = current_schema() ORDER BY sequencename"
        )
        sequences = cursor.fetchall()
    files = {
        path.relative_to(media_root): path.read_bytes()
        for path in media_root.rglob("*")
        if path.is_file()
    }
    return Snapshot(tables=tables, sequences=sequences, files=files)


def restore_snapshot(snapshot: Snapshot, media_root: Path):
    """Empty every table and put the snapshot's rows and sequence positions back, in one
    transaction with the triggers (and so the foreign key checks) off: the rows are those that
    passed them when the demo was loaded. Then make the attachments folder hold the snapshot's
    files and no other (a journey that removed an attachment deleted its file)."""
    from django.contrib.contenttypes.models import ContentType

    with transaction.atomic(), connection.cursor() as cursor:
        # The rows go back as they were: the triggers that keep the summary tables (whose rows
        # are in the snapshot too) must not add theirs.
        cursor.execute("SET LOCAL session_replication_role = replica")
        names = connection.introspection.table_names(cursor)
        for table in names:  # DELETE, not TRUNCATE: on tables this small, several times faster
            cursor.execute(f"DELETE FROM {_quoted(table)}")  # noqa: S608 - a table's name
        for table, rows in snapshot.tables.items():
            if rows:
                cursor.copy_expert(f"COPY {_quoted(table)} FROM STDIN", io.BytesIO(rows))
        for sequence, last_value in snapshot.sequences:
            if last_value is None:
                cursor.execute("SELECT setval(%s, 1, false)", [_quoted(sequence)])
            else:
                cursor.execute("SELECT setval(%s, %s, true)", [_quoted(sequence), last_value])
    # The ids of the content types are the snapshot's, not those this process may have cached
    # from the rows Django made again after the last test's flush.
    ContentType.objects.clear_cache()
    shutil.rmtree(media_root, ignore_errors=True)
    media_root.mkdir(parents=True)
    for name, content in snapshot.files.items():
        (media_root / name).parent.mkdir(parents=True, exist_ok=True)
        (media_root / name).write_bytes(content)


def load_demo():
    """`manage.py load_demo`, with DEBUG on: it refuses the demo's known passwords otherwise."""
    with override_settings(DEBUG=True):
        call_command("load_demo", verbosity=0)


def _can_copy():
    """The copy needs psycopg2's `copy_expert` (psycopg 3 copies otherwise) and a superuser to
    turn the triggers off (CI's `postgres`); without them the demo is loaded each time."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        if not hasattr(cursor.cursor, "copy_expert"):
            return False
        cursor.execute("SELECT current_setting('is_superuser')")
        return cursor.fetchone()[0] == "on"


class DemoLoader:
    """`load_demo` once per database and day, restored after that."""

    def __init__(self):
        self.snapshots = {}

    def load(self, media_root):
        """The demo in the database, and its files in `media_root` (a test may give each test
        its own folder: the copy's files are written into whichever it is)."""
        media_root = Path(media_root)
        key = (connection.settings_dict["NAME"], timezone.localdate())
        can_copy = _can_copy()
        if can_copy and key in self.snapshots:
            restore_snapshot(self.snapshots[key], media_root)
            return
        load_demo()
        if can_copy:
            self.snapshots[key] = take_snapshot(media_root)


LOADER = DemoLoader()
