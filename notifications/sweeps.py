"""Periodic tasks that record their runs, the catch-up tick that runs a missed one, and what
/healthz and the secretariat's reminders page say about the workers and the schedules.

Beat sends each periodic task through the broker at its time. A tick sent while the broker is
down is dropped, and a task the broker lost never runs: without more, a daily sweep could be
skipped for a day with nobody knowing. So each periodic task declared in
settings.PORTAL_PERIODIC_TASKS records when it was asked for, started and completed
(`SweepRun`), and the tick, every minute, runs any task whose scheduled time has passed since
its last completion (plus a grace for beat's own run to start). Running a sweep twice is safe:
each reminder is claimed exactly once.
"""

import datetime
import functools
import logging
import time
from dataclasses import dataclass

from celery import current_app, shared_task
from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from .models import SweepRun, WorkerHeartbeat

log = logging.getLogger(__name__)

TICK = "notifications.tasks.tick"
# Beat's own run of a task has this long after its scheduled time to start before the tick
# runs it instead.
GRACE = datetime.timedelta(minutes=5)
# A run started (or asked for) this long ago and still not completed is presumed lost.
RUN_LIMIT = datetime.timedelta(hours=1)


def mark(task: str, field: str, now: datetime.datetime | None = None) -> None:
    """Record that `task` was asked for, started or completed (`field`) now: one upsert."""
    now = now or timezone.now()
    SweepRun.objects.bulk_create(
        [SweepRun(task=task, **{field: now})],
        update_conflicts=True,
        unique_fields=["task"],
        update_fields=[field],
    )


def sweep(name: str, **options):
    """`@shared_task(name=name)` for a periodic task, recording its start and completion
    however it is run: by a worker for beat or the tick, or in-process by `run_sweeps`."""

    def decorate(function):
        @functools.wraps(function)
        def run(*args, **kwargs):
            mark(name, "started_at")
            result = function(*args, **kwargs)
            mark(name, "completed_at")
            return result

        return shared_task(name=name, **options)(run)

    return decorate


def declared_tasks() -> list[str]:
    """The periodic tasks the tick watches: every declared one but the tick itself."""
    tasks = [spec["task"] for spec in settings.PORTAL_PERIODIC_TASKS.values()]
    return [t for t in dict.fromkeys(tasks) if t != TICK]


def labels() -> dict:
    """Each declared task's label, in the active language."""
    return {spec["task"]: spec["label"] for spec in settings.PORTAL_PERIODIC_TASKS.values()}


def next_run(crontab, after: datetime.datetime) -> datetime.datetime:
    """The first time `crontab` (a django-celery-beat CrontabSchedule) fires after `after`."""
    last, delta, _now = crontab.schedule.remaining_delta(after)
    return last + delta


@dataclass
class SweepState:
    task: str
    label: str  # what the secretariat's page calls it, in their language
    completed_at: datetime.datetime | None
    due_at: datetime.datetime  # the first scheduled run after the last completion
    late_by: datetime.timedelta  # how long past `due_at` (zero when not yet due)
    overdue: bool  # the tick should run it now
    late: bool = False  # more than PORTAL_HEALTH_SWEEP_LATE_HOURS past due (set by `facts`)


def sweep_states(now: datetime.datetime | None = None) -> list[SweepState]:
    """Each watched task as its beat row now reads (an admin may have changed the timing or
    disabled it: a disabled one is not watched). Two queries."""
    from django_celery_beat.models import PeriodicTask

    now = now or timezone.now()
    tasks = declared_tasks()
    rows = {}
    for row in (
        PeriodicTask.objects.filter(task__in=tasks, enabled=True, crontab__isnull=False)
        .select_related("crontab")
        .order_by("name")
    ):
        rows.setdefault(row.task, row)
    runs = SweepRun.objects.in_bulk(list(rows), field_name="task")
    names = labels()
    states = []
    for task, row in rows.items():
        run = runs.get(task)
        reference = (run.completed_at or run.created_at) if run else now
        due_at = next_run(row.crontab, reference)
        recently = now - RUN_LIMIT
        busy = run is not None and any(
            at is not None and at >= due_at and at > recently
            for at in (run.started_at, run.requested_at)
        )
        states.append(
            SweepState(
                task=task,
                label=names.get(task, row.name),
                completed_at=run.completed_at if run else None,
                due_at=due_at,
                late_by=max(now - due_at, datetime.timedelta(0)),
                overdue=due_at + GRACE <= now and not busy,
            )
        )
    return states


def catch_up(now: datetime.datetime | None = None) -> list[str]:
    """Send every overdue task to the workers; returns their names."""
    now = now or timezone.now()
    sent = []
    for state in sweep_states(now):
        if not state.overdue:
            continue
        try:
            task = current_app.tasks.get(state.task)
            if task is not None:
                task.apply_async()
            else:  # not imported in this process: by name
                current_app.send_task(state.task)
        except Exception as error:  # the broker: the next tick tries again
            log.warning("Could not send the overdue task %s: %r", state.task, error)
            continue
        mark(state.task, "requested_at", now)
        log.info("Sent %s, due at %s and not run since.", state.task, state.due_at)
        sent.append(state.task)
    return sent


# --- The workers ------------------------------------------------------------------------------

HEARTBEAT_SECONDS = 30.0
_last_heartbeat = 0.0


def worker_heartbeat(sender=None, task=None, **kwargs) -> None:
    """Celery's task_postrun: note that this worker finished a task, at most every
    HEARTBEAT_SECONDS a process. Never fails the task; eager runs (tests) are not a worker."""
    global _last_heartbeat
    request = getattr(task, "request", None)
    if request is None or request.is_eager:
        return
    if time.monotonic() - _last_heartbeat < HEARTBEAT_SECONDS:
        return
    try:
        WorkerHeartbeat.objects.update_or_create(
            hostname=(request.hostname or "worker")[:200], defaults={"seen_at": timezone.now()}
        )
        _last_heartbeat = time.monotonic()
    except Exception:
        log.exception("Could not record the worker's heartbeat.")


@dataclass
class Facts:
    """What the secretariat's reminders page shows, and /healthz reads its problems from."""

    worker_seen_at: datetime.datetime | None
    tick_completed_at: datetime.datetime | None
    since: datetime.datetime | None  # when the schedules were created: "never" counts from here
    sweeps: list[SweepState]
    worker_silent: bool
    tick_silent: bool
    late: list[SweepState]

    @property
    def problems(self) -> list[str]:
        """One line each, in English, for /healthz (operators and probes read it)."""
        lines = []
        if self.worker_silent:
            seen = self.worker_seen_at.isoformat() if self.worker_seen_at else "never"
            lines.append(f"worker: no task finished for too long (last: {seen})")
        if self.tick_silent:
            done = self.tick_completed_at.isoformat() if self.tick_completed_at else "never"
            lines.append(f"beat: the catch-up tick has not completed for too long (last: {done})")
        for state in self.late:
            hours = int(state.late_by.total_seconds() // 3600)
            lines.append(f"sweep: {state.task} due at {state.due_at.isoformat()}, {hours} h late")
        return lines


def facts(now: datetime.datetime | None = None) -> Facts:
    now = now or timezone.now()
    silent = datetime.timedelta(minutes=settings.PORTAL_HEALTH_WORKER_MINUTES)
    late = datetime.timedelta(hours=settings.PORTAL_HEALTH_SWEEP_LATE_HOURS)
    worker_seen_at = WorkerHeartbeat.objects.aggregate(at=Max("seen_at"))["at"]
    tick = SweepRun.objects.filter(task=TICK).first()
    since = tick.created_at if tick else None
    tick_completed_at = tick.completed_at if tick else None
    states = sweep_states(now)
    for state in states:
        state.late = state.late_by > late

    def too_old(at):
        reference = at or since
        return reference is not None and now - reference > silent

    return Facts(
        worker_seen_at=worker_seen_at,
        tick_completed_at=tick_completed_at,
        since=since,
        sweeps=states,
        worker_silent=too_old(worker_seen_at),
        tick_silent=too_old(tick_completed_at),
        late=[s for s in states if s.late],
    )


def health_problems() -> list[str]:
    """For core.health (settings.PORTAL_HEALTH_CHECKS)."""
    return facts().problems
