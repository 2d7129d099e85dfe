"""Who may read and change strategic plans: plain functions, tested one by one."""

from councils.permissions import is_council_cochair, is_portal_reader, is_secretariat

from .models import Status


def can_view_dashboard(user) -> bool:
    """Every signed-in portal reader (a current council or group role)."""
    return is_portal_reader(user)


def can_view_drafts(user) -> bool:
    """Draft plans are prepared by the secretariat with the council co-chairs."""
    return is_secretariat(user) or is_council_cochair(user)


def can_view_plan(user, plan) -> bool:
    if not can_view_dashboard(user):
        return False
    return plan.status != Status.DRAFT or can_view_drafts(user)


def can_manage_plans(user, plan=None) -> bool:
    """Create, refresh, weigh, adopt, reopen and archive plans: the secretariat."""
    return is_secretariat(user)
