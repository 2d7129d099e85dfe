"""Operations commands fail with a clear message and a non-zero exit status, never a
traceback: a restore into an unmigrated database, a backup to a missing folder (refused before
the dump) or over an existing file (refused without --force), `make run` on a port in use, and
two first `make run`s started together (one takes the lock, the other stops; it runs the daily
sweeps at start-up and its e-mails link to its own port)."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from notifications.tests.helpers import free_port

ROOT = Path(__file__).resolve().parent.parent


def run(args, env_extra=None, timeout=120):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.local", **(env_extra or {})}
    return subprocess.run(  # noqa: S603
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )


def manage(*args, env_extra=None):
    return run(["manage.py", *args], env_extra)


def no_traceback(result):
    assert "Traceback" not in result.stdout + result.stderr, result.stderr


@pytest.fixture
def unmigrated(tmp_path):
    """An empty SQLite database: what a restore meets before anyone ran migrate."""
    return {"DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}", "REDIS_URL": ""}


def test_restore_into_an_unmigrated_database_says_to_migrate_first(unmigrated, tmp_path):
    backup = tmp_path / "portal.tar.gz"
    backup.write_bytes(b"not read: the database is checked first")
    result = manage("restore_portal", str(backup), env_extra=unmigrated)
    assert result.returncode == 1
    no_traceback(result)
    assert "The database is not migrated" in result.stderr
    assert "Run `manage.py migrate` first" in result.stderr


def test_restore_of_a_missing_or_broken_file_says_so(tmp_path, unmigrated):
    result = manage("restore_portal", str(tmp_path / "nowhere.tar.gz"), env_extra=unmigrated)
    assert result.returncode == 1 and "No backup at" in result.stderr
    no_traceback(result)


@pytest.mark.django_db
def test_restore_of_a_file_that_is_not_a_backup_says_so(tmp_path):
    broken = tmp_path / "broken.tar.gz"
    broken.write_bytes(b"this is not a tar.gz")
    from django.contrib.auth import get_user_model

    get_user_model().objects.all().delete()
    with pytest.raises(CommandError, match="is not a backup written by backup_portal"):
        call_command("restore_portal", str(broken))


def test_backup_to_a_missing_folder_is_refused_before_the_dump(tmp_path, unmigrated):
    # The database is not even migrated: a dump would fail. The folder is checked first.
    target = tmp_path / "no-such-folder" / "portal.tar.gz"
    result = manage("backup_portal", str(target), env_extra=unmigrated)
    assert result.returncode == 1
    no_traceback(result)
    assert f"The folder {target.parent} does not exist" in result.stderr
    assert not target.parent.exists()


def test_backup_over_an_existing_file_is_refused_without_force(tmp_path, unmigrated):
    target = tmp_path / "portal.tar.gz"
    target.write_bytes(b"yesterday's backup")
    result = manage("backup_portal", str(target), env_extra=unmigrated)
    assert result.returncode == 1
    no_traceback(result)
    assert "already exists" in result.stderr and "--force" in result.stderr
    assert target.read_bytes() == b"yesterday's backup"


@pytest.mark.django_db
def test_backup_with_force_overwrites_and_leaves_no_partial_file(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    target = tmp_path / "portal.tar.gz"
    target.write_bytes(b"yesterday's backup")
    call_command("backup_portal", str(target), "--force", verbosity=0)
    assert target.read_bytes()[:2] == b"\x1f\x8b"  # a gzip archive now
    assert sorted(p.name for p in tmp_path.iterdir()) == ["portal.tar.gz"]


# --- make run ---------------------------------------------------------------------------------


def run_local_env(tmp_path, port):
    return {
        "PORTAL_HOST": f"127.0.0.1:{port}",
        "PORTAL_RUN_LOCK": str(tmp_path / "run.lock"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "REDIS_URL": "",
        "PORTAL_BROKER_DIR": str(tmp_path / "broker"),
        "EMAIL_URL": "consolemail://",
        "DJANGO_DEBUG": "true",
        "PYTHONUNBUFFERED": "1",
    }


def test_make_run_on_a_port_in_use_stops_with_a_message_and_status_1(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run(["scripts/run_local.py"], run_local_env(tmp_path, port), timeout=60)
    assert result.returncode == 1
    no_traceback(result)
    assert f"port {port} on 127.0.0.1 is already in use" in result.stderr
    assert "The portal is at" not in result.stdout
    assert not (tmp_path / "db.sqlite3").exists()  # stopped before migrating anything


@pytest.mark.long
@pytest.mark.skipif(sys.platform == "win32", reason="flock")
def test_two_first_runs_started_together_one_runs_the_other_stops(tmp_path):
    """Both start on a fresh SQLite database: one takes the lock, migrates and serves; the other
    stops at once with a message (it used to race on the migration with a traceback)."""
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k != "PORTAL_BASE_URL"},
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        **run_local_env(tmp_path, port),
    }
    logs = [(tmp_path / f"run{i}.log").open("w+") for i in range(2)]
    processes = [
        subprocess.Popen(
            [sys.executable, "scripts/run_local.py"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopped as Ctrl-C would
        )
        for log in logs
    ]
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            texts = [Path(log.name).read_text() for log in logs]
            if any("The portal is at" in t for t in texts) and any(
                p.poll() is not None for p in processes
            ):
                break
            time.sleep(1)
        else:
            pytest.fail(f"neither started nor stopped in time:\n{texts}")
        stopped = [i for i, p in enumerate(processes) if p.poll() is not None]
        assert len(stopped) == 1, texts
        loser, winner = stopped[0], 1 - stopped[0]
        assert processes[loser].returncode == 1
        assert "another `make run` is already starting or running" in texts[loser]
        assert "Traceback" not in texts[loser] and "Traceback" not in texts[winner]
        assert "The portal is at" in texts[winner] and "The portal is at" not in texts[loser]
        # The daily sweeps ran once before it said so: reminders from the first minute
        # (issue 14), not after the 07:00 sweep.
        before = texts[winner].split("The portal is at")[0]
        assert "workinggroups.tasks.sweep_deadlines: " in before, texts[winner]
        # The worker sends what they claimed, with links to the port it serves on, not 8000.
        deadline = time.monotonic() + 120
        while "Subject:" not in texts[winner] and time.monotonic() < deadline:
            time.sleep(1)
            texts[winner] = Path(logs[winner].name).read_text()
        mails = texts[winner].split("Subject:", 1)[1]
        assert f"http://127.0.0.1:{port}/" in mails and "127.0.0.1:8000" not in mails
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGINT)
        for process in processes:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        for log in logs:
            log.close()
    assert processes[winner].returncode == 0  # Ctrl-C: a clean stop
