"""Who may do what, as plain functions. Roles are memberships with dates, not global groups.

`council_roles(user)` reads a person's current council memberships once per request and keeps
them on the user object, so permission checks in loops cost no further queries.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.utils.module_loading import import_string

from .models import CouncilMembership


@dataclass(frozen=True)
class CouncilRoles:
    co_chair_of: frozenset = field(default_factory=frozenset)
    member_of: frozenset = field(default_factory=frozenset)
    secretariat_of: frozenset = field(default_factory=frozenset)
    guest_of: frozenset = field(default_factory=frozenset)

    @property
    def councils(self):
        return self.co_chair_of | self.member_of | self.secretariat_of | self.guest_of


def council_roles_from(rows) -> CouncilRoles:
    """CouncilRoles from (role, council id) pairs."""
    by_role = {role: set() for role in CouncilMembership.Role.values}
    for role, council_id in rows:
        by_role[role].add(council_id)
    return CouncilRoles(
        co_chair_of=frozenset(by_role["co_chair"]),
        member_of=frozenset(by_role["member"]),
        secretariat_of=frozenset(by_role["secretariat"]),
        guest_of=frozenset(by_role["guest"]),
    )


def council_roles(user) -> CouncilRoles:
    if not getattr(user, "is_authenticated", False):
        return CouncilRoles()
    cached = getattr(user, "_council_roles", None)
    if cached is None and settings.PORTAL_ROLES_LOADER:
        # An app further up may read these together with its own roles, in one query.
        import_string(settings.PORTAL_ROLES_LOADER)(user)
        cached = getattr(user, "_council_roles", None)
    if cached is None:
        rows = (
            CouncilMembership.objects.active().filter(user=user).values_list("role", "council_id")
        )
        cached = user._council_roles = council_roles_from(rows)
    return cached


def is_secretariat(user) -> bool:
    return bool(getattr(user, "is_superuser", False) or council_roles(user).secretariat_of)


def is_council_cochair(user, council=None) -> bool:
    roles = council_roles(user).co_chair_of
    return bool(roles) if council is None else council.pk in roles


def can_view_directory(user) -> bool:
    """Councils, priorities, jurisdictions: anyone with a current council role."""
    return is_secretariat(user) or bool(council_roles(user).councils)


def can_manage_councils(user) -> bool:
    return is_secretariat(user)


def is_portal_reader(user) -> bool:
    """Anyone with a current role on a council or in a group reads the portal's directory.

    Group memberships are read through the user's reverse relation so that this lower app
    need not import `workinggroups`; the answer is kept on the user for the request.
    """
    if not getattr(user, "is_authenticated", False):
        return False
    cached = getattr(user, "_is_portal_reader", None)
    if cached is None:
        cached = can_view_directory(user) or user.group_memberships.active().exists()
        user._is_portal_reader = cached
    return cached


def can_view_meetings(user) -> bool:
    """Meetings, decisions, action items and external bodies: every portal reader."""
    return is_portal_reader(user)


def can_manage_meetings(user) -> bool:
    """Create and edit meetings, agendas, attendees, minutes, decisions, action items and
    external bodies: the secretariat."""
    return is_secretariat(user)


def can_update_action_item(user, item) -> bool:
    """The secretariat, and the item's owner (who marks it in progress or done)."""
    return is_secretariat(user) or (
        getattr(user, "is_authenticated", False) and item.owner_id == user.pk
    )


def can_declare_interest(user) -> bool:
    """Members and co-chairs of a council declare their own interests; the secretariat records
    one on a person's behalf."""
    if not getattr(user, "is_authenticated", False):
        return False
    roles = council_roles(user)
    return is_secretariat(user) or bool(roles.member_of or roles.co_chair_of)


def can_withdraw_declaration(user, declaration) -> bool:
    return getattr(user, "is_authenticated", False) and (
        is_secretariat(user) or declaration.person_id == user.pk
    )
