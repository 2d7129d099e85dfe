"""A send task's batch goes out as one: its rows read at once, one mail-server connection,
the sent rows marked together; a failure still counts on its own row only (issue 17)."""

import datetime
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends import locmem
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse, translate_url
from django.utils import translation

from notifications import kinds, services
from notifications.models import Reminder
from notifications.tasks import send_reminders
from notifications.tests.helpers import TODAY, carried, make_user


class CountingBackend(locmem.EmailBackend):
    """The test outbox, counting the connections opened; refuses the addresses in `refuse`
    as a mail server that drops the connection would."""

    opened = 0
    refuse: set = set()

    def open(self):
        CountingBackend.opened += 1
        self.is_open = True
        return True

    def close(self):
        self.is_open = False

    def send_messages(self, messages):
        assert getattr(self, "is_open", False), "sent on a closed connection"
        if messages[0].to[0] in self.refuse:
            raise smtplib.SMTPServerDisconnected("connection unexpectedly closed")
        return super().send_messages(messages)


@pytest.fixture
def counting(settings):
    settings.EMAIL_BACKEND = f"{__name__}.CountingBackend"
    CountingBackend.opened = 0
    CountingBackend.refuse = set()
    return CountingBackend


def claim(people, monkeypatch):
    """Claimed and not yet handed to a worker: the test plays the worker."""
    monkeypatch.setattr(services, "enqueue", lambda ids: 0)
    headline = {"headline": {"en": "Hello", "fr": "Bonjour"}, "url": "/en/inbox/"}
    return services.remind(
        [services.Due(p.pk, kinds.ACTION_ITEM, "x:1", TODAY, headline) for p in people]
    )


def test_a_batch_is_sent_on_one_connection(db, counting, monkeypatch):
    people = [make_user(f"p{i}", language="fr" if i % 2 else "en") for i in range(4)]
    ids = claim(people, monkeypatch)
    assert send_reminders.run(ids) == 4
    assert counting.opened == 1
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
    # Each in its reader's language, the profiles read with the rows.
    languages = {m.to[0]: m.extra_headers["Content-Language"] for m in mail.outbox}
    assert languages == {p.email: "fr" if i % 2 else "en" for i, p in enumerate(people)}
    assert not Reminder.objects.filter(sent_at__isnull=True).exists()
    assert set(Reminder.objects.values_list("attempts", flat=True)) == {1}


def test_a_batch_costs_the_same_queries_whatever_its_size(db, counting, monkeypatch):
    small = claim([make_user(f"s{i}") for i in range(2)], monkeypatch)
    with CaptureQueriesContext(connection) as few:
        send_reminders.run(small)
    big = claim([make_user(f"b{i}", language="fr") for i in range(12)], monkeypatch)
    with CaptureQueriesContext(connection) as many:
        send_reminders.run(big)
    # The savepoint and its release, the rows, their recipients (once per person), the update.
    assert len(many.captured_queries) == len(few.captured_queries) <= 5
    assert len(mail.outbox) == 14


def test_a_dropped_connection_fails_its_message_only_and_the_next_gets_a_new_one(
    db, counting, monkeypatch
):
    people = [make_user(f"p{i}") for i in range(3)]
    ids = claim(people, monkeypatch)
    counting.refuse = {people[1].email}
    assert send_reminders.run(ids) == 2
    assert counting.opened == 2  # opened again after the failure
    assert sorted(m.to[0] for m in mail.outbox) == [people[0].email, people[2].email]
    failed = Reminder.objects.get(recipient=people[1])
    assert failed.sent_at is None and failed.attempts == 1 and failed.next_attempt_at
    assert "SMTPServerDisconnected" in failed.last_error
    assert Reminder.objects.filter(sent_at__isnull=False).count() == 2
    # The same batch again (a redelivery): only the failed one is left, and not yet due.
    assert send_reminders.run(ids) == 0


def test_a_batch_with_nothing_to_send_opens_no_connection(db, counting, monkeypatch):
    ids = claim([make_user("p0")], monkeypatch)
    assert send_reminders.run(ids) == 1
    assert send_reminders.run(ids) == 0
    assert counting.opened == 1


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_stored_path_in_another_language_is_what_django_translates_it_to(db, language):
    with translation.override("en"):
        paths = [
            reverse("notifications:inbox"),
            reverse("notifications:preferences"),
            reverse("funding:request_detail", args=[12]),
            reverse("workinggroups:group_detail", args=["youth-pilot"]),
        ]
    for path in paths:
        assert services.localized_url(path, language) == translate_url(path, language)


def claim_several(person, headlines, monkeypatch, *, kind=kinds.ACTION_ITEM):
    """Reminders about different things for one person, claimed in one sweep."""
    monkeypatch.setattr(services, "enqueue", lambda ids: 0)
    return services.remind(
        [
            services.Due(
                person.pk,
                kind,
                f"x:{i}",
                TODAY + datetime.timedelta(days=len(headlines) - i),
                {"headline": {"en": en, "fr": fr}, "url": f"/en/councils/action-items/{i}/"},
            )
            for i, (en, fr) in enumerate(headlines)
        ]
    )


def test_a_persons_reminders_of_a_batch_go_out_as_one_email_in_their_language(
    db, counting, monkeypatch
):
    chair = make_user("chair", language="fr")
    other = make_user("other")
    ids = claim_several(
        chair, [("First", "Premier"), ("Second", "Deuxième"), ("Third", "Troisième")], monkeypatch
    )
    ids += claim_several(other, [("Alone", "Seul")], monkeypatch)
    assert send_reminders.run(ids) == 4
    by_person = {m.to[0]: m for m in mail.outbox}
    assert len(mail.outbox) == 2 and counting.opened == 1
    together = by_person[chair.email]
    assert together.extra_headers[services.CARRIES_HEADER] == "3"
    assert together.extra_headers["Content-Language"] == "fr"
    assert together.subject == "3 rappels du portail des conseils"
    # Soonest due first, each with its link in the reader's language.
    assert carried(together) == ["Troisième", "Deuxième", "Premier"]
    assert "/fr/councils/action-items/2/" in together.body
    with translation.override("fr"):
        assert reverse("notifications:inbox") in together.body
    html = together.alternatives[0][0]
    assert html.count("<li>") == 3 and 'lang="fr"' in html
    # One reminder is the e-mail it always was: its headline as the subject.
    assert services.CARRIES_HEADER not in by_person[other.email].extra_headers
    assert by_person[other.email].subject == "Alone"
    assert not Reminder.objects.filter(sent_at__isnull=True).exists()
    assert set(Reminder.objects.values_list("attempts", flat=True)) == {1}


def test_a_sweeps_reminders_are_handed_to_the_workers_by_person(
    db, monkeypatch, settings, django_capture_on_commit_callbacks
):
    settings.PORTAL_REMINDER_SEND_BATCH_SIZE = 3
    people = [make_user(f"p{i}") for i in range(3)]
    handed = []
    monkeypatch.setattr(services, "enqueue", lambda ids: handed.append(list(ids)) or 0)
    # Interleaved as a sweep finds them: one thing at a time, each for every person.
    with django_capture_on_commit_callbacks(execute=True):
        services.remind(
            [
                services.Due(p.pk, kinds.ACTION_ITEM, f"x:{i}", TODAY, {"headline": {"en": "H"}})
                for i in range(3)
                for p in people
            ]
        )
    recipients = dict(Reminder.objects.values_list("pk", "recipient_id"))
    order = [recipients[pk] for pk in handed[0]]
    assert order == sorted(order)  # each person's three in a row: one e-mail each
    assert send_reminders.run(handed[0][:3]) == 3
    assert len(mail.outbox) == 1


def test_a_refused_email_fails_every_reminder_it_carried_and_no_other(db, counting, monkeypatch):
    chair, other = make_user("chair"), make_user("other")
    ids = claim_several(chair, [("A", "A"), ("B", "B")], monkeypatch)
    ids += claim_several(other, [("C", "C")], monkeypatch)
    counting.refuse = {chair.email}
    assert send_reminders.run(ids) == 1
    failed = Reminder.objects.filter(recipient=chair)
    assert failed.count() == 2
    assert all(r.sent_at is None and r.attempts == 1 and r.next_attempt_at for r in failed)
    assert Reminder.objects.get(recipient=other).sent_at is not None


def test_an_email_made_at_send_time_is_never_combined(db, counting, monkeypatch):
    """A kind whose `prepare` mints something per message (a single-use link) goes alone."""
    prepared = kinds.ReminderKind("test_prepared", "Prepared", prepare=lambda reminder: {})
    monkeypatch.setitem(kinds._REGISTRY, prepared.code, prepared)
    chair = make_user("chair")
    ids = claim_several(chair, [("A", "A"), ("B", "B")], monkeypatch, kind=prepared.code)
    assert send_reminders.run(ids) == 2
    assert len(mail.outbox) == 2
    assert all(services.CARRIES_HEADER not in m.extra_headers for m in mail.outbox)


def test_a_reminder_that_cannot_be_listed_fails_alone(db, counting, monkeypatch):
    chair = make_user("chair")
    ids = claim_several(chair, [("Good", "Bon"), ("Bad", "Mauvais"), ("Fine", "Bien")], monkeypatch)
    bad = Reminder.objects.get(notification__text_en="Bad")
    real = services._entry

    def entry(reminder, language):
        if reminder.pk == bad.pk:
            raise ValueError("a context that cannot be read")
        return real(reminder, language)

    monkeypatch.setattr(services, "_entry", entry)
    assert send_reminders.run(ids) == 2
    assert len(mail.outbox) == 1 and carried(mail.outbox[0]) == ["Fine", "Good"]
    bad.refresh_from_db()
    assert bad.sent_at is None and bad.attempts == 1 and "ValueError" in bad.last_error
    assert Reminder.objects.filter(sent_at__isnull=False).count() == 2
