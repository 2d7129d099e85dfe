"""Funding notices against a real SMTP server (aiosmtpd, started by the test) that refuses, is
down, then accepts: the change always stands, every notice is delivered exactly once in the
end, and the failures are visible to the secretariat meanwhile."""

import datetime
import email
from decimal import Decimal

import pytest
from aiosmtpd.controller import Controller
from django.urls import reverse

from councils.tests.factories import CouncilMembershipFactory, UserFactory, hold_with_quorum
from funding import notices, services
from funding.models import Status
from notifications.models import Reminder
from notifications.tasks import tick
from notifications.tests.helpers import carried, free_port, frozen


class MailServer:
    """Accepts messages, except for the addresses in `refused` or, while `refusing`, every
    address ("451 try again later", what a server short of resources answers)."""

    def __init__(self, refused=()):
        self.refused = set(refused)
        self.refusing = False
        self.attempts = 0
        self.delivered = []  # (recipient, headline): the subject, or each line listed

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.attempts += 1
        if self.refusing:
            return "451 4.3.0 Mail server busy, try again later"
        if address in self.refused:
            return "550 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content)
        # By headline: a person's messages retried together arrive as one e-mail listing them.
        self.delivered.extend(
            (rcpt, headline) for rcpt in envelope.rcpt_tos for headline in carried(message)
        )
        return "250 Message accepted"


@pytest.fixture
def smtp(settings, eager_celery):
    handler = MailServer()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    controllers = [controller]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 2
    settings.PORTAL_REMINDER_RETRY_SECONDS = 60
    yield handler, controllers
    for controller in controllers:
        if controller._thread is not None:  # not already stopped by the test
            controller.stop()


@pytest.fixture
def two_reviewers(council, council_cochair):
    other = UserFactory(username="second-cochair")
    CouncilMembershipFactory(user=other, council=council, role="co_chair")
    return [council_cochair, other]


def submit(draft, group_cochair, run_on_commit):
    with run_on_commit():
        services.funding_request_submit(
            request=draft, by=group_cochair, expected_version=draft.version
        )
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED


def run_tick(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return tick()


@pytest.mark.parametrize("refused_index", [0, 1])
def test_one_refused_recipient_does_not_stop_the_others(
    smtp, two_reviewers, draft, group_cochair, run_on_commit, refused_index
):
    handler, _controllers = smtp
    emails = sorted(u.email for u in two_reviewers)
    handler.refused = {emails[refused_index]}
    submit(draft, group_cochair, run_on_commit)
    assert [to for to, _subject in handler.delivered] == [emails[1 - refused_index]]
    refused = Reminder.objects.get(recipient__email=emails[refused_index])
    assert refused.sent_at is None
    assert refused.last_error == (
        f"SMTPRecipientsRefused: 550 No such mailbox ({emails[refused_index]})"
    )


def test_a_mail_server_that_is_down_does_not_fail_the_submission_nor_lose_it(
    smtp, two_reviewers, draft, group_cochair, run_on_commit, django_capture_on_commit_callbacks
):
    handler, controllers = smtp
    controllers[0].stop()
    with frozen() as clock:
        submit(draft, group_cochair, run_on_commit)
        waiting = Reminder.objects.filter(kind=notices.SUBMITTED)
        assert waiting.count() == 2 and not waiting.filter(sent_at__isnull=False).exists()
        assert all("ConnectionRefusedError" in r.last_error for r in waiting)
        back = Controller(handler, hostname="127.0.0.1", port=controllers[0].port)
        back.start()  # back, on the same port
        controllers.append(back)
        clock.shift(datetime.timedelta(minutes=1))
        run_tick(django_capture_on_commit_callbacks)
    assert sorted(to for to, _ in handler.delivered) == sorted(u.email for u in two_reviewers)


def test_refused_then_accepted_every_notice_is_delivered_once_and_failures_show_meanwhile(
    smtp,
    two_reviewers,
    draft,
    group_cochair,
    secretariat,
    meeting,
    run_on_commit,
    client_for,
    django_capture_on_commit_callbacks,
):
    handler, _controllers = smtp
    handler.refusing = True
    with frozen() as clock:
        # The whole workflow while the mail server refuses: every change stands.
        submit(draft, group_cochair, run_on_commit)
        with run_on_commit():
            services.recommendation_record(
                request=draft,
                by=two_reviewers[0],
                decision="endorse",
                comment="",
                expected_version=draft.version,
            )
        draft.refresh_from_db()
        assert draft.status == Status.ENDORSED
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
        draft.refresh_from_db()
        assert draft.status == Status.APPROVED
        expected = {
            (r.recipient.email, r.notification.text_en)
            for r in Reminder.objects.select_related("recipient", "notification")
        }
        # submitted x2, endorsed, scheduled, decision to the requester and both co-chairs
        assert len(expected) == 7 and handler.delivered == []
        assert not Reminder.objects.filter(attempts=0).exists()

        # Meanwhile the secretariat sees what waits, and why.
        page = client_for(secretariat).get(reverse("notifications:reminder_log"))
        assert "7 are waiting for another attempt." in page.text
        assert "451 4.3.0 Mail server busy, try again later (second-cochair@" in page.text

        clock.shift(datetime.timedelta(minutes=1))
        assert run_tick(django_capture_on_commit_callbacks)["messages"] == 7  # refused again
        assert set(Reminder.objects.values_list("attempts", flat=True)) == {2}

        handler.refusing = False  # the mail server is back
        clock.shift(datetime.timedelta(minutes=2))
        assert run_tick(django_capture_on_commit_callbacks)["messages"] == 7
        for _ in range(30):  # later ticks find nothing left to send
            clock.shift(datetime.timedelta(minutes=2))
            assert run_tick(django_capture_on_commit_callbacks)["messages"] == 0
    assert sorted(handler.delivered) == sorted(expected)  # each once, none missing
    assert not Reminder.objects.filter(sent_at__isnull=True).exists()


def test_a_notice_that_failed_for_good_is_listed_and_sent_again_once(
    smtp,
    two_reviewers,
    draft,
    group_cochair,
    secretariat,
    run_on_commit,
    client_for,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.PORTAL_REMINDER_MAX_ATTEMPTS = 2
    handler, _controllers = smtp
    handler.refusing = True
    with frozen() as clock:
        submit(draft, group_cochair, run_on_commit)
        clock.shift(datetime.timedelta(minutes=1))
        run_tick(django_capture_on_commit_callbacks)
        for _ in range(20):
            clock.shift(datetime.timedelta(minutes=5))
            run_tick(django_capture_on_commit_callbacks)
    assert handler.attempts == 4  # two notices, two attempts each, then no more
    failed = Reminder.objects.filter(failed_at__isnull=False)
    assert failed.count() == 2
    client = client_for(secretariat)
    page = client.get(reverse("notifications:failed_messages"))
    assert page.text.count("Send again") == 2 and "451 4.3.0 Mail server busy" in page.text
    assert "For your review: Digital identity pilot" in page.text

    handler.refusing = False
    for reminder in failed:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("notifications:resend", args=[reminder.pk]))
        assert response.status_code == 302
    assert sorted(to for to, _ in handler.delivered) == sorted(u.email for u in two_reviewers)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("notifications:resend", args=[failed[0].pk]))  # a double click
    assert len(handler.delivered) == 2
    assert (
        "No message has failed for good."
        in client.get(reverse("notifications:failed_messages")).text
    )
