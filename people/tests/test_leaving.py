"""Leaving: deactivating a person ends their memberships as of a date, refuses sign-in, keeps
every record and its history; reactivating them is possible."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from councils.models import CouncilMembership
from councils.tests.factories import CouncilMembershipFactory, UserFactory
from people import services
from people.models import PersonEvent
from workinggroups.models import GroupMembership
from workinggroups.tests.factories import GroupMembershipFactory

User = get_user_model()
PASSWORD = "correct-horse-battery"


@pytest.fixture
def leaving(council, group):
    person = UserFactory(username="leaving", first_name="Lee", last_name="Leaving")
    CouncilMembershipFactory(
        user=person, council=council, role="member", start_date=datetime.date(2021, 1, 1)
    )
    GroupMembershipFactory(
        user=person, group=group, role="co_chair", start_date=datetime.date(2022, 3, 1)
    )
    # Already ended before: left as it was.
    CouncilMembershipFactory(
        user=person,
        council=council,
        role="guest",
        start_date=datetime.date(2020, 1, 1),
        end_date=datetime.date(2020, 12, 31),
    )
    return person


def signs_in(username, password=PASSWORD) -> bool:
    response = Client().post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302 and response.wsgi_request.user.is_authenticated


def deactivate(client, person, **data):
    return client.post(reverse("people:person_deactivate", args=[person.pk]), data)


def test_the_confirmation_page_names_what_will_end(client_for, secretariat, leaving, group):
    page = client_for(secretariat).get(reverse("people:person_deactivate", args=[leaving.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Digital Identity Working Group" in body and "Co-chair" in body
    assert "PSSDC" in body
    assert page.context["form"]["last_day"].initial == timezone.localdate()


def test_deactivating_ends_memberships_as_of_the_date_and_refuses_sign_in(
    client_for, secretariat, leaving
):
    assert signs_in("leaving")
    signed_in = Client()
    signed_in.force_login(leaving)
    last_day = timezone.localdate() - datetime.timedelta(days=3)
    counts = (CouncilMembership.objects.count(), GroupMembership.objects.count())
    response = deactivate(
        client_for(secretariat), leaving, last_day=last_day.isoformat(), reason="Retired."
    )
    assert response.status_code == 302
    leaving.refresh_from_db()
    assert not leaving.is_active
    ends = sorted(
        CouncilMembership.objects.filter(user=leaving).values_list("role", "end_date")
    ) + list(GroupMembership.objects.filter(user=leaving).values_list("role", "end_date"))
    assert ends == [
        ("guest", datetime.date(2020, 12, 31)),
        ("member", last_day),
        ("co_chair", last_day),
    ]
    # Every record kept, with its history saying who ended it.
    assert (CouncilMembership.objects.count(), GroupMembership.objects.count()) == counts
    ended = GroupMembership.objects.get(user=leaving).history.first()
    assert ended.end_date == last_day and ended.history_user == secretariat
    event = PersonEvent.objects.get(person=leaving, kind="deactivated")
    assert (event.on_date, event.reason, event.by, event.ended_memberships) == (
        last_day,
        "Retired.",
        secretariat,
        2,
    )
    # Sign-in is refused, and an open session no longer counts as signed in.
    assert not signs_in("leaving")
    assert signed_in.get(reverse("portal:home")).status_code == 302


def test_the_last_day_cannot_be_in_the_future(client_for, secretariat, leaving):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = deactivate(client_for(secretariat), leaving, last_day=tomorrow.isoformat())
    assert response.status_code == 400
    assert response.context["form"].errors["last_day"] == ["The last day cannot be in the future."]
    leaving.refresh_from_db()
    assert leaving.is_active


def test_the_last_day_cannot_be_before_a_running_membership_started(
    client_for, secretariat, leaving
):
    response = deactivate(client_for(secretariat), leaving, last_day="2021-06-30")
    assert response.status_code == 400
    assert "starts on 2022-03-01" in response.context["form"].errors["last_day"][0]
    leaving.refresh_from_db()
    assert leaving.is_active
    assert not GroupMembership.objects.filter(user=leaving, end_date__isnull=False).exists()


def test_nobody_deactivates_themselves(client_for, secretariat):
    response = deactivate(client_for(secretariat), secretariat, last_day="2026-01-01")
    assert response.status_code == 403
    secretariat.refresh_from_db()
    assert secretariat.is_active


@pytest.mark.parametrize("persona", ["member", "group_cochair", "council_cochair", "outsider"])
def test_only_the_secretariat_deactivates(personas, client_for, persona, leaving):
    response = deactivate(client_for(personas[persona]), leaving, last_day="2026-01-01")
    assert response.status_code == 403
    leaving.refresh_from_db()
    assert leaving.is_active


def test_deactivating_twice_is_refused_with_a_message(client_for, secretariat, leaving):
    client = client_for(secretariat)
    today = timezone.localdate().isoformat()
    assert deactivate(client, leaving, last_day=today).status_code == 302
    again = deactivate(client, leaving, last_day=today)
    assert again.status_code == 302
    page = client.get(again["Location"])
    assert "This person has already been deactivated." in page.content.decode()
    assert PersonEvent.objects.filter(person=leaving, kind="deactivated").count() == 1


def test_deactivating_withdraws_an_open_invitation(invite, client_for, secretariat):
    person, token = invite()
    deactivate(client_for(secretariat), person, last_day=timezone.localdate().isoformat())
    response = Client().get(reverse("people:invitation_accept", args=[token]))
    assert response.status_code == 410
    assert "This invitation was withdrawn." in response.content.decode()
    assert "Send me a new link" not in response.content.decode()


def test_reactivation_lets_them_sign_in_again_and_keeps_memberships_ended(
    client_for, secretariat, leaving
):
    client = client_for(secretariat)
    deactivate(client, leaving, last_day=timezone.localdate().isoformat())
    page = client.get(reverse("people:person_reactivate", args=[leaving.pk]))
    assert page.status_code == 200
    response = client.post(
        reverse("people:person_reactivate", args=[leaving.pk]), {"reason": "Back from leave."}
    )
    assert response.status_code == 302
    leaving.refresh_from_db()
    assert leaving.is_active
    assert signs_in("leaving")
    assert (
        not CouncilMembership.objects.filter(user=leaving)
        .active(timezone.localdate() + datetime.timedelta(days=1))
        .exists()
    )
    kinds = list(
        PersonEvent.objects.filter(person=leaving)
        .order_by("at", "pk")
        .values_list("kind", "reason")
    )
    assert kinds == [("deactivated", ""), ("reactivated", "Back from leave.")]


def test_the_person_page_shows_the_history(client_for, secretariat, leaving):
    client = client_for(secretariat)
    deactivate(client, leaving, last_day=timezone.localdate().isoformat(), reason="Moved on.")
    body = client.get(reverse("people:person_detail", args=[leaving.pk])).content.decode()
    assert "Left (deactivated)" in body and "Moved on." in body
    assert "2 memberships ended." in body
    assert reverse("people:person_reactivate", args=[leaving.pk]) in body


def test_service_refuses_a_future_day_even_without_the_form(secretariat, leaving):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.person_deactivate(
            person=leaving,
            by=secretariat,
            last_day=timezone.localdate() + datetime.timedelta(days=5),
        )
