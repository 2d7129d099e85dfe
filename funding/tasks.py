from notifications.sweeps import sweep

from . import reminders


@sweep("funding.tasks.sweep_reviews_waiting")
def sweep_reviews_waiting() -> int:
    """Remind co-chairs of funding requests waiting on their review (exactly once each)."""
    return len(reminders.remind_reviews_waiting())
