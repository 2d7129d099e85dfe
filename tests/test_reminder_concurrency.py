"""Two workers at once, on PostgreSQL with real concurrent transactions: one e-mail each."""

import datetime

import pytest
from django.core import mail

from notifications import services
from notifications.models import Reminder
from notifications.tests.helpers import (  # noqa: F401
    TODAY,
    SlowBackend,
    carried_all,
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
    # Each co-chair's reminders of a worker's batch share an e-mail: count what they carry.
    sent = carried_all(mail.outbox)
    assert len(sent) == 9
    assert len(set(sent)) == 9
    assert not Reminder.objects.filter(sent_at__isnull=True).exists()


def test_the_same_batch_in_three_workers_at_once_sends_each_reminder_once(
    db, settings, monkeypatch
):
    """A batch published twice, or redelivered while its first worker still runs."""
    from notifications.tasks import send_reminders
    from notifications.tests.helpers import make_user

    settings.EMAIL_BACKEND = SLOW
    monkeypatch.setattr(SlowBackend, "delay", 0.05)
    people = [make_user(f"p{i}") for i in range(6)]
    monkeypatch.setattr(services, "enqueue", lambda ids: None)  # claimed, not yet published
    headline = {"headline": {"en": "Hello", "fr": "Bonjour"}}
    ids = services.remind(
        [services.Due(p.pk, "action_item", "x:1", TODAY, headline) for p in people]
    )

    def worker():
        return send_reminders.apply(args=[ids]).get()

    sent = in_threads(worker, worker, worker)
    assert sum(sent) == 6
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
    assert set(Reminder.objects.values_list("attempts", flat=True)) == {1}
    assert not Reminder.objects.filter(sent_at__isnull=True).exists()
