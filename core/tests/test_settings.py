"""Settings: production passes check --deploy with zero issues; bad values fail loudly."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, **env):
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "x7#kQ2!pV9zR@4mL8wT$1nB6yH^3cF0jD5sG&eA-uK+oI=rZ*qW",
    "DJANGO_ALLOWED_HOSTS": "portal.example.gc.ca",
    "DATABASE_URL": "postgres://portal@db.invalid:5432/portal",
    "REDIS_URL": "redis://cache.invalid:6379/0",
    "PORTAL_BASE_URL": "https://portal.example.gc.ca",
}


def test_production_settings_pass_check_deploy_with_no_warning():
    result = run_manage("check", "--deploy", "--fail-level", "DEBUG", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_refuses_a_weak_secret_key():
    result = run_manage("check", **{**PRODUCTION, "DJANGO_SECRET_KEY": "short"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_refuses_to_run_without_postgres():
    result = run_manage("check", **{**PRODUCTION, "DATABASE_URL": "sqlite:////tmp/x.db"})
    assert result.returncode != 0 and "DATABASE_URL" in result.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DJANGO_DEBUG", "maybe"),
        ("PORTAL_PAGE_SIZE", "lots"),
        ("PORTAL_REPORTING_PERIOD_MONTHS", "5"),  # periods must tile the fiscal year
        ("PORTAL_API_RATE_USER", "120/fortnight"),  # DRF would fail on the first call
        ("PORTAL_API_RATE_ANON", "many"),
    ],
)
def test_a_bad_value_fails_loudly(name, value):
    result = run_manage("check", **{name: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and name in result.stderr


@pytest.mark.django_db
def test_models_and_migrations_agree():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_production_refuses_to_run_without_an_https_base_url():
    """Without it, e-mails and calendars would link to the local default (issue 14)."""
    for value in (None, "http://portal.example.gc.ca"):
        env = {k: v for k, v in PRODUCTION.items() if k != "PORTAL_BASE_URL"}
        if value:
            env["PORTAL_BASE_URL"] = value
        result = run_manage("check", **env)
        assert result.returncode != 0 and "PORTAL_BASE_URL" in result.stderr


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.0.0.1:8123", "http://127.0.0.1:8123"),
        ("localhost:9000", "http://localhost:9000"),
        ("0.0.0.0:8001", "http://127.0.0.1:8001"),  # every interface: reached here locally
        ("[::]:8002", "http://127.0.0.1:8002"),
        ("portal.local", "http://portal.local"),
    ],
)
def test_base_url_follows_portal_host_when_not_set(host, expected):
    """Issue 14: `make run` on another port wrote http://127.0.0.1:8000 into e-mails."""
    env = {k: v for k, v in os.environ.items() if k != "PORTAL_BASE_URL"}
    env.update(PORTAL_HOST=host, DJANGO_SETTINGS_MODULE="config.settings.local")
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django;django.setup();from django.conf import settings;"
            "print(settings.PORTAL_BASE_URL)",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert out == expected


def test_a_malformed_database_url_is_improperly_configured_not_a_key_error():
    result = run_manage("check", DATABASE_URL="notaurl")
    assert result.returncode != 0
    assert "ImproperlyConfigured: DATABASE_URL must look like" in result.stderr
    assert "KeyError" not in result.stderr


RUNTIME_FOLDERS = (
    "import json; from django.conf import settings as s; print(json.dumps(["
    "s.VAR_DIR, s.MEDIA_ROOT, s.CACHES['default']['LOCATION'], s.BROKER_DIR], default=str))"
)


def test_the_files_tests_make_stay_out_of_the_checkout():
    """The demo's package PDFs, loaded by many tests, used to pile up in var/private."""
    from django.conf import settings

    media = Path(settings.MEDIA_ROOT).resolve()
    assert media.is_dir()
    assert not media.is_relative_to(ROOT), media
    assert Path(settings.VAR_DIR).resolve() == media.parent


def test_a_manage_py_the_tests_start_writes_its_files_outside_the_checkout():
    """The processes the tests start with the local settings and no Redis (`make run`, a
    Celery worker on the file broker) used to write their file cache into the checkout's
    var/cache, where the developer's own `make run` would read it."""
    from django.conf import settings

    ours = Path(settings.VAR_DIR).resolve()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "REDIS_URL": "",
        "DATABASE_URL": f"sqlite:///{ours / 'db.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", RUNTIME_FOLDERS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    folders = [Path(f).resolve() for f in json.loads(result.stdout)]
    for folder in folders:
        assert folder.is_relative_to(ours), (folder, ours)
        assert not folder.is_relative_to(ROOT), folder
