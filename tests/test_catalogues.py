"""The French catalogues are complete and up to date with the code."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

from conftest import need

ROOT = Path(__file__).resolve().parent.parent
SKIP = {".venv", "var", "staticfiles", ".git", "node_modules"}


def french_catalogues(base=ROOT):
    return [
        p
        for p in sorted(base.rglob("locale/fr/LC_MESSAGES/django.po"))
        if not SKIP.intersection(p.relative_to(base).parts)
    ]


def test_there_is_a_french_catalogue_for_the_project_and_each_app_with_strings():
    found = {p.relative_to(ROOT).parts[0] for p in french_catalogues()}
    assert {"locale", "core", "councils", "workinggroups", "portal"} <= found


@pytest.mark.parametrize("po_path", french_catalogues(), ids=lambda p: str(p.relative_to(ROOT)))
def test_french_catalogue_is_complete(po_path):
    catalogue = polib.pofile(str(po_path))
    untranslated = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    assert not untranslated, f"untranslated in {po_path}: {untranslated[:10]}"
    assert not fuzzy, f"fuzzy in {po_path}: {fuzzy[:10]}"


def test_catalogues_are_up_to_date_with_the_code(tmp_path):
    """Re-extract into a copy of the tree: no msgid may be missing from the committed .po."""
    need(shutil.which("xgettext") is not None, "GNU gettext (xgettext)")
    copy = tmp_path / "src"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(*SKIP, "*.mo", "__pycache__"))
    subprocess.run(
        [sys.executable, "scripts/make_messages.py"],
        cwd=copy,
        check=True,
        capture_output=True,
    )
    for fresh in french_catalogues(copy):
        committed = ROOT / fresh.relative_to(copy)
        assert committed.exists(), f"{committed} is missing: run `make messages`"
        wanted = {(e.msgctxt, e.msgid) for e in polib.pofile(str(fresh))}
        have = {(e.msgctxt, e.msgid) for e in polib.pofile(str(committed))}
        missing = sorted(m for _, m in wanted - have)
        assert not missing, (
            f"{committed} lacks {len(missing)} strings, e.g. {missing[:5]}: run `make messages`"
        )


def _entries():
    for path in french_catalogues():
        for entry in polib.pofile(str(path)):
            if not entry.obsolete and entry.translated():
                yield path.relative_to(ROOT), entry


def test_the_french_shown_is_the_one_written_in_each_apps_catalogue():
    """The collision check: Django merges every catalogue into one per language, so a msgid
    translated differently elsewhere (another app, Django, django-celery-beat) would show
    that other French. Each entry must come back as its own catalogue's msgstr."""
    from django.utils import translation

    wrong = []
    with translation.override("fr"):
        for path, entry in _entries():
            if entry.msgid_plural:
                shown = [
                    translation.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, n)
                    if entry.msgctxt
                    else translation.ngettext(entry.msgid, entry.msgid_plural, n)
                    for n in (1, 5)
                ]
                written = [entry.msgstr_plural[0], entry.msgstr_plural[1]]
            else:
                shown = (
                    translation.pgettext(entry.msgctxt, entry.msgid)
                    if entry.msgctxt
                    else translation.gettext(entry.msgid)
                )
                written = entry.msgstr
            if shown != written:
                wrong.append(f"{path}: {entry.msgid!r} shows {shown!r}, written {written!r}")
    assert not wrong, f"{len(wrong)} collisions:\n" + "\n".join(wrong)


def test_a_msgid_has_one_french_across_the_project_unless_it_has_a_context():
    seen = {}
    clashes = []
    for path, entry in _entries():
        key = (entry.msgctxt, entry.msgid)
        french = entry.msgstr or tuple(sorted(entry.msgstr_plural.items()))
        if key in seen and seen[key][1] != french:
            clashes.append(f"{entry.msgid!r}: {seen[key][0]} {seen[key][1]!r}, {path} {french!r}")
        seen.setdefault(key, (path, french))
    assert not clashes, f"{len(clashes)} msgids need one French or a context:\n" + "\n".join(
        clashes
    )
