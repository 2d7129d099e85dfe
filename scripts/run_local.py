"""`make run`: the web server, a Celery worker and Celery beat, together, until Ctrl-C.

With REDIS_URL unset, Celery uses kombu's file transport under var/broker: no server to install.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HOST = os.environ.get("PORTAL_HOST", "127.0.0.1:8000")


SWEEP_NOW = (
    "from django.conf import settings\n"
    "from config import celery_app\n"
    "for name, spec in settings.PORTAL_PERIODIC_TASKS.items():\n"
    "    if name.startswith('Reminders:') and 'digest' not in name:\n"
    "        celery_app.send_task(spec['task'])\n"
)


def main():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings.local"),
    }
    commands = [
        [str(BIN / "celery"), "-A", "config", "worker", "--loglevel", "INFO", "--concurrency", "2"],
        [str(BIN / "celery"), "-A", "config", "beat", "--loglevel", "INFO"],
        [sys.executable, "manage.py", "runserver", HOST],
    ]
    processes = [subprocess.Popen(cmd, cwd=ROOT, env=env) for cmd in commands]
    # Run the reminder sweeps once now, so a newcomer sees reminders at once instead of after
    # the 07:00 sweep. Safe: each reminder is claimed exactly once, so the 07:00 run and any
    # restart send nothing twice (issue 14).
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SWEEP_NOW], cwd=ROOT, env=env, check=False
    )
    print(f"\nThe portal is at http://{HOST}/ (Ctrl-C stops the server, the worker and beat).\n")

    def stop(*_):
        for p in processes:
            if p.poll() is None:
                p.terminate()
        deadline = time.monotonic() + 10
        for p in processes:
            try:
                p.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                p.kill()
        sys.exit(0)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    while all(p.poll() is None for p in processes):
        time.sleep(1)
    print("A process stopped; stopping the others.", file=sys.stderr)
    stop()


if __name__ == "__main__":
    main()
