from celery import shared_task

from notifications.sweeps import sweep

from . import package, reminders


@sweep("funding.tasks.sweep_reviews_waiting")
def sweep_reviews_waiting() -> int:
    """Remind co-chairs of funding requests waiting on their review (exactly once each)."""
    return len(reminders.remind_reviews_waiting())


@shared_task(acks_late=True)
def generate_meeting_package(package_id: int) -> bool:
    """Make one published meeting package (both languages); a second run finds it done."""
    return package.package_generate(package_id)


@sweep("funding.tasks.sweep_pending_packages")
def sweep_pending_packages() -> int:
    """Make the packages whose worker never ran (broker down at publication, worker lost)."""
    return len(package.generate_pending())


@sweep("funding.tasks.sweep_package_reminders")
def sweep_package_reminders() -> int:
    """Remind the secretariat of a meeting coming up with no package (exactly once each)."""
    return len(package.remind_packages_due())
