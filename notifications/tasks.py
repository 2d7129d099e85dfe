"""Celery tasks: each takes ids (or nothing), loads, and calls a service."""

from celery import shared_task

from . import services


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


@shared_task
def resend_stale() -> int:
    """Re-enqueue reminders claimed but still unsent a few minutes later."""
    return len(services.resend_stale())


@shared_task
def weekly_digest() -> int:
    return len(services.weekly_digest())
