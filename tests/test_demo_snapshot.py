"""tests/demo.py: the demo the browser tests get back from a copy is the demo load_demo leaves,
rows, ids, sequences and attachments alike."""

import hashlib
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection

import tests.demo
from tests.demo import DemoLoader

pytestmark = pytest.mark.django_db(transaction=True)


def tables_fingerprint():
    """Each table's rows, hashed in SQL (not through COPY, which the copy itself uses)."""
    result = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            quoted = connection.ops.quote_name(table)
            rows = "md5(string_agg(t::text, '|' ORDER BY t::text))"
            cursor.execute(f"SELECT count(*), {rows} FROM {quoted} t")  # noqa: S608 - a table name
            result[table] = cursor.fetchone()
    return result


def files_fingerprint(root: Path):
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in root.rglob("*")
        if path.is_file()
    }


def test_the_demo_restored_from_its_copy_is_the_demo_loaded(
    require_postgres, settings, monkeypatch
):
    media = Path(settings.MEDIA_ROOT)
    loader = DemoLoader()
    loader.load(media)
    loaded, loaded_files = tables_fingerprint(), files_fingerprint(media)
    user_ids = list(get_user_model().objects.order_by("pk").values_list("pk", "username"))
    assert len(user_ids) > 5 and loaded_files, "the demo made no people or no attachment"

    # What happens between two browser tests: the database emptied (Django makes its content
    # types again), and what the last journey did to the attachments folder.
    call_command("flush", interactive=False, verbosity=0)
    assert tables_fingerprint() != loaded
    removed = next(iter(loaded_files))
    (media / removed).unlink()
    (media / "left-over.pdf").write_bytes(b"%PDF-1.7 from another test")

    def no_second_load(*args, **kwargs):
        raise AssertionError("the demo was loaded again instead of restored")

    monkeypatch.setattr(tests.demo, "call_command", no_second_load)
    loader.load(media)

    assert tables_fingerprint() == loaded
    assert files_fingerprint(media) == loaded_files
    assert list(get_user_model().objects.order_by("pk").values_list("pk", "username")) == user_ids
    # The sequences are where the load left them: a new row takes the next id, not one in use.
    new = get_user_model().objects.create(username="after-the-restore")
    assert new.pk > user_ids[-1][0]
    # Content types are read from the restored rows, not from a cache of the flushed ones.
    stored = ContentType.objects.filter(app_label="auth", model="user").values_list("pk", flat=True)
    assert ContentType.objects.get_for_model(get_user_model()).pk == stored.get()
