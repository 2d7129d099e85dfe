"""The people e-mails (invitations, password resets) go through the portal's one outbox, against
a real SMTP server (aiosmtpd) and real PostgreSQL: a web request writes a row and never talks
to the mail server; the worker mints the single-use link at send time, so no row anywhere in
the database holds it; a retry mints a new link and the earlier one stops working; a message
that failed for good is listed for the secretariat, without its link, and can be sent again."""

import email
import email.policy
import re
import time
import uuid
from contextlib import contextmanager
from urllib.parse import urlsplit

import pytest
import redis
from aiosmtpd.controller import Controller
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from config.celery_app import app as celery_app
from funding.tests.test_notices import SilentSMTP
from notifications.models import Notification, Reminder
from notifications.services import deliver
from notifications.tasks import tick
from notifications.tests.helpers import broker_at, free_port
from people import mail, services
from people.models import Invitation

INVITATION_LINK = re.compile(r"https?://\S+(?P<path>/\w\w/accounts/welcome/(?P<token>[\w-]+)/)")
RESET_LINK = re.compile(
    r"https?://\S+(?P<path>/\w\w/accounts/reset/(?P<uid>[\w-]+)/(?P<token>[\w-]+)/)"
)


class MailServer:
    """Accepts every message; while `refusing`, answers 451 to each recipient; while
    `fail_after_data`, keeps the message but answers 451 to its end (a server that stored it,
    then timed out: the sender cannot know it arrived)."""

    def __init__(self):
        self.messages = []
        self.refusing = False
        self.fail_after_data = False

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refusing:
            return "451 4.3.0 Mail server busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        if self.fail_after_data:
            return "451 4.4.2 Timeout after the data"
        return "250 Message accepted"


@contextmanager
def mail_server_at(settings, port=None):
    handler = MailServer()
    controller = Controller(handler, hostname="127.0.0.1", port=port or free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    try:
        yield handler
    finally:
        controller.stop()


@pytest.fixture
def smtp(settings):
    with mail_server_at(settings) as handler:
        yield handler


@contextmanager
def worker():
    """What the Celery worker does, in the test: tasks handed over run at once."""
    conf = celery_app.conf
    before = conf.task_always_eager, conf.task_eager_propagates
    conf.task_always_eager, conf.task_eager_propagates = True, True
    try:
        yield
    finally:
        conf.task_always_eager, conf.task_eager_propagates = before


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def invitation_link(message):
    return INVITATION_LINK.search(text_of(message))


def every_row_as_text() -> str:
    """Every row of every table of the database, as PostgreSQL prints it (a dump, in SQL)."""
    rows = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            table = connection.ops.quote_name(table)  # a name from the catalogue
            cursor.execute(f"SELECT CAST(t AS text) FROM {table} t")  # noqa: S608
            rows += [row[0] for row in cursor.fetchall()]
    return "\n".join(rows)


def invite_data(**overrides):
    return {
        "first_name": "Priya",
        "last_name": "Natarajan",
        "email": "priya.natarajan@example.gc.ca",
        "language": "fr",
        "role": "",
        **overrides,
    }


# --- The request never talks to the mail server; the tick delivers each e-mail once ---------


@pytest.fixture
def eager_celery(request):
    """Overrides people/tests/conftest.py: with a real broker (the tests marked `redis`) the
    requests hand their messages to it, as in production, and a worker runs only when the
    test says; the other tests run what is handed over at once."""
    if request.node.get_closest_marker("redis"):
        yield
        return
    with worker():
        yield


@pytest.fixture
def real_broker(redis_url):
    queue = f"test-people-{uuid.uuid4().hex}"
    with broker_at(redis_url, queue=queue):
        yield redis.Redis.from_url(redis_url), queue
    redis.Redis.from_url(redis_url).delete(queue)


@pytest.mark.django_db(transaction=True)
@pytest.mark.redis
def test_with_the_mail_server_silent_inviting_and_resetting_are_fast_and_nothing_is_lost(
    settings, real_broker, client_for, secretariat, member
):
    broker, queue = real_broker
    silent = SilentSMTP()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", silent.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10
    try:
        client = client_for(secretariat)
        assert client.get(reverse("people:person_invite")).status_code == 200  # warmed up
        assert Client().get(reverse("password_reset")).status_code == 200
        started = time.perf_counter()
        response = client.post(reverse("people:person_invite"), invite_data())
        invite_seconds = time.perf_counter() - started
        assert response.status_code == 302, response.content
        started = time.perf_counter()
        reset = Client().post(reverse("password_reset"), {"email": member.email})
        reset_seconds = time.perf_counter() - started
        nobody = Client().post(reverse("password_reset"), {"email": "nobody@example.gc.ca"})
        assert silent.connections == []  # no request opened a connection to the mail server
    finally:
        silent.close()
    # Not a speed limit (a loaded machine is slow): neither waited for the silent server's
    # 10 s timeout, which no connection (above) confirms.
    assert invite_seconds < settings.EMAIL_TIMEOUT, f"the invitation took {invite_seconds:.1f} s"
    assert reset_seconds < settings.EMAIL_TIMEOUT, f"the reset request took {reset_seconds:.1f} s"
    # Same answer whether or not the address is someone's.
    assert (reset.status_code, reset["Location"]) == (nobody.status_code, nobody["Location"])
    print(
        f"with the mail server silent: invite {invite_seconds * 1000:.0f} ms, "
        f"reset request {reset_seconds * 1000:.0f} ms"
    )

    person = Invitation.objects.get().person
    queued = Reminder.objects.filter(sent_at=None).order_by("kind")
    assert [(r.kind, r.recipient_id) for r in queued] == [
        (mail.INVITATION, person.pk),
        (mail.PASSWORD_RESET, member.pk),
    ]
    assert queued[0].context == {"language": "fr"}
    assert broker.llen(queue) == 2  # handed to the workers
    assert not Notification.objects.exists()  # account e-mails have no inbox entry
    assert Invitation.objects.get().token_hash is None  # no link exists yet

    # The mail server is back; the catch-up tick hands the rows over (the messages in the
    # broker were lost: the lease is shortened to find them at once) and a worker sends them.
    settings.PORTAL_REMINDER_STALE_MINUTES = 0
    with mail_server_at(settings) as smtp, worker():
        assert tick()["messages"] == 2
        assert tick()["messages"] == 0  # nothing left: each e-mail once
        for row in queued:
            assert deliver(row.pk) is False  # the broker's copy, redelivered: sends nothing
    invitation_email, reset_email = sorted(smtp.messages, key=lambda m: m["To"] != person.email)
    assert len(smtp.messages) == 2
    assert invitation_email["To"] == person.email
    assert invitation_email["Content-Language"] == "fr"
    assert reset_email["To"] == member.email
    invitation = invitation_link(invitation_email)
    reset_link = RESET_LINK.search(text_of(reset_email))
    assert invitation["path"] in html_of(invitation_email)

    # No row anywhere holds either secret: only the invitation token's hash is stored.
    dump = every_row_as_text()
    assert person.email in dump  # the dump is of this test's data
    assert invitation["token"] not in dump
    assert reset_link["token"] not in dump
    assert not Reminder.objects.filter(sent_at=None).exists()

    # Both links work.
    page = Client().get(invitation["path"])
    assert page.status_code == 200 and person.username in page.text
    page = Client().get(reset_link["path"], follow=True)
    assert page.status_code == 200 and 'name="new_password1"' in page.text


# --- A retry mints a new link; the earlier one is refused -------------------------------------


def test_a_retry_mints_a_new_link_and_the_earlier_one_stops_working(
    smtp, settings, secretariat, django_capture_on_commit_callbacks
):
    settings.PORTAL_REMINDER_RETRY_SECONDS = 1
    # The server keeps the first e-mail but answers 451: the sender records a failure.
    smtp.fail_after_data = True
    with django_capture_on_commit_callbacks(execute=True):
        person = services.person_invite(
            by=secretariat,
            first_name="Ana",
            last_name="Silva",
            email="ana@example.gc.ca",
            language="en",
        )
    row = Reminder.objects.get(kind=mail.INVITATION)
    assert row.sent_at is None and row.attempts == 1 and "451 4.4.2" in row.last_error
    (first,) = smtp.messages
    first_path = invitation_link(first)["path"]
    assert Client().get(first_path).status_code == 200  # it did arrive, and works meanwhile

    smtp.fail_after_data = False
    time.sleep(1.1)  # its next attempt is due
    with django_capture_on_commit_callbacks(execute=True):
        assert tick()["messages"] == 1
    _first_again, second = smtp.messages
    second_path = invitation_link(second)["path"]
    assert second_path != first_path
    assert Client().get(first_path).status_code == 404  # the earlier link is refused
    assert Client().get(second_path).status_code == 200
    row.refresh_from_db()
    assert row.sent_at is not None and row.attempts == 2
    assert person.invitations.count() == 1  # the same invitation, its link renewed


class WorkerLost(Exception):
    """The worker died after the mail server accepted the e-mail, before its commit."""


def test_a_worker_lost_after_sending_means_a_second_email_whose_link_is_the_one_that_works(
    smtp, settings, secretariat, django_capture_on_commit_callbacks
):
    person = services.person_invite(  # the on-commit hand-over is not run: no worker yet
        by=secretariat,
        first_name="Ana",
        last_name="Silva",
        email="ana@example.gc.ca",
        language="en",
    )
    row = Reminder.objects.get(kind=mail.INVITATION)
    with pytest.raises(WorkerLost), transaction.atomic():
        assert deliver(row.pk) is True
        raise WorkerLost  # nothing of the send's transaction is committed
    (lost,) = smtp.messages
    row.refresh_from_db()
    assert row.sent_at is None
    # That e-mail's link never worked (its hash was never committed) ...
    assert Client().get(invitation_link(lost)["path"]).status_code == 404
    # ... and the catch-up tick sends a new one, which does.
    settings.PORTAL_REMINDER_STALE_MINUTES = 0
    with django_capture_on_commit_callbacks(execute=True):
        assert tick()["messages"] == 1
    _lost, resent = smtp.messages
    assert Client().get(invitation_link(resent)["path"]).status_code == 200
    assert person.invitations.get().token_hash is not None


def test_an_invitation_replaced_before_it_was_sent_is_not_sent(
    smtp, settings, secretariat, django_capture_on_commit_callbacks
):
    person = services.person_invite(
        by=secretariat,
        first_name="Ana",
        last_name="Silva",
        email="ana@example.gc.ca",
        language="en",
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_resend(person=person, by=secretariat)
    settings.PORTAL_REMINDER_STALE_MINUTES = 0
    with django_capture_on_commit_callbacks(execute=True):
        tick()
    assert len(smtp.messages) == 1  # only the newer invitation's link was e-mailed
    first, second = Reminder.objects.filter(kind=mail.INVITATION).order_by("pk")
    assert first.sent_at and first.last_error == "Not sent: the invitation is replaced."
    assert second.sent_at and second.last_error == ""


# --- Failed for good: listed without its link, sent again once ------------------------------


def test_account_emails_that_failed_for_good_are_listed_without_their_link_and_sent_again(
    smtp, settings, secretariat, member, client_for, django_capture_on_commit_callbacks
):
    settings.PORTAL_REMINDER_MAX_ATTEMPTS = 1
    smtp.refusing = True
    with django_capture_on_commit_callbacks(execute=True):
        person = services.person_invite(
            by=secretariat,
            first_name="Ana",
            last_name="Silva",
            email="ana@example.gc.ca",
            language="en",
        )
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(reverse("password_reset"), {"email": member.email})
    failed = Reminder.objects.filter(failed_at__isnull=False).order_by("pk")
    assert [r.kind for r in failed] == [mail.INVITATION, mail.PASSWORD_RESET]
    client = client_for(secretariat)
    page = client.get(reverse("notifications:failed_messages")).text
    assert "Invitation to the portal" in page and "New password link" in page
    assert "Ana Silva" in page and "451 4.3.0 Mail server busy" in page
    assert "/accounts/welcome/" not in page and "/accounts/reset/" not in page
    assert page.count("Send again") == 2

    smtp.refusing = False
    for row in failed:
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(reverse("notifications:resend", args=[row.pk])).status_code == 302
    invitation_email, reset_email = smtp.messages
    assert invitation_email["To"] == person.email and reset_email["To"] == member.email
    assert Client().get(invitation_link(invitation_email)["path"]).status_code == 200
    reset_path = RESET_LINK.search(text_of(reset_email))["path"]
    assert urlsplit(reset_path).path.startswith("/en/accounts/reset/")
    assert Client().get(reset_path, follow=True).status_code == 200
    assert (
        "No message has failed for good."
        in client.get(reverse("notifications:failed_messages")).text
    )
