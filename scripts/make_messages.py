"""Extract translatable strings into one French catalogue per app, plus the project's own
(templates/ and config/) in locale/. Per-app catalogues keep each app self-contained."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = [
    "core",
    "notifications",
    "councils",
    "signin",
    "workinggroups",
    "people",
    "funding",
    "strategy",
    "api",
    "portal",
]
MANAGE = [sys.executable, str(ROOT / "manage.py")]


def main():
    for app in APPS:
        if (ROOT / app).is_dir():
            (ROOT / app / "locale").mkdir(exist_ok=True)
            subprocess.run(
                [*MANAGE, "makemessages", "-l", "fr", "--no-obsolete", "--no-location"],
                cwd=ROOT / app,
                check=True,
            )
    ignores = [arg for app in APPS for arg in ("--ignore", f"{app}/*")]
    ignores += [
        "--ignore",
        ".venv/*",
        "--ignore",
        "var/*",
        "--ignore",
        "static/*",
        "--ignore",
        "scripts/*",
        "--ignore",
        "tests/oidc/node_modules/*",
    ]
    subprocess.run(
        [*MANAGE, "makemessages", "-l", "fr", "--no-obsolete", "--no-location", *ignores],
        cwd=ROOT,
        check=True,
    )


if __name__ == "__main__":
    main()
