"""The secretariat (in French) invites a new person; the invitee opens the link from the
e-mail a real SMTP server received, chooses a password and signs in (in English). Axe runs on
every page, and on the public pages around them (forgot my password, a dead link)."""

import email
import email.policy
import re
import socket
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller

from tests.browser import assert_accessible as axe_finds_nothing
from tests.browser import follow, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Trust-framework-pilot-2026"  # noqa: S105 - a test password


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 Message accepted"


@pytest.fixture
def smtp(settings):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield inbox
    controller.stop()


def assert_accessible(page):
    page.wait_for_load_state("networkidle")
    axe_finds_nothing(page)


def test_the_secretariat_invites_and_the_invitee_signs_in(
    live_server, page, browser, demo_world, smtp, settings
):
    from django.contrib.auth import get_user_model

    from councils.models import Council, CouncilMembership

    settings.PORTAL_BASE_URL = live_server.url
    pssdc = Council.objects.get(code="pssdc")

    # 1. The secretariat, in French, finds the People area from the menu and invites.
    sign_in(page, live_server.url, "secretariat", language="fr")
    menu = page.get_by_role("navigation", name="Menu principal")
    follow(page, menu.get_by_role("link", name="Personnes"))
    assert page.get_by_role("heading", level=1).inner_text() == "Personnes"
    assert_accessible(page)
    follow(page, page.get_by_role("link", name="Inviter une personne"))
    assert_accessible(page)
    page.get_by_label("Prénom").fill("Priya")
    page.get_by_label("Nom de famille").fill("Natarajan")
    page.get_by_label("Adresse courriel").fill("priya.natarajan@example.gc.ca")
    page.get_by_label("Administration", exact=True).select_option(label="Nouveau-Brunswick")
    page.get_by_label("Titre (anglais)").fill("Director of digital services")
    page.get_by_label("anglais", exact=True).check()
    page.get_by_label("Premier rôle", exact=True).select_option("council_member")
    page.get_by_label("Conseil", exact=True).select_option(str(pssdc.pk))
    follow(page, page.get_by_role("button", name="Envoyer l’invitation"))
    assert "Priya Natarajan" in page.get_by_role("heading", level=1).inner_text()
    assert "priya.natarajan@example.gc.ca" in page.locator(".messages").inner_text()
    assert_accessible(page)

    person = get_user_model().objects.get(email="priya.natarajan@example.gc.ca")
    assert CouncilMembership.objects.filter(user=person, council=pssdc, role="member").exists()

    # 2. The request only queued the e-mail (the outbox): a worker sends it, minting the link
    # then. Here the test does the worker's part for the row the request wrote.
    from notifications.models import Reminder
    from notifications.services import deliver
    from people.mail import INVITATION

    assert smtp.messages == []
    (queued,) = Reminder.objects.filter(recipient=person, kind=INVITATION, sent_at=None)
    assert deliver(queued.pk)

    # The e-mail the SMTP server received, in the invitee's language (English).
    (message,) = smtp.messages
    assert message["To"] == "priya.natarajan@example.gc.ca"
    assert message["Content-Language"] == "en"
    text = message.get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"http://\S+/en/accounts/welcome/\S+/", text)[0]
    assert link.startswith(live_server.url)

    invitee = browser.new_context().new_page()
    invitee.goto(link)
    assert invitee.get_by_role("heading", level=1).inner_text() == "Choose your password"
    assert_accessible(invitee)
    invitee.locator("#id_new_password1").fill(PASSWORD)
    invitee.locator("#id_new_password2").fill(PASSWORD)
    follow(invitee, invitee.get_by_role("button", name="Set my password"))
    assert urlsplit(invitee.url).path == "/en/accounts/login/"
    assert invitee.get_by_label("Username").input_value() == person.username
    assert_accessible(invitee)
    invitee.get_by_label("Password").fill(PASSWORD)
    follow(invitee, invitee.get_by_role("button", name="Sign in"))
    assert urlsplit(invitee.url).path == "/en/"
    assert "Priya Natarajan" in invitee.locator("header").inner_text()
    assert_accessible(invitee)

    # The link is spent: opening it again says so, and offers to sign in.
    used = browser.new_context().new_page()
    used.goto(link)
    assert "already been used" in used.locator("#invitation-refusal").inner_text()
    assert_accessible(used)

    # The secretariat's person page now says the person joined.
    page.reload()
    assert "Mot de passe choisi, accès ouvert" in page.locator("main").inner_text()
    assert_accessible(page)


def test_the_public_pages_around_sign_in_are_accessible(live_server, page, demo_world):
    page.goto(f"{live_server.url}/fr/accounts/login/")
    follow(page, page.get_by_role("link", name="Mot de passe oublié\u00a0?"))
    assert_accessible(page)
    page.get_by_label("Adresse courriel").fill("nobody@example.gc.ca")
    follow(page, page.get_by_role("button", name="M’envoyer un lien"))
    assert page.get_by_role("heading", level=1).inner_text() == "Consultez vos courriels"
    assert_accessible(page)
    page.goto(f"{live_server.url}/en/accounts/welcome/not-a-real-link/")
    assert "This link is not valid." in page.locator("#invitation-refusal").inner_text()
    assert_accessible(page)
    page.goto(f"{live_server.url}/en/accounts/reset/MQ/not-a-token/")
    assert_accessible(page)
