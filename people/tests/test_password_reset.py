"""Forgot your password: Django's views, the same answer whether or not the address is
someone's, a link in the person's language, and a throttle counted in the database."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

from councils.tests.factories import UserFactory
from people.models import PasswordResetAttempt

User = get_user_model()
NEW_PASSWORD = "Another-long-passphrase-77"
RESET_LINK = re.compile(r"https?://\S+/accounts/reset/[\w-]+/[\w-]+/")


@pytest.fixture
def french_person(db):
    person = UserFactory(
        username="rene", email="rene.cote@example.gc.ca", first_name="René", last_name="Côté & Fils"
    )
    person.profile.preferred_language = "fr"
    person.profile.save()
    return person


def ask(address, run_on_commit, client=None, **extra):
    with run_on_commit():
        return (client or Client()).post(reverse("password_reset"), {"email": address}, **extra)


def test_the_login_page_links_to_it_and_offers_no_sign_up(client):
    body = client.get(reverse("login")).content.decode()
    assert f'href="{reverse("password_reset")}"' in body
    assert "sign up" not in body.lower().replace("no sign-up", "")


def test_same_answer_whether_or_not_the_address_exists(french_person, run_on_commit):
    known = ask("RENE.COTE@example.gc.ca", run_on_commit)
    unknown = ask("nobody@example.gc.ca", run_on_commit)
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("password_reset_done")
    done_known = Client().get(known["Location"]).content.decode()
    done_unknown = Client().get(unknown["Location"]).content.decode()
    csrf = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert csrf.sub("", done_known) == csrf.sub("", done_unknown)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [french_person.email]


def test_the_email_is_in_the_persons_language_and_the_link_works(french_person, run_on_commit):
    ask(french_person.email, run_on_commit)
    (message,) = mail.outbox
    assert message.extra_headers["Content-Language"] == "fr"
    assert (
        message.subject == "Choisissez un nouveau mot de passe pour le portail des conseils mixtes"
    )
    # The plain-text part is not HTML: the name arrives as typed.
    assert "Bonjour René Côté & Fils," in message.body
    assert "Côté &amp; Fils" in message.alternatives[0][0]
    link = RESET_LINK.search(message.body)[0]
    assert "/fr/accounts/reset/" in link
    client = Client()
    form_page = client.get(path_of(link), follow=True)
    assert form_page.status_code == 200 and form_page.context["validlink"]
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    french_person.refresh_from_db()
    assert french_person.check_password(NEW_PASSWORD)
    # Used once: the same link no longer works.
    again = Client().get(path_of(link), follow=True)
    assert not again.context["validlink"]


def test_inactive_people_get_nothing_but_the_same_answer(french_person, run_on_commit):
    french_person.is_active = False
    french_person.save()
    response = ask(french_person.email, run_on_commit)
    assert response["Location"] == reverse("password_reset_done")
    assert not mail.outbox


def test_an_invited_person_who_never_chose_a_password_gets_a_fresh_invitation(
    invite, run_on_commit
):
    person, token = invite()
    response = ask(person.email, run_on_commit)
    assert response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 2  # the invitation, then the fresh link
    assert "/accounts/welcome/" in mail.outbox[-1].body
    assert Client().get(reverse("people:invitation_accept", args=[token])).status_code == 410


def test_requests_are_throttled_per_address_in_the_database(french_person, run_on_commit, settings):
    settings.PORTAL_PASSWORD_RESET_PER_ADDRESS = 3
    for _ in range(3):
        assert ask(french_person.email, run_on_commit).status_code == 302
    refused = ask(french_person.email.upper(), run_on_commit)
    assert refused.status_code == 200
    assert "Too many requests for a new password." in refused.content.decode()
    assert len(mail.outbox) == 3
    assert PasswordResetAttempt.objects.count() == 3
    # The address is not stored in clear.
    hashes = set(PasswordResetAttempt.objects.values_list("address_hash", flat=True))
    assert len(hashes) == 1 and "rene" not in hashes.pop()
    # Another address from elsewhere is not held up.
    assert ask("other@example.gc.ca", run_on_commit, REMOTE_ADDR="10.0.0.9").status_code == 302


def test_requests_are_throttled_per_client(db, run_on_commit, settings):
    settings.PORTAL_PASSWORD_RESET_PER_CLIENT = 2
    assert ask("a@example.gc.ca", run_on_commit).status_code == 302
    assert ask("b@example.gc.ca", run_on_commit).status_code == 302
    assert ask("c@example.gc.ca", run_on_commit).status_code == 200
    assert ask("c@example.gc.ca", run_on_commit, REMOTE_ADDR="10.0.0.9").status_code == 302


def test_the_throttle_window_slides(french_person, run_on_commit, settings):
    import datetime

    import time_machine
    from django.utils import timezone

    settings.PORTAL_PASSWORD_RESET_PER_ADDRESS = 1
    assert ask(french_person.email, run_on_commit).status_code == 302
    assert ask(french_person.email, run_on_commit).status_code == 200
    later = timezone.now() + datetime.timedelta(
        minutes=settings.PORTAL_PASSWORD_RESET_WINDOW_MINUTES + 1
    )
    with time_machine.travel(later, tick=False):
        assert ask(french_person.email, run_on_commit).status_code == 302
    # Rows older than the window were forgotten on the way.
    assert PasswordResetAttempt.objects.count() == 1


def test_a_new_password_lifts_the_sign_in_lock_out(french_person, run_on_commit, settings):
    from axes.models import AccessAttempt

    for _ in range(settings.AXES_FAILURE_LIMIT):
        Client().post(reverse("login"), {"username": "rene", "password": "wrong"})
    assert AccessAttempt.objects.filter(username="rene").exists()
    ask(french_person.email, run_on_commit)
    link = RESET_LINK.search(mail.outbox[-1].body)[0]
    client = Client()
    page = client.get(path_of(link), follow=True)
    client.post(
        page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert not AccessAttempt.objects.filter(username="rene").exists()
    signed_in = Client().post(reverse("login"), {"username": "rene", "password": NEW_PASSWORD})
    assert signed_in.status_code == 302


def path_of(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).path
