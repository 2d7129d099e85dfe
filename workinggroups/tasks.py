"""Periodic sweeps of the groups' rules; each calls one function of reminders.py.

Scheduled through django-celery-beat (settings.PORTAL_PERIODIC_TASKS, `manage.py
setup_schedules`). A sweep may run any number of times a day: each reminder is claimed once.
Each records its runs (notifications.sweeps), so the catch-up tick runs one that was missed.
"""

import datetime

from notifications.sweeps import sweep

from . import reminders


def _day(day: str | None):
    return datetime.date.fromisoformat(day) if day else None


@sweep("workinggroups.tasks.sweep_deadlines")
def sweep_deadlines(day: str | None = None) -> int:
    return len(reminders.remind_deadlines(_day(day)))


@sweep("workinggroups.tasks.sweep_workplans")
def sweep_workplans(day: str | None = None) -> int:
    return len(reminders.remind_workplans(_day(day)))


@sweep("workinggroups.tasks.sweep_reviews")
def sweep_reviews(day: str | None = None) -> int:
    return len(reminders.remind_reviews(_day(day)))


@sweep("workinggroups.tasks.sweep_liaison_gaps")
def sweep_liaison_gaps(day: str | None = None) -> int:
    return len(reminders.remind_liaison_gaps(_day(day)))


@sweep("workinggroups.tasks.sweep_action_items")
def sweep_action_items(day: str | None = None) -> int:
    return len(reminders.remind_action_items(_day(day)))


@sweep("workinggroups.tasks.sweep_progress_reports")
def sweep_progress_reports(day: str | None = None) -> int:
    return len(reminders.remind_progress_reports(_day(day)))


@sweep("workinggroups.tasks.sweep_terms_ending")
def sweep_terms_ending(day: str | None = None) -> int:
    return len(reminders.remind_terms_ending(_day(day)))
