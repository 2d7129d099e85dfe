"""`make run`: migrate, load the demo, then the web server, a Celery worker and Celery beat,
together, until Ctrl-C.

With REDIS_URL unset, Celery uses kombu's file transport under var/broker: no server to install.

It fails with a message and a non-zero exit status, never a traceback, when the address is
taken (another portal, or any program, on that port) or when another `make run` is starting or
running from the same folder: the first takes a lock (var/run.lock, PORTAL_RUN_LOCK to move
it) and holds it until it stops, so two first runs cannot race on the SQLite migration.
"""

import errno
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import environ

ROOT = Path(__file__).resolve().parent.parent
# The .env the settings read, read here too: its PORTAL_HOST, PORTAL_VAR_DIR and PORTAL_RUN_LOCK
# are this script's as well as the settings'.
environ.Env.read_env(ROOT / ".env", overwrite=False)
BIN = Path(sys.executable).parent
HOST = os.environ.get("PORTAL_HOST", "127.0.0.1:8000")
VAR_DIR = ROOT / os.environ.get("PORTAL_VAR_DIR", "var")  # relative: to the checkout
LOCK = Path(os.environ.get("PORTAL_RUN_LOCK", VAR_DIR / "run.lock"))
# How long the web server may take to answer after it was started.
START_SECONDS = 60


def fail(message: str) -> int:
    print(f"\nmake run: {message}\n", file=sys.stderr)
    return 1


def split_host(host: str) -> tuple[str, int]:
    address, _, port = host.rpartition(":")
    return (address.strip("[]") or "127.0.0.1"), int(port)


def take_lock():
    """The lock file, held (flock) for as long as this process runs; None if another holds it."""
    LOCK.parent.mkdir(parents=True, exist_ok=True)
    handle = LOCK.open("a+")
    try:
        import fcntl
    except ImportError:  # not a POSIX system: no lock, as before
        return handle
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        return None
    handle.seek(0)
    handle.truncate()
    handle.write(f"{os.getpid()}\n")
    handle.flush()
    return handle


def port_problem(address: str, port: int) -> str | None:
    """Why the web server could not listen there, or None if it can."""
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((address, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                return (
                    f"port {port} on {address} is already in use: is the portal already "
                    "running? Stop that program, or choose another address, e.g. "
                    "`make run PORTAL_HOST=127.0.0.1:8001`."
                )
            return f"cannot listen on {address}:{port}: {error.strerror}."
    return None


def answers(address: str, port: int) -> bool:
    try:
        with socket.create_connection((address, port), timeout=0.5):
            return True
    except OSError:
        return False


def stop_all(processes):
    for p in processes:
        if p.poll() is None:
            p.terminate()
    deadline = time.monotonic() + 10
    for p in processes:
        try:
            p.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def main() -> int:
    try:
        address, port = split_host(HOST)
    except ValueError:
        return fail(f"PORTAL_HOST must look like 127.0.0.1:8000, not {HOST!r}.")
    lock = take_lock()
    if lock is None:
        return fail(
            f"another `make run` is already starting or running the portal from this folder "
            f"(it holds {LOCK}). Stop it first (Ctrl-C in its terminal), or use that one."
        )
    problem = port_problem(address, port)
    if problem:
        return fail(problem)

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings.local"),
    }
    manage = [sys.executable, "manage.py"]
    # migrate also creates the periodic schedules (notifications.apps); load_demo is idempotent.
    for step in (["migrate", "--noinput"], ["load_demo"]):
        if subprocess.run([*manage, *step], cwd=ROOT, env=env, check=False).returncode:
            return fail(f"`manage.py {step[0]}` failed (its message is above).")

    commands = [
        [str(BIN / "celery"), "-A", "config", "worker", "--loglevel", "INFO", "--concurrency", "2"],
        [str(BIN / "celery"), "-A", "config", "beat", "--loglevel", "INFO"],
        [*manage, "runserver", HOST],
    ]
    processes = [subprocess.Popen(cmd, cwd=ROOT, env=env) for cmd in commands]

    def stop(*_):
        stop_all(processes)
        sys.exit(0)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)

    deadline = time.monotonic() + START_SECONDS
    while not answers(address, port):
        if any(p.poll() is not None for p in processes) or time.monotonic() > deadline:
            stop_all(processes)
            return fail("the web server did not start (its message is above).")
        time.sleep(0.25)

    # Run the daily reminder sweeps now, so a newcomer sees reminders at once instead of after
    # the 07:00 sweep. Safe: each reminder is claimed exactly once, so the 07:00 run and any
    # restart send nothing twice; the worker sends what they claim.
    subprocess.run([*manage, "run_sweeps", "--daily"], cwd=ROOT, env=env, check=False)
    print(f"\nThe portal is at http://{HOST}/ (Ctrl-C stops the server, the worker and beat).\n")

    while all(p.poll() is None for p in processes):
        time.sleep(1)
    print("A process stopped; stopping the others.", file=sys.stderr)
    stop_all(processes)
    return 1


if __name__ == "__main__":
    sys.exit(main())
