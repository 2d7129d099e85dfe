"""Invitation: the secretariat invites by e-mail; the invitee gets a single-use, expiring link
in their language, sets a password, and signs in. Used, expired and replaced links are refused
with a clear message and, where it makes sense, a way to ask for a new one."""

import datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from councils.models import CouncilMembership
from people.models import Invitation, PersonEvent, hash_token
from people.tests.conftest import token_from
from workinggroups.models import GroupMembership

User = get_user_model()
PASSWORD = "a-Long-enough-passphrase-2026"


def invite_payload(**overrides):
    return {
        "first_name": "Chloé",
        "last_name": "O'Brien",
        "email": "chloe.obrien@example.gc.ca",
        "language": "fr",
        "title_en": "Chief digital officer",
        "title_fr": "",
        "role": "",
        **overrides,
    }


def test_the_secretariat_invites_a_person_with_a_first_council_role(
    client_for, secretariat, council, jurisdiction, run_on_commit
):
    payload = invite_payload(
        jurisdiction=jurisdiction.pk, role="council_member", council=council.pk
    )
    with run_on_commit():
        response = client_for(secretariat).post(reverse("people:person_invite"), payload)
    assert response.status_code == 302
    person = User.objects.get(email="chloe.obrien@example.gc.ca")
    assert response["Location"] == reverse("people:person_detail", args=[person.pk])
    assert person.username == "chloe.obrien@example.gc.ca"
    assert not person.has_usable_password() and person.is_active
    assert person.profile.preferred_language == "fr"
    assert person.profile.jurisdiction == jurisdiction
    assert person.profile.title_en == "Chief digital officer"
    membership = CouncilMembership.objects.get(user=person)
    assert (membership.council, membership.role, membership.jurisdiction) == (
        council,
        "member",
        jurisdiction,
    )
    assert membership.start_date == timezone.localdate() and membership.end_date is None
    assert list(PersonEvent.objects.filter(person=person).values_list("kind", flat=True)) == [
        "invited"
    ]
    (message,) = mail.outbox
    assert message.to == ["chloe.obrien@example.gc.ca"]
    assert message.extra_headers["Content-Language"] == "fr"
    assert message.subject == "Votre invitation au portail de gouvernance des conseils mixtes"
    assert "/fr/accounts/welcome/" in message.body
    assert "Votre nom d’utilisateur\u00a0: chloe.obrien@example.gc.ca" in message.body
    assert "Membre, Conseil" in message.body  # the first role, in French
    token = token_from(message)
    invitation = Invitation.objects.get(person=person)
    # Only the hash is stored: the raw token is nowhere in the row.
    assert invitation.token_hash == hash_token(token) and token not in str(vars(invitation))
    validity = invitation.expires_at - invitation.created_at  # from the send, a moment later
    assert datetime.timedelta(days=7) <= validity < datetime.timedelta(days=7, minutes=1)
    assert invitation.created_by == secretariat


def test_a_first_group_role(client_for, secretariat, group, run_on_commit):
    payload = invite_payload(role="group_co_chair", group=group.pk, start_date="2026-01-05")
    with run_on_commit():
        response = client_for(secretariat).post(reverse("people:person_invite"), payload)
    assert response.status_code == 302
    membership = GroupMembership.objects.get(user__email="chloe.obrien@example.gc.ca")
    assert (membership.group, membership.role) == (group, "co_chair")
    assert membership.start_date == datetime.date(2026, 1, 5)


def test_a_role_without_its_council_or_group_is_a_field_message(client_for, secretariat):
    client = client_for(secretariat)
    response = client.post(reverse("people:person_invite"), invite_payload(role="council_guest"))
    assert response.status_code == 400
    assert "Choose the council of this role." in response.context["form"].errors["council"]
    response = client.post(reverse("people:person_invite"), invite_payload(role="group_member"))
    assert "Choose the group of this role." in response.context["form"].errors["group"]
    assert not User.objects.filter(email="chloe.obrien@example.gc.ca").exists()
    assert not mail.outbox


def test_a_duplicate_address_is_a_field_message_whatever_its_case(
    client_for, secretariat, member, run_on_commit
):
    payload = invite_payload(email=member.email.upper())
    with run_on_commit():
        response = client_for(secretariat).post(reverse("people:person_invite"), payload)
    assert response.status_code == 400
    errors = response.context["form"].errors["email"]
    assert errors == [
        f"{member.get_full_name()} already has this address. Open their page to send the "
        "invitation again or to reactivate them."
    ]
    assert User.objects.filter(email__iexact=member.email).count() == 1
    assert not mail.outbox


def test_the_invitation_template_is_time_limited_by_the_setting(invite, settings):
    settings.PORTAL_INVITATION_DAYS = 2
    person, _token = invite()
    invitation = person.invitations.get()
    # The link's two days count from when the worker e-mailed it (its token minted then).
    validity = invitation.expires_at - invitation.created_at
    assert datetime.timedelta(days=2) <= validity < datetime.timedelta(days=2, minutes=1)


def test_plain_text_part_is_not_html_escaped(invite):
    _person, _token = invite()
    message = mail.outbox[-1]
    assert "Bonjour Chloé O'Brien & <Sons>," in message.body
    html = message.alternatives[0][0]
    assert "O&#x27;Brien &amp; &lt;Sons&gt;" in html


def test_an_english_invitee_gets_english(invite):
    invite(email="sam@example.gc.ca", language="en", last_name="Smith")
    message = mail.outbox[-1]
    assert message.subject == "Your invitation to the joint councils' governance portal"
    assert "/en/accounts/welcome/" in message.body and "Your username: sam@example.gc.ca" in (
        message.body
    )


def test_the_invitee_sets_a_password_once_and_signs_in(invite):
    person, token = invite()
    client = Client()
    url = reverse("people:invitation_accept", args=[token])
    page = client.get(url)
    assert page.status_code == 200
    assert person.username in page.content.decode()
    response = client.post(url, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?username={person.username}"
    person.refresh_from_db()
    assert person.check_password(PASSWORD)
    invitation = person.invitations.get()
    assert invitation.used_at is not None and invitation.state() == "used"
    assert PersonEvent.objects.filter(person=person, kind="joined").exists()
    # Sign in with the new password.
    signed_in = Client().post(reverse("login"), {"username": person.username, "password": PASSWORD})
    assert signed_in.status_code == 302
    # Used: the same link is refused, with the way to sign in or reset the password.
    again = client.get(url)
    assert again.status_code == 410
    body = again.content.decode()
    assert "This link has already been used to set a password." in body
    assert reverse("password_reset") in body
    second = client.post(url, {"new_password1": "x" + PASSWORD, "new_password2": "x" + PASSWORD})
    assert second.status_code == 410
    person.refresh_from_db()
    assert person.check_password(PASSWORD)


def test_a_weak_password_is_refused_and_the_link_stays_valid(invite):
    person, token = invite()
    url = reverse("people:invitation_accept", args=[token])
    response = Client().post(url, {"new_password1": "short", "new_password2": "short"})
    assert response.status_code == 400
    assert response.context["form"].errors["new_password2"]
    person.refresh_from_db()
    assert not person.has_usable_password()
    assert person.invitations.get().state() == "valid"


def test_an_expired_link_is_refused_and_a_new_one_can_be_asked_for_once(
    invite, run_on_commit, settings
):
    person, token = invite()
    url = reverse("people:invitation_accept", args=[token])
    later = timezone.now() + datetime.timedelta(days=settings.PORTAL_INVITATION_DAYS, minutes=1)
    with time_machine.travel(later, tick=False):
        page = Client().get(url)
        assert page.status_code == 410
        body = page.content.decode()
        assert "This link has expired." in body
        renew_url = reverse("people:invitation_renew", args=[token])
        assert renew_url in body
        refused = Client().post(url, {"new_password1": PASSWORD, "new_password2": PASSWORD})
        assert refused.status_code == 410
        with run_on_commit():
            renewed = Client().post(renew_url)
        assert renewed.status_code == 201
        assert len(mail.outbox) == 2
        fresh = token_from(mail.outbox[-1])
        assert fresh != token
        assert mail.outbox[-1].to == [person.email]
        assert "Voici le nouveau lien que vous avez demandé" in mail.outbox[-1].body
        # Once per link: asking again from the old link sends nothing more.
        with run_on_commit():
            twice = Client().post(renew_url)
        assert twice.status_code == 409
        assert "A new link was already sent for this one." in twice.content.decode()
        assert len(mail.outbox) == 2
        # The fresh link works.
        accepted = Client().post(
            reverse("people:invitation_accept", args=[fresh]),
            {"new_password1": PASSWORD, "new_password2": PASSWORD},
        )
        assert accepted.status_code == 302
    person.refresh_from_db()
    assert person.check_password(PASSWORD)
    events = list(person.person_events.order_by("at", "pk").values_list("kind", flat=True))
    assert events == ["invited", "invitation_sent", "joined"]


def test_a_valid_link_cannot_be_renewed(invite, run_on_commit):
    _person, token = invite()
    with run_on_commit():
        response = Client().post(reverse("people:invitation_renew", args=[token]))
    assert response.status_code == 409
    assert len(mail.outbox) == 1


def test_a_resent_invitation_replaces_the_earlier_link(
    invite, client_for, secretariat, run_on_commit
):
    person, token = invite()
    with run_on_commit():
        response = client_for(secretariat).post(
            reverse("people:invitation_resend", args=[person.pk])
        )
    assert response.status_code == 302
    fresh = token_from(mail.outbox[-1])
    old = Client().get(reverse("people:invitation_accept", args=[token]))
    assert old.status_code == 410
    assert "A newer link was sent to you after this one" in old.content.decode()
    assert Client().get(reverse("people:invitation_accept", args=[fresh])).status_code == 200
    assert list(person.invitations.values_list("created_by", flat=True)) == [secretariat.pk] * 2


def test_no_new_link_for_someone_who_already_set_a_password(
    invite, client_for, secretariat, run_on_commit
):
    person, token = invite()
    Client().post(
        reverse("people:invitation_accept", args=[token]),
        {"new_password1": PASSWORD, "new_password2": PASSWORD},
    )
    with run_on_commit():
        client_for(secretariat).post(reverse("people:invitation_resend", args=[person.pk]))
    assert len(mail.outbox) == 1
    assert person.invitations.count() == 1


@pytest.mark.django_db
def test_an_unknown_link_is_a_clear_404():
    response = Client().get(reverse("people:invitation_accept", args=["not-a-real-token"]))
    assert response.status_code == 404
    assert "This link is not valid." in response.content.decode()


@pytest.mark.django_db
def test_a_very_long_token_is_a_404_not_an_error():
    response = Client().get(reverse("people:invitation_accept", args=["x" * 5000]))
    assert response.status_code == 404


def test_a_signed_in_person_is_asked_to_sign_out_first(invite, client_for, member):
    person, token = invite()
    url = reverse("people:invitation_accept", args=[token])
    client = client_for(member)
    assert "sign out first" in client.get(url).content.decode()
    response = client.post(url, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response.status_code == 409
    person.refresh_from_db()
    assert not person.has_usable_password()


def test_the_login_page_fills_in_the_username_after_the_password_is_set(client):
    response = client.get(reverse("login") + "?username=chloe%40example.gc.ca")
    assert 'value="chloe@example.gc.ca"' in response.content.decode()


@pytest.mark.parametrize("persona", ["member", "group_cochair", "council_cochair", "outsider"])
def test_only_the_secretariat_invites(personas, client_for, persona, council):
    payload = invite_payload(role="council_member", council=council.pk)
    response = client_for(personas[persona]).post(reverse("people:person_invite"), payload)
    assert response.status_code == 403
    assert not User.objects.filter(email="chloe.obrien@example.gc.ca").exists()
