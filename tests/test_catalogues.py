"""The French catalogues are complete and up to date with the code."""

import re
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
    """(app, msgctxt, msgid, msgstr) for every translated singular entry of our catalogues."""
    for po_path in french_catalogues():
        app = po_path.relative_to(ROOT).parts[0]
        for entry in polib.pofile(str(po_path)):
            if entry.msgstr and not entry.obsolete and not entry.msgid_plural and entry.msgid:
                yield app, entry.msgctxt, entry.msgid, entry.msgstr


def test_no_msgid_has_two_translations_without_a_context():
    """All our catalogues are merged into one at run time, so a msgid shared by two apps
    shows only one of its translations: the other app needs a context (pgettext)."""
    seen = {}
    for app, context, msgid, msgstr in _entries():
        seen.setdefault((context, msgid), {}).setdefault(msgstr, []).append(app)
    collisions = {key: found for key, found in seen.items() if len(found) > 1}
    assert not collisions, f"{len(collisions)} collisions, e.g. {list(collisions.items())[:5]}"


def test_the_french_shown_is_the_one_written_in_each_apps_catalogue(settings):
    """The collision check: Django's, django-celery-beat's or another app's translation
    must not win over the app's own ("Minutes", "Filter", "Submitted")."""
    from django.utils import translation

    wrong = []
    with translation.override("fr"):
        for app, context, msgid, msgstr in _entries():
            shown = translation.pgettext(context, msgid) if context else translation.gettext(msgid)
            if shown != msgstr:
                wrong.append((app, context, msgid, msgstr, shown))
    assert not wrong, f"{len(wrong)} entries show other French, e.g. {wrong[:5]}"


TYPOGRAPHY = [
    (re.compile(r"(?<!\u00a0)[:;!?](?=\s|$)"), "no no-break space before : ; ! ?"),
    (re.compile(r"[ \u202f][:;!?»]|«[ \u202f]"), "an ordinary space where U+00A0 belongs"),
    (re.compile(r"\w'\w"), "a straight apostrophe (use ’)"),
]


def test_french_typography_in_every_catalogue():
    faults = []
    for app, _context, msgid, msgstr in _entries():
        if "://" in msgstr or msgid == msgstr:
            continue
        for pattern, what in TYPOGRAPHY:
            if pattern.search(re.sub(r"<[^>]*>|%\([^)]*\)[sd]|\d+:\d+", "", msgstr)):
                faults.append((app, msgstr, what))
    assert not faults, f"{len(faults)} faults, e.g. {faults[:5]}"
