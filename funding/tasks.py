from celery import shared_task

from . import reminders


@shared_task
def sweep_reviews_waiting() -> int:
    """Remind co-chairs of funding requests waiting on their review (exactly once each)."""
    return len(reminders.remind_reviews_waiting())
