"""Celery tasks: each takes ids (or nothing), loads, and calls a service.

No task here retries itself: a failed send is written on its row (services.deliver) and the
catch-up tick (`tick`, every minute) hands it over again when its time comes. One policy, so
retries cannot stack up.
"""

import logging

from celery import shared_task

from . import services, sweeps

log = logging.getLogger(__name__)


@shared_task(acks_late=True)
def send_reminder(reminder_id: int) -> bool:
    """Send one claimed message (kept for messages queued before batches existed)."""
    return services.deliver(reminder_id)


@shared_task(acks_late=True)
def send_reminders(reminder_ids: list[int]) -> int:
    """Send claimed messages as one batch (`services.deliver_batch`): one transaction, the
    rows read at once and held FOR UPDATE SKIP LOCKED, one mail-server connection, `sent_at`
    written after the sends.

    Acked after it ran: a batch redelivered after its worker was lost skips the messages
    already sent. A failure is written on its row and does not hold up the others.
    """
    return services.deliver_batch(reminder_ids)


@sweeps.sweep(sweeps.TICK)
def tick() -> dict:
    """Every minute (beat): run any periodic task whose scheduled run was missed (beat's tick
    lost while the broker was down, a worker gone at the time), then hand over the messages
    whose time has come. Cheap when there is nothing to do: a few indexed queries."""
    caught_up = sweeps.catch_up()
    handed = services.send_due()
    return {"caught_up": caught_up, "messages": len(handed)}


@shared_task
def resend_stale() -> int:
    """The name of the tick's sending half before issue 16 (a schedule may still call it)."""
    return len(services.send_due())


@sweeps.sweep("notifications.tasks.weekly_digest")
def weekly_digest() -> int:
    return len(services.weekly_digest())
