"""Funding notices go through the outbox: a row per recipient and an inbox entry, written in
the transaction of the change; the workers e-mail them after the commit. A web request never
talks to the mail server."""

import socket
import threading
import time
import uuid
from decimal import Decimal

import pytest
import redis
from django.core import mail
from django.db import transaction
from django.urls import reverse

from councils.tests.factories import hold_with_quorum
from funding import notices, services
from funding.models import Status
from notifications.models import Notification, Reminder
from notifications.tests.helpers import broker_at


def notices_of(kind):
    return Reminder.objects.filter(kind=kind).select_related("recipient")


def test_a_submission_writes_a_notice_per_reviewer_and_sends_nothing_itself(
    draft, group_cochair, council_cochair
):
    services.funding_request_submit(request=draft, by=group_cochair, expected_version=draft.version)
    (notice,) = notices_of(notices.SUBMITTED)
    assert notice.recipient == council_cochair and notice.sent_at is None
    assert notice.context["funding_request"]["title"]["en"] == "Digital identity pilot"
    assert notice.context["url"] == f"/en/funding/{draft.pk}/"
    entry = Notification.objects.get(reminder=notice)
    assert entry.recipient == council_cochair
    assert entry.text_en == "For your review: Digital identity pilot"
    assert entry.text_fr == "Pour votre examen\u00a0: Digital identity pilot"  # NBSP kept
    # The requesters find the new status in their inbox, without an e-mail.
    record = Notification.objects.get(kind=notices.STATUS, recipient=group_cochair)
    assert record.reminder is None and record.text_en == "Submitted: Digital identity pilot"
    assert mail.outbox == []  # nothing sent by the request itself: the workers send


def test_a_change_rolled_back_tells_nobody(draft, group_cochair):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.funding_request_submit(
            request=draft, by=group_cochair, expected_version=draft.version
        )
        raise RuntimeError("the request failed after the service")
    assert not Reminder.objects.exists() and not Notification.objects.exists()


def test_each_step_of_the_workflow_notifies_its_people(
    draft, group_cochair, council_cochair, secretariat, meeting, run_on_commit
):
    with run_on_commit():
        services.funding_request_submit(
            request=draft, by=group_cochair, expected_version=draft.version
        )
    draft.refresh_from_db()
    with run_on_commit():
        services.recommendation_record(
            request=draft,
            by=council_cochair,
            decision="return",
            comment="Say who runs the pilot.",
            expected_version=draft.version,
        )
    draft.refresh_from_db()
    with run_on_commit():
        services.funding_request_submit(
            request=draft, by=group_cochair, expected_version=draft.version
        )
    draft.refresh_from_db()
    with run_on_commit():
        services.recommendation_record(
            request=draft,
            by=council_cochair,
            decision="endorse",
            comment="",
            expected_version=draft.version,
        )
    draft.refresh_from_db()
    with run_on_commit():
        services.funding_request_schedule(
            request=draft, by=secretariat, meeting=meeting, expected_version=draft.version
        )
    draft.refresh_from_db()
    hold_with_quorum(meeting)  # held, with quorum: the members may decide
    with run_on_commit():
        services.funding_request_record_decision(
            request=draft,
            by=secretariat,
            outcome=Status.APPROVED,
            amount_approved=Decimal("20000.00"),
            expected_version=draft.version,
        )
    sent = sorted((r.kind, r.recipient.username) for r in Reminder.objects.all())
    assert sent == sorted(
        [
            (notices.SUBMITTED, council_cochair.username),
            (notices.RETURNED, group_cochair.username),
            (notices.SUBMITTED, council_cochair.username),  # the revision
            (notices.ENDORSED, group_cochair.username),
            (notices.SCHEDULED, group_cochair.username),
            (notices.DECISION, group_cochair.username),
            (notices.DECISION, council_cochair.username),
        ]
    )
    assert not Reminder.objects.filter(sent_at__isnull=True).exists()
    assert len(mail.outbox) == 7
    # Every notice is in its recipient's inbox too, and the requesters saw each submission.
    assert Notification.objects.filter(reminder__isnull=False).count() == 7
    assert Notification.objects.filter(kind=notices.STATUS, recipient=group_cochair).count() == 2
    returned = next(m for m in mail.outbox if m.subject.startswith("Returned"))
    assert "Say who runs the pilot." in returned.body
    scheduled = next(m for m in mail.outbox if m.subject.startswith("On a meeting"))
    assert str(meeting.title) in scheduled.body


def test_a_notice_says_what_was_true_when_it_was_written(
    scheduled,
    in_session,
    secretariat,
    group_cochair,
    eager_celery,
    django_capture_on_commit_callbacks,
):
    """Sent later (after retries, say), a notice still tells the change it is about."""
    services.funding_request_record_decision(
        request=scheduled,
        by=secretariat,
        outcome=Status.APPROVED,
        amount_approved=Decimal("20000.00"),
        expected_version=scheduled.version,
    )
    notice = notices_of(notices.DECISION).get(recipient=group_cochair)
    assert notice.context["funding_request"]["status_label"] == {
        "en": "Approved by the members",
        "fr": notice.context["funding_request"]["status_label"]["fr"],
    }
    assert notice.context["funding_request"]["status_label"]["fr"] != "Approved by the members"
    type(scheduled).objects.filter(pk=scheduled.pk).update(title_en="Renamed since")
    with django_capture_on_commit_callbacks(execute=True):
        from notifications.services import deliver

        assert deliver(notice.pk) is True
    (message,) = mail.outbox
    assert message.subject == "Approved by the members: Digital identity pilot"
    assert "$20,000.00" in message.body


# --- A web request never talks to the mail server --------------------------------------------


class SilentSMTP:
    """A mail server that accepts connections and never says a word (the 30 s submission)."""

    def __init__(self):
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.port = self.socket.getsockname()[1]
        self.connections = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.socket.accept()
            except OSError:
                return
            self.connections.append(conn)

    def close(self):
        self.socket.close()
        for conn in self.connections:
            conn.close()


@pytest.fixture
def silent_smtp(settings):
    server = SilentSMTP()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10
    yield server
    server.close()


@pytest.fixture
def real_broker(redis_url):
    """The test's Redis as the broker, on a queue of this test's own (emptied afterwards)."""
    queue = f"test-notices-{uuid.uuid4().hex}"
    with broker_at(redis_url, queue=queue):
        yield redis.Redis.from_url(redis_url), queue
    redis.Redis.from_url(redis_url).delete(queue)


@pytest.mark.django_db(transaction=True)
@pytest.mark.redis
def test_with_the_mail_server_silent_a_submission_is_fast_and_nothing_is_lost(
    silent_smtp, real_broker, client_for, draft, group_cochair, council_cochair, settings
):
    broker, queue = real_broker
    client = client_for(group_cochair)
    started = time.monotonic()
    response = client.post(
        reverse("funding:request_submit", args=[draft.pk]), {"version": draft.version}
    )
    elapsed = time.monotonic() - started
    assert response.status_code == 302
    # Not a speed limit (a loaded machine is slow): the request did not wait for the silent
    # server's timeout, which no connection (below) confirms.
    assert elapsed < settings.EMAIL_TIMEOUT, f"the submission took {elapsed:.1f} s"
    assert silent_smtp.connections == []  # the request never opened a connection to it
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED
    (notice,) = notices_of(notices.SUBMITTED)
    assert notice.recipient == council_cochair and notice.sent_at is None
    assert broker.llen(queue) == 1  # handed to the workers, who will send it
    page = client.get(response["Location"])
    assert "The council co-chairs will be told." in page.text
    print(f"submission with the mail server silent: {elapsed * 1000:.0f} ms")
