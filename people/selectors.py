"""Reads about people: the searchable list and one person's page, each in a fixed number of
queries whatever the number of people, memberships or events."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.paginator import Paginator
from django.db.models import Q

from councils.models import CouncilMembership
from workinggroups.models import GroupMembership

from .models import Invitation, PersonEvent

User = get_user_model()


def people_queryset(*, q="", status=""):
    people = User.objects.select_related("profile", "profile__jurisdiction").only(
        "username",
        "first_name",
        "last_name",
        "email",
        "is_active",
        "password",
        "profile__title_en",
        "profile__title_fr",
        "profile__preferred_language",
        "profile__jurisdiction__name_en",
        "profile__jurisdiction__name_fr",
        "profile__jurisdiction__code",
        "profile__jurisdiction__kind",
    )
    for word in q.split()[:6]:
        people = people.filter(
            Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(email__icontains=word)
        )
    invited = Q(password__startswith=UNUSABLE_PASSWORD_PREFIX)
    if status == "active":
        people = people.filter(is_active=True).exclude(invited)
    elif status == "invited":
        people = people.filter(invited, is_active=True)
    elif status == "inactive":
        people = people.filter(is_active=False)
    return people.order_by("last_name", "first_name", "pk")


def person_status(person) -> str:
    if not person.is_active:
        return "inactive"
    return "active" if person.has_usable_password() else "invited"


def _groups_page(rows, number):
    paginator = Paginator(rows, settings.PORTAL_PAGE_SIZE)
    page = paginator.get_page(number)
    return {
        "group_memberships": page.object_list,
        "groups_page": page,
        "groups_paginator": paginator,
        "groups_page_range": paginator.get_elided_page_range(page.number),
    }


def person_memberships(person, groups_page=None):
    """The person's council memberships and their group memberships PORTAL_PAGE_SIZE a page
    (`groups_page`, the page number asked for; issue 17: a co-chair of 2,000 groups had all
    2,000 rows on their page), in three queries."""
    council_rows = (
        CouncilMembership.objects.filter(user=person)
        .select_related("council", "jurisdiction")
        .order_by("-start_date", "-pk")
    )
    group_rows = (
        GroupMembership.objects.filter(user=person)
        .select_related("group", "council")
        .order_by("-start_date", "-pk")
    )
    return {"council_memberships": list(council_rows), **_groups_page(group_rows, groups_page)}


def person_history(person):
    """The latest 50 events of the person's account, with who recorded each."""
    return {"events": list(PersonEvent.objects.filter(person=person).select_related("by")[:50])}


def person_invitations(person):
    """The latest 20 invitation links sent to the person (their state depends on the time)."""
    return list(Invitation.objects.filter(person=person).select_related("created_by")[:20])
