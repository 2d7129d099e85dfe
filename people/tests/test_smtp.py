"""The invitation and the password-reset e-mails through a real SMTP server (aiosmtpd started
by the test): what arrives is a proper MIME message in the person's language, with an
unescaped plain-text part whose link works."""

import email
import email.policy
import re
import socket
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller
from django.test import Client
from django.urls import reverse

from people import services


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            (
                envelope.rcpt_tos,
                email.message_from_bytes(envelope.content, policy=email.policy.default),
            )
        )
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    yield inbox
    controller.stop()


def parts(message):
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return text, html


def test_a_french_invitation_arrives_and_its_link_works(
    smtp, secretariat, council, jurisdiction, run_on_commit
):
    with run_on_commit():
        person = services.person_invite(
            by=secretariat,
            first_name="Chloé",
            last_name="O'Brien & <Fils>",
            email="chloe@example.gc.ca",
            language="fr",
            jurisdiction=jurisdiction,
            role="council_member",
            council=council,
        )
    ((recipients, message),) = smtp.messages
    assert recipients == ["chloe@example.gc.ca"]
    assert message["Content-Language"] == "fr"
    assert str(message["Subject"]) == (
        "Votre invitation au portail de gouvernance des conseils mixtes"
    )
    text, html = parts(message)
    assert "Bonjour Chloé O'Brien & <Fils>," in text
    assert "O&#x27;Brien &amp; &lt;Fils&gt;" in html
    link = re.search(r"https?://\S+/fr/accounts/welcome/\S+/", text)[0]
    assert link in html
    page = Client().get(urlsplit(link).path)
    assert page.status_code == 200
    assert person.username in page.content.decode()


def test_a_password_reset_arrives_in_the_persons_language(smtp, member, run_on_commit):
    member.profile.preferred_language = "fr"
    member.profile.save()
    with run_on_commit():
        Client().post(reverse("password_reset"), {"email": member.email})
    ((recipients, message),) = smtp.messages
    assert recipients == [member.email]
    text, _html = parts(message)
    assert "/fr/accounts/reset/" in text
    assert str(message["Subject"]).startswith("Choisissez un nouveau mot de passe")


def test_a_mail_server_that_is_down_does_not_undo_the_invitation(
    smtp, settings, secretariat, run_on_commit
):
    settings.EMAIL_PORT = free_port()  # nothing listens there
    with run_on_commit():
        person = services.person_invite(
            by=secretariat,
            first_name="Ana",
            last_name="Silva",
            email="ana@example.gc.ca",
            language="en",
        )
    person.refresh_from_db()
    assert person.invitations.count() == 1  # kept: the secretariat can send it again
    assert not smtp.messages
