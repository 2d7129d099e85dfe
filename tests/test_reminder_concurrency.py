"""Two workers at once, on PostgreSQL with real concurrent transactions: one e-mail each."""

import datetime

import pytest
from django.core import mail

from notifications import services
from notifications.models import Reminder
from notifications.tests.helpers import (  # noqa: F401
    TODAY,
    SlowBackend,
    eager_celery,
    frozen,
    in_threads,
)
from workinggroups import reminders
from workinggroups.tests.factories import GroupMembershipFactory, ObjectiveFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("require_postgres", "eager_celery"),
]
SLOW = "notifications.tests.helpers.SlowBackend"


@pytest.fixture
def due_objectives(group):
    from councils.tests.factories import UserFactory

    for name in ("one", "two", "three"):
        GroupMembershipFactory(group=group, user=UserFactory(username=name), role="co_chair")
    for days in (1, 5, 20):
        ObjectiveFactory(group=group, due_date=TODAY + datetime.timedelta(days=days))


def test_two_workers_sending_the_same_reminder_send_it_once(db, settings):
    from notifications.tests.helpers import make_user

    settings.EMAIL_BACKEND = SLOW
    person = make_user("ana")
    # Claimed, not yet sent: two workers got its send task (a redelivery, a stale re-enqueue).
    Reminder.objects.create(
        recipient=person,
        kind="action_item",
        subject_key="x:1",
        due_date=TODAY,
        context={"headline": {"en": "Hello", "fr": "Bonjour"}},
    )
    pk = Reminder.objects.get().pk
    results = in_threads(lambda: services.deliver(pk), lambda: services.deliver(pk))
    assert sorted(results) == [False, True]
    assert len(mail.outbox) == 1
    reminder = Reminder.objects.get()
    assert reminder.sent_at is not None and reminder.attempts == 1


def test_three_sweeps_at_once_claim_and_send_each_reminder_once(
    due_objectives, settings, monkeypatch
):
    settings.EMAIL_BACKEND = SLOW
    monkeypatch.setattr(SlowBackend, "delay", 0.05)

    def sweep():
        with frozen():
            return reminders.remind_deadlines()

    claimed = in_threads(sweep, sweep, sweep)
    assert Reminder.objects.count() == 9  # 3 objectives x 3 co-chairs
    assert sorted(pk for ids in claimed for pk in ids) == sorted(
        Reminder.objects.values_list("pk", flat=True)
    )
    assert len(mail.outbox) == 9
    assert len({(m.to[0], m.subject) for m in mail.outbox}) == 9
    assert not Reminder.objects.filter(sent_at__isnull=True).exists()
