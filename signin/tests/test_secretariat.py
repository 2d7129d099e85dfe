"""The secretariat removes a single sign-on link and resets a lost second factor: recorded,
and the person is told by e-mail in their language. Nobody else can."""

import pytest
from django.core import mail
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from notifications.tests.helpers import eager_celery  # noqa: F401 (a fixture)
from signin import services
from signin.models import SecurityEvent, SingleSignOnLink
from signin.tests.conftest import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return make_person("sophie", role="secretariat")


@pytest.fixture
def marc():
    person = make_person("marc", role="co_chair", language="fr")
    SingleSignOnLink.objects.create(
        user=person,
        provider="entra",
        issuer="https://id.example",
        subject="abc",
        email="marc@dept.example",
    )
    services.totp_enrol(user=person, key=services.new_totp_key())
    return person


def test_the_person_page_shows_the_link_and_the_second_factor(client, staff, marc):
    client.force_login(staff)
    page = client.get(reverse("signin:person_signin", args=[marc.pk])).content.decode()
    assert "marc@dept.example" in page and "Remove the link" in page
    assert "Reset the second factor" in page
    assert "Authenticator app set up" in page  # the record


def test_the_secretariat_resets_a_lost_second_factor(
    client,
    staff,
    marc,
    django_capture_on_commit_callbacks,
    eager_celery,  # noqa: F811
):
    from notifications.models import Reminder

    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("signin:second_factor_reset", args=[marc.pk]))
    assert response.status_code == 302
    # The request only wrote the message into the outbox: nothing was sent by it.
    assert len(mail.outbox) == 0
    assert Reminder.objects.get(recipient=marc).kind == "signin_second_factor_reset"
    for callback in callbacks:
        callback()  # after the commit: the worker sends it
    assert not TOTPDevice.objects.filter(user=marc).exists()
    assert not StaticDevice.objects.filter(user=marc).exists()
    event = SecurityEvent.objects.get(kind="two_factor_reset")
    assert (event.user, event.by) == (marc, staff)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["marc@dept.example"]
    assert message.subject == "Votre vérification en deux étapes a été réinitialisée"
    assert "Sophie Example, du secrétariat" in message.body
    page = client.get(reverse("signin:person_signin", args=[marc.pk])).content.decode()
    assert "Second factor reset by the secretariat" in page and "by Sophie Example" in page


def test_the_secretariat_removes_a_single_sign_on_link(client, staff, marc):
    link = SingleSignOnLink.objects.get(user=marc)
    client.force_login(staff)
    url = reverse("signin:sso_link_remove", args=[marc.pk, link.pk])
    assert client.post(url).status_code == 302
    assert not SingleSignOnLink.objects.exists()
    event = SecurityEvent.objects.get(kind="sso_unlinked")
    assert (event.user, event.by, event.detail) == (marc, staff, "entra")
    deleted = SingleSignOnLink.history.get(history_type="-")
    assert deleted.history_user == staff and deleted.subject == "abc"


def test_a_link_is_removed_only_from_its_own_person(client, staff, marc):
    other = make_person("ines", role="member")
    link = SingleSignOnLink.objects.get(user=marc)
    client.force_login(staff)
    url = reverse("signin:sso_link_remove", args=[other.pk, link.pk])
    assert client.post(url).status_code == 404
    assert SingleSignOnLink.objects.filter(pk=link.pk).exists()


@pytest.mark.parametrize("role", ["co_chair", "member", None])
def test_nobody_else_resets_or_unlinks(client, marc, role):
    someone = make_person("someone", role=role)
    link = SingleSignOnLink.objects.get(user=marc)
    client.force_login(someone)
    assert client.post(reverse("signin:second_factor_reset", args=[marc.pk])).status_code == 403
    url = reverse("signin:sso_link_remove", args=[marc.pk, link.pk])
    assert client.post(url).status_code == 403
    assert TOTPDevice.objects.filter(user=marc).exists()
    assert SingleSignOnLink.objects.filter(pk=link.pk).exists()
    assert not mail.outbox


def test_the_person_sees_their_link_but_cannot_remove_it(client, marc):
    services.two_factor_turn_off(user=marc)  # no code to answer in this test
    client.force_login(marc)
    page = client.get(reverse("signin:security")).content.decode()
    assert "marc@dept.example" in page
    assert (
        "Seul le secrétariat peut retirer un lien."
        in client.get("/fr/accounts/security/").content.decode()
    )
    assert "sign-in/links/" not in page


def test_everyone_s_sign_in_lists_links_and_apps_in_constant_queries(client, staff, marc):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(staff)
    url = reverse("signin:people_signin")
    with CaptureQueriesContext(connection) as few:
        page = client.get(url).content.decode()
    assert "Marc Example" in page and "entra" in page and "Set up" in page
    for n in range(30):
        person = make_person(f"extra{n}")
        services.totp_enrol(user=person, key=services.new_totp_key())
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)
    assert "Marc Example" in client.get(url + "?q=MARC").content.decode()
    assert "Marc Example" not in client.get(url + "?q=nobody-like-that").content.decode()


def test_the_person_s_page_in_the_people_area_shows_how_they_sign_in(client, staff, marc):
    client.force_login(staff)
    page = client.get(reverse("people:person_detail", args=[marc.pk])).content.decode()
    assert "Linked to entra on" in page and 'id="person-signin-summary"' in page
    assert reverse("signin:person_signin", args=[marc.pk]) in page
