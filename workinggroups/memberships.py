"""Group memberships as the secretariat keeps them: add, change and end the terms of
co-chairs, members and council representatives.

Every change locks the councils it may touch (`liaison.lock_councils`: the group's councils
and the representative's), then the membership's row, and checks the revision the person's
page showed, so that of two people ending the last liaison of a council at once exactly one
wins and the other is told. A change that opens a liaison gap stands only with a reason and
the person's confirmation of that gap (`liaison.require_confirmation`).
"""

import copy
import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import workflow
from councils.services import overlap_message, refuse_ended

from . import liaison
from .models import Group, GroupMembership
from .permissions import can_manage_memberships

Role = GroupMembership.Role


def _refuse_overlap(membership):
    """One person holds one role in one group once at a time (a representative once per
    council)."""
    clash = (
        GroupMembership.objects.filter(
            group_id=membership.group_id,
            user_id=membership.user_id,
            role=membership.role,
            council_id=membership.council_id,
        )
        .exclude(pk=membership.pk)
        .filter_by_days([membership.start_date, membership.end_date or datetime.date.max])
        .select_related("user")
        .first()
    )
    if clash:
        what = (
            _("this role in this group")
            if membership.role != Role.REPRESENTATIVE
            else _("this seat for this group")
        )
        raise ValidationError({"user": overlap_message(clash, what)})


def _save(membership, *, old, reason, confirmed):
    if membership.role != Role.REPRESENTATIVE:
        membership.council = None  # a council is what a representative sits on, only
    dates = [membership.start_date, liaison.day_after(membership.end_date)]
    if old:
        dates += [old.start_date, liaison.day_after(old.end_date)]
    days = liaison.days_concerned(*dates)
    membership.change_reason = (reason or "").strip()
    membership.revision = old.revision + 1 if old else 0
    membership.full_clean()
    _refuse_overlap(membership)
    before = liaison.gaps({membership.group_id}, days)
    membership.save()
    after = liaison.gaps({membership.group_id}, days)
    liaison.require_confirmation(liaison.opened(before, after), reason=reason, confirmed=confirmed)
    return membership


def _lock(membership):
    """Lock the councils this membership touches, then its row (when it exists)."""
    council_ids = set(membership.group.councils.values_list("pk", flat=True))
    council_ids.add(membership.council_id)
    if membership.pk:
        council_ids |= set(
            GroupMembership.objects.filter(pk=membership.pk).values_list("council_id", flat=True)
        )
    liaison.lock_councils(council_ids)
    # Then the group (the order every change takes: councils, group, membership), so that
    # two people adding the same person at once cannot both pass the check for overlaps.
    list(Group.objects.select_for_update().filter(pk=membership.group_id).values("pk"))
    return workflow.lock(GroupMembership, membership.pk) if membership.pk else None


@transaction.atomic
def membership_save(*, membership, by, seen=None, reason="", confirmed=()):
    """Add a membership (no pk yet) or change one (role, council, term) from a form-changed
    instance. The person and the group of a term never change: a new term is a new row."""
    if not can_manage_memberships(by):
        raise PermissionDenied
    old = _lock(membership)
    if old:
        workflow.check_seen(old, seen)
        membership.user_id, membership.group_id = old.user_id, old.group_id
    return _save(membership, old=old, reason=reason, confirmed=confirmed)


@transaction.atomic
def membership_end(*, membership, by, end_date, seen=None, reason="", confirmed=()):
    """End a term on `end_date`, its last day. The record and its history stay."""
    if not can_manage_memberships(by):
        raise PermissionDenied
    old = _lock(membership)
    workflow.check_seen(old, seen)
    refuse_ended(old)
    changed = copy.copy(old)
    changed.end_date = end_date
    return _save(changed, old=old, reason=reason, confirmed=confirmed)
