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


def user_sequence():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT last_value FROM pg_sequences WHERE sequencename = 'auth_user_id_seq'"
        )
        return cursor.fetchone()[0]


def test_the_demo_restored_from_its_copy_is_the_demo_loaded(
    require_postgres, settings, monkeypatch
):
    media = Path(settings.MEDIA_ROOT)
    # A file in the folder before the load (the demo's PDFs need Pango; this one does not).
    (media / "before.pdf").write_bytes(b"%PDF-1.7 there before the demo")
    loader = DemoLoader()
    loader.load(media)
    loaded, loaded_files = tables_fingerprint(), files_fingerprint(media)
    user_ids = list(get_user_model().objects.order_by("pk").values_list("pk", "username"))
    last_user_id = user_sequence()
    user_type = ContentType.objects.get_for_model(get_user_model()).pk
    assert len(user_ids) > 5, "the demo made no people"

    # What happens between two browser tests: the last test wrote rows, then Django emptied the
    # database without resetting its sequences and made its content types again (new ids),
    # which this process caches; the journey changed the attachments folder.
    for n in range(3):
        get_user_model().objects.create(username=f"written-by-the-last-test-{n}")
    call_command("flush", interactive=False, reset_sequences=False, verbosity=0)
    assert tables_fingerprint() != loaded
    assert ContentType.objects.get_for_model(get_user_model()).pk != user_type
    (media / "before.pdf").unlink()
    (media / "left-over.pdf").write_bytes(b"%PDF-1.7 from another test")

    def no_second_load(*args, **kwargs):
        raise AssertionError("the demo was loaded again instead of restored")

    monkeypatch.setattr(tests.demo, "call_command", no_second_load)
    loader.load(media)

    assert tables_fingerprint() == loaded
    assert files_fingerprint(media) == loaded_files
    assert list(get_user_model().objects.order_by("pk").values_list("pk", "username")) == user_ids
    # The sequences are where the load left them, not where the last test took them.
    assert get_user_model().objects.create(username="after-the-restore").pk == last_user_id + 1
    # Content types are read from the restored rows, not from this process's cache.
    assert ContentType.objects.get_for_model(get_user_model()).pk == user_type


def test_a_test_with_its_own_attachments_folder_gets_the_demo_s_files_there(
    require_postgres, settings, tmp_path, monkeypatch
):
    """funding/tests gives every test its own folder: the copy is restored into it, the demo
    not loaded again."""
    loader = DemoLoader()
    loader.load(settings.MEDIA_ROOT)
    loaded_files = files_fingerprint(Path(settings.MEDIA_ROOT))
    monkeypatch.setattr(tests.demo, "call_command", pytest.fail)
    loader.load(tmp_path / "private")
    assert files_fingerprint(tmp_path / "private") == loaded_files
