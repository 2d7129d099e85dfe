"""Imports between apps go one way, lowest first (README, "Architecture"). A lower app that
imports a higher one fails here. Tests are exempt: they may build fixtures from any app."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ORDER = [
    "core",
    "councils",
    "notifications",
    "signin",
    "workinggroups",
    "people",
    "funding",
    "strategy",
    "publication",
    "api",
    "portal",
]


def imported_apps(path: Path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module.split(".")[0], node.lineno
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name.split(".")[0], node.lineno


def test_apps_import_only_lower_apps():
    wrong = []
    for rank, app in enumerate(ORDER):
        for path in (ROOT / app).rglob("*.py"):
            parts = path.relative_to(ROOT).parts
            if "tests" in parts or "migrations" in parts:
                continue
            for module, line in imported_apps(path):
                if module in ORDER and ORDER.index(module) > rank:
                    wrong.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    assert not wrong, "\n".join(wrong)
