from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand

SKIP = {".venv", "node_modules", "var", "staticfiles", ".git"}


def catalogues(base: Path):
    for po in sorted(base.rglob("locale/*/LC_MESSAGES/*.po")):
        if not SKIP.intersection(po.relative_to(base).parts):
            yield po


class Command(BaseCommand):
    help = "Compile every .po catalogue of the project to .mo, in pure Python (no GNU gettext)."

    def handle(self, *args, **options):
        base = Path(settings.BASE_DIR)
        count = 0
        for po_path in catalogues(base):
            mo_path = po_path.with_suffix(".mo")
            if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
            count += 1
        self.stdout.write(f"Compiled {count} catalogue(s).")
