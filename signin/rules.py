"""Which people must use single sign-on, and which must pass a second factor, by role
(settings.PORTAL_PASSWORD_SIGNIN_DISABLED_ROLES, PORTAL_TWO_FACTOR_REQUIRED_ROLES)."""

from django.conf import settings

from councils.permissions import council_roles, is_secretariat

from .providers import sso_configured


def has_role_in(user, roles) -> bool:
    """Whether `user` currently holds any of `roles` (names as in base.SIGNIN_ROLES). No
    query when `roles` is empty."""
    roles = set(roles)
    if not roles:
        return False
    if "everyone" in roles:
        return True
    if "secretariat" in roles and is_secretariat(user):
        return True
    held = council_roles(user)
    if ("co_chair" in roles and held.co_chair_of) or ("member" in roles and held.member_of):
        return True
    if "guest" in roles and held.guest_of:
        return True
    if "group_co_chair" in roles:
        # Read with the council roles by PORTAL_ROLES_LOADER where it is set.
        group_roles = getattr(user, "_group_roles", None)
        if group_roles is not None:
            return bool(group_roles.co_chair_of)
        return user.group_memberships.active().filter(role="co_chair").exists()
    return False


def second_factor_required(user) -> bool:
    return has_role_in(user, settings.PORTAL_TWO_FACTOR_REQUIRED_ROLES)


def password_signin_allowed(user) -> bool:
    """Local passwords are refused to the roles listed, once single sign-on is configured
    (without a provider, refusing them would lock those people out)."""
    return not (
        sso_configured() and has_role_in(user, settings.PORTAL_PASSWORD_SIGNIN_DISABLED_ROLES)
    )
