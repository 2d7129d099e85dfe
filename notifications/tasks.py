"""Celery tasks: each takes ids (or nothing), loads, and calls a service."""

import logging

from celery import shared_task
from celery.utils.time import get_exponential_backoff_interval

from . import services

log = logging.getLogger(__name__)


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=services.SEND_ERRORS,
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=8,
)
def send_reminder(self, reminder_id: int) -> bool:
    """Send one claimed reminder. Acked after it ran, so a worker lost mid-send leaves the
    message to another; mail and network errors retry with exponential back-off."""
    return services.deliver(reminder_id)


def retry_alone(reminder_id: int) -> None:
    """Hand a reminder whose send just failed to `send_reminder`, as that task's first retry:
    the same countdown, and the same number of attempts in all."""
    countdown = get_exponential_backoff_interval(
        factor=send_reminder.retry_backoff,
        retries=0,
        maximum=send_reminder.retry_backoff_max,
        full_jitter=send_reminder.retry_jitter,
    )
    send_reminder.apply_async((reminder_id,), countdown=countdown, retries=1)


@shared_task(bind=True, acks_late=True)
def send_reminders(self, reminder_ids: list[int]) -> int:
    """Send claimed reminders, each on its own as `send_reminder` does: its own transaction,
    the row held FOR UPDATE SKIP LOCKED, `sent_at` written after the send (services.deliver).

    Acked after it ran: a batch redelivered after its worker was lost skips the reminders
    already sent. One whose send fails on a mail or network error goes on alone, retried with
    back-off (`retry_alone`); the others are not held up. Any other error is recorded on its
    row (resend_stale tries again later) and raised once the rest of the batch has been sent.
    """
    sent, failed = 0, []
    for pk in reminder_ids:
        try:
            sent += services.deliver(pk)
        except services.SEND_ERRORS:
            retry_alone(pk)
        except Exception as exc:
            log.exception("Reminder %s not sent.", pk)
            failed.append(exc)
    if failed:
        raise failed[0]
    return sent


@shared_task
def resend_stale() -> int:
    """Re-enqueue reminders claimed but still unsent a few minutes later."""
    return len(services.resend_stale())


@shared_task
def weekly_digest() -> int:
    return len(services.weekly_digest())
