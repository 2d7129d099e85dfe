"""Who may see and do what with a funding request, as plain functions.

- The requesting group's co-chairs and the person who created or submitted the request see it
  and manage it while it is a draft or returned.
- The co-chairs of the councils the group reports to see it once submitted and review it unless
  recused (they co-chair or belong to the group, or created or submitted the request).
- Members of those councils see it once endorsed: they vote on it at a meeting.
- The secretariat sees every request, schedules endorsed ones and records the decision.
Everyone else is told it does not exist (404); a reader who may not act gets 403.
"""

from councils.models import AgendaItem
from councils.permissions import (
    can_view_meetings,
    council_roles,
    is_portal_reader,
    is_secretariat,
)
from councils.selectors import declared_person_ids
from workinggroups.permissions import group_roles

from .models import EDITABLE, ENDORSED_OR_LATER, TRANSITIONS, UNDER_REVIEW, Actor, Status


def group_council_ids(request) -> frozenset:
    """The councils the requesting group reports to, read once per request object."""
    cached = getattr(request, "_council_ids", None)
    if cached is None:
        cached = frozenset(c.pk for c in request.group.councils.all())
        request._council_ids = cached
    return cached


def is_requester(user, request) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return request.group_id in group_roles(user).co_chair_of or user.pk in (
        request.created_by_id,
        request.submitted_by_id,
    )


def is_recused(user, request) -> bool:
    """Recused automatically (the group is theirs, or they created or submitted the request)
    or by their own declared interest."""
    return (
        request.group_id in group_roles(user).groups
        or user.pk in (request.created_by_id, request.submitted_by_id)
        or user.pk in declared_ids(request)
    )


def declared_ids(request) -> frozenset:
    """Who has an active declared interest in the request or its agenda line (read once per
    request object)."""
    cached = getattr(request, "_declared_ids", None)
    if cached is None:
        cached = frozenset(declared_person_ids(declaration_subjects(request)))
        request._declared_ids = cached
    return cached


def declaration_subjects(request) -> list:
    """What an interest in the request may be declared on: the request and its agenda line
    (by its id alone: no query to load it)."""
    return [request, AgendaItem(pk=request.agenda_item_id) if request.agenda_item_id else None]


def reviewing_councils(user, request) -> frozenset:
    """The councils of the group on which `user` is a co-chair (recused or not)."""
    return council_roles(user).co_chair_of & group_council_ids(request)


def can_view_request(user, request) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if is_secretariat(user) or is_requester(user, request):
        return True
    if request.submitted_at is None:
        return False  # never submitted: a draft is the group's own business
    if reviewing_councils(user, request):
        return True
    roles = council_roles(user)
    return request.status in ENDORSED_OR_LATER and bool(
        roles.member_of & group_council_ids(request)
    )


def can_create_request(user) -> bool:
    return bool(group_roles(user).co_chair_of)


def can_edit_request(user, request) -> bool:
    return request.status in EDITABLE and is_requester(user, request)


def _may_take(user, request, to, actor) -> bool:
    return TRANSITIONS.get(request.status, {}).get(to) == actor


def can_submit_request(user, request) -> bool:
    return is_requester(user, request) and _may_take(
        user, request, Status.SUBMITTED, Actor.REQUESTER
    )


def can_withdraw_request(user, request) -> bool:
    return is_requester(user, request) and _may_take(
        user, request, Status.WITHDRAWN, Actor.REQUESTER
    )


def can_review_request(user, request) -> bool:
    """A co-chair of one of the group's councils, not recused, on a request under review.
    (Whether they already recommended on this revision is checked by the service.)"""
    return (
        request.status in UNDER_REVIEW
        and bool(reviewing_councils(user, request))
        and not is_recused(user, request)
    )


def can_schedule_request(user, request) -> bool:
    return is_secretariat(user) and _may_take(user, request, Status.SCHEDULED, Actor.SECRETARIAT)


def can_record_decision(user, request) -> bool:
    return is_secretariat(user) and request.status == Status.SCHEDULED


def can_manage_attachments(user, request) -> bool:
    return can_edit_request(user, request)


def can_use_review_queue(user) -> bool:
    return bool(council_roles(user).co_chair_of)


def can_view_overview(user) -> bool:
    return is_portal_reader(user)


def can_view_funding(user) -> bool:
    """The funding pages at all: anyone who may see at least some request."""
    return is_portal_reader(user)


# --- Role-level checks for the action views ------------------------------------------------
# The views refuse with 403 whoever could never take the action; whether the request's state
# allows it *now* is the service's call, so that someone acting on a page that has become stale
# gets the "someone else changed it" message and keeps what they typed, not a bare 403.


def may_act_as_requester(user, request) -> bool:
    return is_requester(user, request)


def may_act_as_reviewer(user, request) -> bool:
    return bool(reviewing_councils(user, request)) and not is_recused(user, request)


def may_act_as_secretariat(user, request) -> bool:
    return is_secretariat(user)


def can_publish_package(user) -> bool:
    """A meeting's package is published by the secretariat."""
    return is_secretariat(user)


def can_view_package(user, package=None) -> bool:
    """A package goes to everyone who may see its meeting (councils.permissions)."""
    return can_view_meetings(user)
