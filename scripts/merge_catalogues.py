"""Resolve a git conflict in .po files: the union of both sides' translations.

Usage (during a merge): python scripts/merge_catalogues.py path/to/django.po ...
For each message, the translation of our side wins when both have one; a message only one side
translated keeps that translation. Run `make messages` afterwards to sync with the code.
"""

import subprocess
import sys

import polib


def side(path, stage):
    text = subprocess.run(
        ["git", "show", f":{stage}:{path}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return polib.pofile(text)


def key(entry):
    return (entry.msgctxt, entry.msgid)


def main(paths):
    for path in paths:
        ours, theirs = side(path, 2), side(path, 3)
        theirs_by_key = {key(e): e for e in theirs}
        for entry in ours:
            other = theirs_by_key.pop(key(entry), None)
            if other is None:
                continue
            if not entry.translated() and other.translated():
                entry.msgstr, entry.msgstr_plural = other.msgstr, other.msgstr_plural
                entry.flags = [f for f in other.flags if f != "fuzzy"]
        for entry in theirs_by_key.values():
            ours.append(entry)
        ours.save(path)
        subprocess.run(["git", "add", path], check=True)
        print(f"{path}: {len(ours)} entries, {len(ours.untranslated_entries())} untranslated")


if __name__ == "__main__":
    main(sys.argv[1:])
