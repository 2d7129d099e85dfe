"""Reads about people and councils that span relations."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q

from core.bilingual import translated_order
from core.params import ODD_CHARACTERS

from .models import (
    CouncilMembership,
    InterestDeclaration,
    JointQuorumRule,
    Jurisdiction,
    jurisdictions_needed,
    person_name,
)

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


def jurisdictions_without_member(council, day=None):
    """Jurisdictions that no current member of `council` represents (on their membership,
    else on their profile), in the reader's order: one query, whatever the members."""
    members = CouncilMembership.objects.active(day).filter(
        council=council, role=CouncilMembership.Role.MEMBER
    )
    represented = members.filter(
        Q(jurisdiction=OuterRef("pk"))
        | Q(jurisdiction__isnull=True, user__profile__jurisdiction=OuterRef("pk"))
    )
    return list(
        Jurisdiction.objects.filter(~Exists(represented)).order_by(
            "kind", translated_order("name"), "pk"
        )
    )


# --- Quorum -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuorumCheck:
    """One count of the quorum: for one council, or for councils counted together."""

    councils: tuple
    present: int
    total: int
    needed: int

    @property
    def reached(self):
        return self.total > 0 and self.present >= self.needed


@dataclass(frozen=True)
class Quorum:
    checks: tuple

    @property
    def reached(self):
        return bool(self.checks) and all(check.reached for check in self.checks)


def meeting_quorum(meeting, seats=None) -> Quorum:
    """Whether the members present make the quorum, by each council's rule (one query, plus
    the meeting's councils and attendees, which the meeting page prefetches). `seats`:
    {council id: the jurisdictions its members sit for on the meeting's day}, when the caller
    read them with the councils (no query then).

    A council counts the jurisdictions its members sit for on the meeting's day. Only
    attendees present as members count, once per jurisdiction. At a joint meeting, a council
    whose joint rule is "own" is counted on its own; those whose rule is "combined" are
    counted together over all their jurisdictions, with the strictest of their rules."""
    councils = list(meeting.councils.all())
    present = {a.jurisdiction_id for a in meeting.attendees.all() if a.counts_for_quorum}
    if seats is not None:
        rows = [(council_id, j) for council_id, ids in seats.items() for j in ids]
    else:
        rows = (
            CouncilMembership.objects.active(meeting.day)
            .filter(
                council__in=[c.pk for c in councils],
                role=CouncilMembership.Role.MEMBER,
                jurisdiction__isnull=False,
            )
            .values_list("council_id", "jurisdiction_id")
            .distinct()
        )
    seats = {}
    for council_id, jurisdiction_id in rows:
        seats.setdefault(council_id, set()).add(jurisdiction_id)
    joint = len(councils) > 1
    combined = [c for c in councils if joint and c.joint_quorum_rule == JointQuorumRule.COMBINED]
    checks = []
    for council in councils:
        if council in combined:
            continue
        members = seats.get(council.pk, set())
        needed = jurisdictions_needed(council.quorum_rule, len(members), council.quorum_count)
        checks.append(QuorumCheck((council,), len(members & present), len(members), needed))
    if combined:
        members = set().union(*(seats.get(c.pk, set()) for c in combined))
        needed = max(
            jurisdictions_needed(c.quorum_rule, len(members), c.quorum_count) for c in combined
        )
        checks.append(QuorumCheck(tuple(combined), len(members & present), len(members), needed))
    return Quorum(tuple(checks))


def declarations_on(subjects):
    """The interest declarations, withdrawn ones included, on any of `subjects` (model
    instances; None and unsaved ones are skipped)."""
    condition = Q(pk__in=[])
    for subject in subjects:
        if subject is not None and subject.pk:
            condition |= Q(
                content_type=ContentType.objects.get_for_model(subject), object_id=subject.pk
            )
    return InterestDeclaration.objects.filter(condition)


def declared_person_ids(subjects) -> set:
    """Who has an active declared interest in any of `subjects` (model instances)."""
    return set(
        declarations_on(subjects)
        .filter(withdrawn_at__isnull=True)
        .values_list("person_id", flat=True)
    )
