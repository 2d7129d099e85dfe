"""The notifications service: claim once, send once, retry failures by one policy, never lose
a message."""

import datetime
import smtplib
from unittest import mock

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend

from notifications import kinds, services
from notifications.models import Delivery, Notification, Preference, Reminder
from notifications.tasks import send_reminder, send_reminders
from notifications.tests.helpers import TODAY, at, eager_celery, frozen, make_user  # noqa: F401

pytestmark = pytest.mark.usefixtures("eager_celery")


def item(user, *, kind=kinds.ACTION_ITEM, key="meetings.actionitem:1", day=TODAY, **context):
    context = {
        "headline": {"en": "Send the minutes", "fr": "Envoyer le procès-verbal"},
        "url": "/en/inbox/",
        **context,
    }
    return services.Due(user.pk, kind, key, day, context)


@pytest.fixture
def person(db):
    return make_user("ana")


def remind(django_capture_on_commit_callbacks, items, execute=True):
    with django_capture_on_commit_callbacks(execute=execute):
        return services.remind(items)


def test_a_reminder_is_claimed_once_however_often_it_is_found(
    person, django_capture_on_commit_callbacks
):
    with frozen():
        for _ in range(3):
            remind(django_capture_on_commit_callbacks, [item(person)])
    reminder = Reminder.objects.get()
    assert reminder.sent_at is not None and reminder.attempts == 1
    assert Notification.objects.get().reminder == reminder
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Send the minutes"
    assert mail.outbox[0].to == ["ana@example.gc.ca"]


def test_the_same_reminder_through_two_roles_is_one(person, django_capture_on_commit_callbacks):
    claimed = remind(django_capture_on_commit_callbacks, [item(person), item(person)])
    assert len(claimed) == 1
    assert len(mail.outbox) == 1


def test_a_new_due_date_is_a_new_reminder(person, django_capture_on_commit_callbacks):
    remind(django_capture_on_commit_callbacks, [item(person)])
    later = TODAY + datetime.timedelta(days=7)
    remind(django_capture_on_commit_callbacks, [item(person, day=later)])
    assert Reminder.objects.count() == 2
    assert len(mail.outbox) == 2


def test_french_recipient_gets_french_text_and_html(db, django_capture_on_commit_callbacks):
    marie = make_user("marie", language="fr")
    remind(django_capture_on_commit_callbacks, [item(marie)])
    message = mail.outbox[0]
    assert message.subject == "Envoyer le procès-verbal"
    assert message.extra_headers["Content-Language"] == "fr"
    assert "/fr/inbox/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and '<html lang="fr">' in html
    entry = Notification.objects.get()
    assert (entry.text_en, entry.text_fr) == ("Send the minutes", "Envoyer le procès-verbal")


def test_a_redelivered_task_does_not_send_again(person, django_capture_on_commit_callbacks):
    remind(django_capture_on_commit_callbacks, [item(person)])
    pk = Reminder.objects.get().pk
    assert send_reminder.apply(args=[pk]).get() is False
    assert services.deliver(pk) is False
    assert len(mail.outbox) == 1


def test_a_failed_send_is_recorded_and_retried_by_the_tick_until_it_goes_out(
    person, django_capture_on_commit_callbacks, settings
):
    settings.PORTAL_REMINDER_RETRY_SECONDS = 60
    real = EmailBackend.send_messages
    calls = []

    def flaky(backend, messages):
        calls.append(1)
        if len(calls) < 3:
            raise smtplib.SMTPServerDisconnected("connection unexpectedly closed")
        return real(backend, messages)

    with frozen() as clock, mock.patch.object(EmailBackend, "send_messages", flaky):
        remind(django_capture_on_commit_callbacks, [item(person)])  # the first attempt fails
        reminder = Reminder.objects.get()
        assert (reminder.attempts, reminder.sent_at, reminder.enqueued_at) == (1, None, None)
        assert reminder.next_attempt_at == at(TODAY, minute=1)  # 60 s later
        assert "SMTPServerDisconnected" in reminder.last_error
        # Not before its time, however it is asked (a late duplicate, a second tick).
        assert services.deliver(reminder.pk) is False
        assert send_reminder.apply(args=[reminder.pk]).get() is False
        with django_capture_on_commit_callbacks(execute=True):
            assert services.send_due() == []
        clock.shift(datetime.timedelta(seconds=60))
        with django_capture_on_commit_callbacks(execute=True):
            assert services.send_due() == [reminder.pk]  # the second attempt fails
        reminder.refresh_from_db()
        assert reminder.attempts == 2 and reminder.next_attempt_at == at(TODAY, minute=3)
        clock.shift(datetime.timedelta(seconds=119))
        with django_capture_on_commit_callbacks(execute=True):
            assert services.send_due() == []  # one second early
        clock.shift(datetime.timedelta(seconds=1))
        with django_capture_on_commit_callbacks(execute=True):
            assert services.send_due() == [reminder.pk]
    reminder.refresh_from_db()
    assert reminder.attempts == 3 and reminder.sent_at is not None and reminder.last_error == ""
    assert len(calls) == 3 and len(mail.outbox) == 1


def test_a_failure_is_kept_on_the_row_and_not_raised(person, django_capture_on_commit_callbacks):
    remind(django_capture_on_commit_callbacks, [item(person)], execute=False)
    pk = Reminder.objects.get().pk
    with mock.patch.object(EmailBackend, "send_messages", side_effect=ConnectionRefusedError(111)):
        assert services.deliver(pk) is False
    reminder = Reminder.objects.get()
    assert reminder.sent_at is None and reminder.attempts == 1
    assert "ConnectionRefusedError" in reminder.last_error


def test_the_retry_delay_doubles_up_to_sixty_times_the_base(settings):
    settings.PORTAL_REMINDER_RETRY_SECONDS = 60
    delays = [services.retry_delay(n).total_seconds() for n in range(1, 10)]
    assert delays == [60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]


def test_the_attempts_limit_holds_however_many_ticks_and_duplicates_ask(
    person, django_capture_on_commit_callbacks, settings
):
    """One retry policy: the tick every minute, a second tick, late duplicates of the send
    task and the per-message back-off together never try a message more than
    PORTAL_REMINDER_MAX_ATTEMPTS times; then it waits for the secretariat."""
    settings.PORTAL_REMINDER_MAX_ATTEMPTS = 4
    settings.PORTAL_REMINDER_RETRY_SECONDS = 30
    attempts = []

    def refuse(backend, messages):
        attempts.append(1)
        raise smtplib.SMTPDataError(451, "try again later")

    with frozen() as clock, mock.patch.object(EmailBackend, "send_messages", refuse):
        remind(django_capture_on_commit_callbacks, [item(person)])
        pk = Reminder.objects.get().pk
        for _minute in range(180):
            with django_capture_on_commit_callbacks(execute=True):
                services.send_due()
                services.send_due()  # a second beat by mistake
            send_reminders.apply(args=[[pk]])  # a late duplicate of an old message
            clock.shift(datetime.timedelta(minutes=1))
    reminder = Reminder.objects.get()
    assert len(attempts) == reminder.attempts == 4
    assert reminder.failed_at is not None and reminder.sent_at is None
    assert "451" in reminder.last_error
    assert services.send_due() == [] and services.deliver(pk) is False

    # The secretariat sends it again: its attempts start over, and it goes out once.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reminder_resend(reminder=reminder, by=person) is True
    reminder.refresh_from_db()
    assert reminder.sent_at is not None and reminder.failed_at is None
    assert reminder.attempts == 1 and len(mail.outbox) == 1
    assert services.reminder_resend(reminder=reminder, by=person) is False  # sent: nothing


def test_a_crash_between_claim_and_send_is_caught_by_the_tick(
    person, django_capture_on_commit_callbacks
):
    with frozen() as clock:
        # The sweep claimed, then the worker died before the send task was published.
        remind(django_capture_on_commit_callbacks, [item(person)], execute=False)
        with django_capture_on_commit_callbacks(execute=True):
            assert services.send_due() == []  # too fresh: its send task may still be coming
        clock.shift(datetime.timedelta(minutes=11))
        with django_capture_on_commit_callbacks(execute=True):
            assert len(services.send_due()) == 1
        with django_capture_on_commit_callbacks(execute=True):
            assert services.send_due() == []
    assert len(mail.outbox) == 1
    assert Reminder.objects.get().sent_at is not None


def test_rows_the_broker_never_carried_go_at_the_next_tick(
    person, django_capture_on_commit_callbacks
):
    with (
        frozen(),
        mock.patch.object(send_reminders, "delay", side_effect=ConnectionError("refused")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.remind([item(person)])
    reminder = Reminder.objects.get()
    assert reminder.enqueued_at is None and reminder.sent_at is None
    services.broker_resume()
    with frozen(), django_capture_on_commit_callbacks(execute=True):
        assert services.send_due() == [reminder.pk]  # no need to wait for the lease
    assert len(mail.outbox) == 1


def test_no_email_address_goes_to_the_inbox_only(db, django_capture_on_commit_callbacks):
    nomail = make_user("nomail", email=False)
    remind(django_capture_on_commit_callbacks, [item(nomail)])
    reminder = Reminder.objects.get()
    assert reminder.sent_at is not None and "inbox only" in reminder.last_error
    assert mail.outbox == [] and Notification.objects.filter(recipient=nomail).exists()


def test_a_muted_kind_is_not_claimed(person, django_capture_on_commit_callbacks):
    services.preference_update(user=person, delivery="immediate", muted_kinds=["action_item"])
    remind(django_capture_on_commit_callbacks, [item(person)])
    assert not Reminder.objects.exists() and mail.outbox == []


def test_essential_kinds_cannot_be_muted(person, django_capture_on_commit_callbacks):
    preference = services.preference_update(
        user=person, delivery="immediate", muted_kinds=["overdue", "action_item"]
    )
    assert preference.muted_kinds == ["action_item"]
    Preference.objects.filter(pk=preference.pk).update(muted_kinds=["overdue"])
    remind(django_capture_on_commit_callbacks, [item(person, kind=kinds.OVERDUE)])
    assert Reminder.objects.filter(kind="overdue").count() == 1


def test_digest_readers_get_the_inbox_entry_now_and_the_email_weekly(
    person, django_capture_on_commit_callbacks
):
    services.preference_update(user=person, delivery="digest", muted_kinds=["digest"])
    with frozen():
        remind(django_capture_on_commit_callbacks, [item(person)])
        remind(django_capture_on_commit_callbacks, [item(person, kind=kinds.OVERDUE, key="x:1")])
    held = Reminder.objects.get(kind=kinds.ACTION_ITEM)
    assert held.delivery == Delivery.DIGEST and held.sent_at is None
    assert [m.subject[:15] for m in mail.outbox] == ["Deadline missed"]  # the essential one
    assert Notification.objects.filter(recipient=person).count() == 2
    with frozen(TODAY + datetime.timedelta(days=7)):
        for _ in range(2):
            with django_capture_on_commit_callbacks(execute=True):
                services.weekly_digest()
    digest = Reminder.objects.get(kind=kinds.DIGEST)
    assert len(mail.outbox) == 2
    assert "Send the minutes" in mail.outbox[1].body
    held.refresh_from_db()
    assert held.sent_at is not None and held.digest == digest
    assert services.send_due() == []


def test_observe_keeps_the_first_day_and_forgets_what_ended(db):
    day = TODAY
    assert services.observe("gap", {"a", "b"}, day) == {"a": day, "b": day}
    later = day + datetime.timedelta(days=3)
    assert services.observe("gap", {"a"}, later) == {"a": day}
    assert services.observe("gap", {"a", "b"}, later) == {"a": day, "b": later}


def test_claimed_reminders_are_published_a_batch_of_ids_to_a_message(
    db, settings, django_capture_on_commit_callbacks
):
    settings.PORTAL_REMINDER_SEND_BATCH_SIZE = 2
    people = [make_user(f"p{i}") for i in range(5)]
    with mock.patch.object(send_reminders, "delay") as delay:
        claimed = remind(django_capture_on_commit_callbacks, [item(p) for p in people])
    assert [c.args[0] for c in delay.call_args_list] == [claimed[:2], claimed[2:4], claimed[4:]]


def test_a_batch_sends_each_reminder_once_even_when_delivered_twice(
    db, django_capture_on_commit_callbacks
):
    people = [make_user(f"p{i}") for i in range(3)]
    claimed = remind(django_capture_on_commit_callbacks, [item(p) for p in people], execute=False)
    assert send_reminders.apply(args=[claimed]).get() == 3
    assert send_reminders.apply(args=[claimed]).get() == 0  # redelivered after a lost ack
    assert sorted(m.to[0] for m in mail.outbox) == [p.email for p in people]
    assert not Reminder.objects.filter(sent_at__isnull=True).exists()


def test_a_mail_error_in_a_batch_waits_for_its_own_next_attempt(
    db, django_capture_on_commit_callbacks, settings
):
    settings.PORTAL_REMINDER_RETRY_SECONDS = 60
    people = [make_user(f"p{i}") for i in range(3)]
    claimed = remind(django_capture_on_commit_callbacks, [item(p) for p in people], execute=False)
    real = EmailBackend.send_messages

    def refuse_p1(backend, messages):
        if messages[0].to == ["p1@example.gc.ca"]:
            raise smtplib.SMTPServerDisconnected("connection unexpectedly closed")
        return real(backend, messages)

    with frozen() as clock:
        with mock.patch.object(EmailBackend, "send_messages", refuse_p1):
            assert send_reminders.apply(args=[claimed]).get() == 2
        failed = Reminder.objects.get(recipient=people[1])
        assert failed.sent_at is None and failed.attempts == 1
        assert "SMTPServerDisconnected" in failed.last_error
        assert failed.next_attempt_at == at(TODAY, minute=1)
        clock.shift(datetime.timedelta(minutes=1))
        with django_capture_on_commit_callbacks(execute=True):
            assert services.send_due() == [failed.pk]
    failed.refresh_from_db()
    assert failed.sent_at is not None and failed.attempts == 2
    assert sorted(m.to[0] for m in mail.outbox) == [p.email for p in people]


def test_a_broken_reminder_does_not_hold_up_the_rest_of_its_batch(
    db, django_capture_on_commit_callbacks
):
    people = [make_user(f"p{i}") for i in range(3)]
    claimed = remind(django_capture_on_commit_callbacks, [item(p) for p in people], execute=False)
    real = services._compose

    def broken_p0(reminder):
        if reminder.recipient_id == people[0].pk:
            raise ValueError("a bug in a template")
        return real(reminder)

    with mock.patch.object(services, "_compose", broken_p0):
        assert send_reminders.apply(args=[claimed]).get() == 2
    assert sorted(m.to[0] for m in mail.outbox) == [people[1].email, people[2].email]
    broken = Reminder.objects.get(recipient=people[0])
    assert broken.sent_at is None and "ValueError" in broken.last_error
    assert broken.next_attempt_at is not None  # tried again later, like a mail error


def test_a_batch_claims_only_the_rows_it_inserted(db, django_capture_on_commit_callbacks):
    """Some of a batch claimed before (by an earlier sweep or one running at the same time):
    the rest is claimed, stored whole, and gets its inbox entry; the others are left alone."""
    ana, bea, cy = make_user("ana"), make_user("bea", language="fr"), make_user("cy")
    services.preference_update(user=cy, delivery="digest", muted_kinds=[])
    first = remind(django_capture_on_commit_callbacks, [item(ana)], execute=False)
    context = {"headline": {"en": 'Naïve \\ "quoted"', "fr": "Échéance — « citée »"}}
    with frozen():
        claimed = remind(
            django_capture_on_commit_callbacks,
            [item(ana), item(bea, **context), item(cy), item(bea, **context)],
            execute=False,
        )
    assert len(claimed) == 2 and first[0] not in claimed
    rows = {r.recipient.username: r for r in Reminder.objects.filter(pk__in=claimed)}
    assert rows["bea"].context["headline"] == context["headline"]
    assert rows["bea"].delivery == Delivery.IMMEDIATE and rows["cy"].delivery == Delivery.DIGEST
    assert rows["bea"].claim_token == rows["cy"].claim_token is not None
    assert rows["bea"].attempts == 0 and rows["bea"].last_error == "" and not rows["bea"].sent_at
    assert rows["bea"].claimed_at == at(TODAY)
    entry = Notification.objects.get(reminder=rows["bea"])
    assert (entry.recipient, entry.kind, entry.link) == (bea, kinds.ACTION_ITEM, "/en/inbox/")
    assert (entry.text_en, entry.text_fr) == ('Naïve \\ "quoted"', "Échéance — « citée »")
    assert Notification.objects.count() == Reminder.objects.count() == 3
