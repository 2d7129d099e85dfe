"""Funding e-mails against a real SMTP server (aiosmtpd, started by the test): a recipient the
server refuses, or a server that is down, never stops the other e-mails nor the write."""

import socket

import pytest
from aiosmtpd.controller import Controller

from councils.tests.factories import CouncilMembershipFactory, UserFactory
from funding import services
from funding.models import Status


class Refusing:
    """Accepts every message, but refuses the addresses in `refused`."""

    def __init__(self, refused=()):
        self.refused = set(refused)
        self.delivered = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused:
            return "550 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.delivered.extend(envelope.rcpt_tos)
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(settings):
    handler = Refusing()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 2
    yield handler, controller
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


@pytest.mark.parametrize("refused_index", [0, 1])
def test_one_refused_recipient_does_not_stop_the_others(
    smtp, two_reviewers, draft, group_cochair, run_on_commit, refused_index
):
    handler, _controller = smtp
    emails = sorted(u.email for u in two_reviewers)
    handler.refused = {emails[refused_index]}
    submit(draft, group_cochair, run_on_commit)
    assert handler.delivered == [emails[1 - refused_index]]


def test_a_mail_server_that_is_down_does_not_fail_the_submission(
    smtp, two_reviewers, draft, group_cochair, run_on_commit
):
    _handler, controller = smtp
    controller.stop()
    submit(draft, group_cochair, run_on_commit)
