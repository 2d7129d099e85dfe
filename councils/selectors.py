"""Reads about people and councils that span relations."""

from django.contrib.auth import get_user_model
from django.db.models import Q

from core.bilingual import translated_order
from core.params import ODD_CHARACTERS

from .models import CouncilMembership, Jurisdiction, person_name

# A search shows at most this many people; more means "type more of the name".
PERSON_SEARCH_LIMIT = 20


def people():
    """Active people, by name."""
    return get_user_model().objects.filter(is_active=True).order_by("last_name", "first_name", "pk")


def search_people(query: str):
    """Active people whose first or last name, username or e-mail contains every word of
    `query` (at most five words), with their profile and jurisdiction: one query a page."""
    # Control characters (a NUL byte) cannot be searched for, and the database refuses them.
    words = ODD_CHARACTERS.sub("", query or "").split()[:5]
    if not words:
        return people().none()
    found = people().select_related("profile", "profile__jurisdiction")
    for word in words:
        found = found.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(username__icontains=word)
            | Q(email__icontains=word)
        )
    return found


def person_details(user) -> str:
    """Jurisdiction and title, in the reader's language: "Quebec, Chief digital officer"."""
    profile = getattr(user, "profile", None)
    if profile is None:
        return ""
    parts = [str(profile.jurisdiction.name)] if profile.jurisdiction_id else []
    if profile.title:
        parts.append(str(profile.title))
    return ", ".join(parts)


def person_label(user) -> str:
    """A person as a list shows them to be chosen: name — jurisdiction, title."""
    details = person_details(user)
    return f"{person_name(user)} — {details}" if details else person_name(user)


def represented_jurisdiction_id(membership):
    """The jurisdiction a council member represents: the one on their membership, else the
    one on their profile (the membership's user and profile loaded)."""
    if membership.jurisdiction_id:
        return membership.jurisdiction_id
    profile = getattr(membership.user, "profile", None)
    return profile.jurisdiction_id if profile is not None else None


def jurisdictions_without_member(memberships):
    """Jurisdictions that no current member among `memberships` (a council's, with their
    user and profile loaded) represents, in the reader's order: one query."""
    represented = {
        represented_jurisdiction_id(m)
        for m in memberships
        if m.role == CouncilMembership.Role.MEMBER
    }
    return [
        j
        for j in Jurisdiction.objects.order_by("kind", translated_order("name"), "pk")
        if j.pk not in represented
    ]
