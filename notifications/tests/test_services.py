"""The notifications service: claim once, send once, retry failures, never lose a reminder."""

import datetime
import smtplib
from unittest import mock

import pytest
from celery.exceptions import Retry
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


def test_a_failed_send_is_recorded_and_retried_until_it_goes_out(
    person, django_capture_on_commit_callbacks
):
    remind(django_capture_on_commit_callbacks, [item(person)], execute=False)
    pk = Reminder.objects.get().pk
    real = EmailBackend.send_messages
    calls = []

    def flaky(backend, messages):
        calls.append(1)
        if len(calls) < 3:
            raise smtplib.SMTPServerDisconnected("connection unexpectedly closed")
        return real(backend, messages)

    with mock.patch.object(EmailBackend, "send_messages", flaky):
        # Each failure asks Celery to run the task again later (what a worker then does).
        for _ in range(2):
            with pytest.raises(Retry) as retry:
                send_reminder.apply(args=[pk])
            assert isinstance(retry.value.exc, smtplib.SMTPServerDisconnected)
            assert 0 <= retry.value.when <= 3600
        assert send_reminder.apply(args=[pk]).get() is True
        assert send_reminder.apply(args=[pk]).get() is False  # a late duplicate of the retry
    reminder = Reminder.objects.get()
    assert reminder.attempts == 3 and reminder.sent_at is not None and reminder.last_error == ""
    assert len(mail.outbox) == 1


def test_a_failure_is_kept_on_the_row(person, django_capture_on_commit_callbacks):
    remind(django_capture_on_commit_callbacks, [item(person)], execute=False)
    pk = Reminder.objects.get().pk
    with (
        mock.patch.object(EmailBackend, "send_messages", side_effect=ConnectionRefusedError(111)),
        pytest.raises(ConnectionRefusedError),
    ):
        services.deliver(pk)
    reminder = Reminder.objects.get()
    assert reminder.sent_at is None and reminder.attempts == 1
    assert "ConnectionRefusedError" in reminder.last_error


def test_send_task_retries_mail_errors_with_exponential_back_off():
    assert send_reminder.acks_late is True
    assert smtplib.SMTPException in send_reminder.autoretry_for
    assert OSError in send_reminder.autoretry_for
    assert send_reminder.retry_backoff and send_reminder.max_retries >= 5


def test_a_crash_between_claim_and_send_is_caught_by_the_stale_sweep(
    person, django_capture_on_commit_callbacks
):
    with frozen() as clock:
        # The sweep claimed, then the worker died before the send task was published.
        remind(django_capture_on_commit_callbacks, [item(person)], execute=False)
        assert services.resend_stale() == []  # too fresh: its send task may still be coming
        clock.shift(datetime.timedelta(minutes=11))
        assert len(services.resend_stale()) == 1
        assert services.resend_stale() == []
    assert len(mail.outbox) == 1
    assert Reminder.objects.get().sent_at is not None


def test_the_stale_sweep_gives_up_after_the_maximum_attempts(person, settings):
    services.remind([item(person)])
    Reminder.objects.update(attempts=settings.PORTAL_REMINDER_MAX_ATTEMPTS)
    with frozen(TODAY + datetime.timedelta(days=1)):
        assert services.resend_stale() == []


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
    assert services.resend_stale() == []


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


def test_a_mail_error_in_a_batch_retries_that_reminder_alone_with_back_off(
    db, django_capture_on_commit_callbacks
):
    people = [make_user(f"p{i}") for i in range(3)]
    claimed = remind(django_capture_on_commit_callbacks, [item(p) for p in people], execute=False)
    real = EmailBackend.send_messages

    def refuse_p1(backend, messages):
        if messages[0].to == ["p1@example.gc.ca"]:
            raise smtplib.SMTPServerDisconnected("connection unexpectedly closed")
        return real(backend, messages)

    with (
        mock.patch.object(EmailBackend, "send_messages", refuse_p1),
        mock.patch.object(send_reminder, "apply_async") as retry_alone,
    ):
        assert send_reminders.apply(args=[claimed]).get() == 2
    failed = Reminder.objects.get(recipient=people[1])
    assert failed.sent_at is None and failed.attempts == 1
    assert "SMTPServerDisconnected" in failed.last_error
    # Handed on as send_reminder's first retry: its back-off, its count of attempts.
    (call,) = retry_alone.call_args_list
    assert call.args == ((failed.pk,),)
    assert call.kwargs["retries"] == 1 and 0 <= call.kwargs["countdown"] <= 30
    assert send_reminder.apply(args=[failed.pk], retries=1).get() is True
    failed.refresh_from_db()
    assert failed.sent_at is not None and failed.attempts == 2
    assert sorted(m.to[0] for m in mail.outbox) == [p.email for p in people]


def test_a_broken_reminder_does_not_hold_up_the_rest_of_its_batch(
    db, django_capture_on_commit_callbacks
):
    people = [make_user(f"p{i}") for i in range(3)]
    claimed = remind(django_capture_on_commit_callbacks, [item(p) for p in people], execute=False)
    real = services._send

    def broken_p0(reminder):
        if reminder.recipient_id == people[0].pk:
            raise ValueError("a bug in a template")
        return real(reminder)

    with mock.patch.object(services, "_send", broken_p0), pytest.raises(ValueError):
        send_reminders.apply(args=[claimed]).get()
    assert sorted(m.to[0] for m in mail.outbox) == [people[1].email, people[2].email]
    broken = Reminder.objects.get(recipient=people[0])
    assert broken.sent_at is None and "ValueError" in broken.last_error


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
