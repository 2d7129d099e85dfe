"""Writes for meetings, their agenda, attendees, decisions and action items, and external
bodies. Each checks who may write, validates the row, and saves it in one transaction."""

import copy
import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from core import workflow

from .models import ActionItem, Council, CouncilMembership, person_name
from .permissions import can_manage_councils, can_manage_meetings, can_update_action_item


def _save(obj, *, by, m2m=None):
    if not can_manage_meetings(by):
        raise PermissionDenied
    obj.full_clean()
    obj.save()
    for name, values in (m2m or {}).items():
        getattr(obj, name).set(values)
    return obj


@transaction.atomic
def meeting_save(*, meeting, councils, by):
    return _save(meeting, by=by, m2m={"councils": councils})


@transaction.atomic
def agenda_item_save(*, item, by):
    return _save(item, by=by)


@transaction.atomic
def attendee_save(*, attendee, by):
    return _save(attendee, by=by)


@transaction.atomic
def decision_save(*, decision, by):
    return _save(decision, by=by)


@transaction.atomic
def action_item_save(*, item, by):
    return _save(item, by=by)


@transaction.atomic
def external_body_save(*, body, topics, by):
    return _save(body, by=by, m2m={"topics": topics})


@transaction.atomic
def engagement_save(*, engagement, by):
    if engagement.recorded_by_id is None:
        engagement.recorded_by = by
    return _save(engagement, by=by)


@transaction.atomic
def meeting_part_delete(*, obj, by):
    """Remove an agenda item, an attendee or a decision (history keeps the deleted row)."""
    if not can_manage_meetings(by):
        raise PermissionDenied
    obj.delete()


@transaction.atomic
def action_item_set_status(*, item, status, by):
    """The owner or the secretariat moves an action item along (open, in progress, done,
    cancelled); done stamps the completion date."""
    if not can_update_action_item(by, item):
        raise PermissionDenied
    locked = ActionItem.objects.select_for_update().get(pk=item.pk)
    locked.status = status
    locked.full_clean()
    locked.save()
    item.refresh_from_db()
    return locked


# --- Council memberships --------------------------------------------------------------------


def lock_councils(council_ids) -> None:
    """Lock the councils' rows, in a fixed order (no deadlock between two changes). Every
    change that can move a group's liaison on a council (a group or council membership, the
    councils a group reports to) takes this lock first, so such changes on one council are
    served one after the other and each sees the one before."""
    ids = sorted({pk for pk in council_ids if pk})
    if ids:
        list(Council.objects.select_for_update().filter(pk__in=ids).order_by("pk").values("pk"))


def _day_after(day):
    return day + datetime.timedelta(days=1) if day else None


def _liaison_check(membership, old, days):
    """The check of settings.PORTAL_LIAISON_CHECK (an app higher up knows what a liaison is),
    armed before the change; None when no app registered one."""
    if not settings.PORTAL_LIAISON_CHECK:
        return None
    council_ids = {membership.council_id} | ({old.council_id} if old else set())
    return import_string(settings.PORTAL_LIAISON_CHECK)(
        user_ids={membership.user_id}, council_ids=council_ids, days=days
    )


def _refuse_overlap(membership):
    """One person holds one role on one council once at a time."""
    clash = (
        CouncilMembership.objects.filter(
            council_id=membership.council_id, user_id=membership.user_id, role=membership.role
        )
        .exclude(pk=membership.pk)
        .filter_by_days([membership.start_date, membership.end_date or datetime.date.max])
        .first()
    )
    if clash:
        raise ValidationError({"user": overlap_message(clash, _("this role on this council"))})


def overlap_message(clash, what):
    """ "<person> already holds <what> from <start> (to <end>)." for a clashing term."""
    values = {
        "person": person_name(clash.user),
        "what": what,
        "start": date_format(clash.start_date, "SHORT_DATE_FORMAT"),
    }
    if clash.end_date:
        values["end"] = date_format(clash.end_date, "SHORT_DATE_FORMAT")
        return _("%(person)s already holds %(what)s from %(start)s to %(end)s.") % values
    return _("%(person)s already holds %(what)s from %(start)s.") % values


def _save_membership(membership, *, old, reason, confirmed):
    dates = [membership.start_date, _day_after(membership.end_date)]
    if old:
        dates += [old.start_date, _day_after(old.end_date)]
    today = timezone.localdate()
    days = {today} | {d for d in dates if d and d > today}
    check = _liaison_check(membership, old, days)
    membership.change_reason = (reason or "").strip()
    membership.revision = old.revision + 1 if old else 0
    membership.full_clean()
    _refuse_overlap(membership)
    membership.save()
    if check:
        check(reason=reason, confirmed=confirmed)
    return membership


@transaction.atomic
def council_membership_save(*, membership, by, seen=None, reason="", confirmed=()):
    """Add a council membership (no pk yet) or change one: role, jurisdiction, term.

    The council's row is locked first (`lock_councils`) and the membership's `revision`
    checked against `seen`, so of two people changing it at once one wins and the other is
    told. A change that leaves a group with nobody on a council it reports to (a co-chair's
    seat is their group's liaison) is refused with `NeedsConfirmation` unless the gaps it
    opens were confirmed with a reason."""
    if not can_manage_councils(by):
        raise PermissionDenied
    old = None
    council_ids = {membership.council_id}
    if membership.pk:
        council_ids |= set(
            CouncilMembership.objects.filter(pk=membership.pk).values_list("council_id", flat=True)
        )
    lock_councils(council_ids)
    if membership.pk:
        old = workflow.lock(CouncilMembership, membership.pk)
        workflow.check_seen(old, seen)
        membership.user_id = old.user_id  # the person of a term never changes
    return _save_membership(membership, old=old, reason=reason, confirmed=confirmed)


@transaction.atomic
def council_membership_end(*, membership, by, end_date, seen=None, reason="", confirmed=()):
    """End a term on `end_date` (its last day): the record and its history stay."""
    if not can_manage_councils(by):
        raise PermissionDenied
    lock_councils({membership.council_id})
    old = workflow.lock(CouncilMembership, membership.pk)
    workflow.check_seen(old, seen)
    refuse_ended(old)
    changed = copy.copy(old)
    changed.end_date = end_date
    return _save_membership(changed, old=old, reason=reason, confirmed=confirmed)


def refuse_ended(old):
    """A term whose last day has passed is over: ending it again is refused (someone else
    ended it, or it ended on its own)."""
    if old.end_date and old.end_date < timezone.localdate():
        raise workflow.StepRefused(
            _("This term already ended on %(date)s.")
            % {"date": date_format(old.end_date, "DATE_FORMAT")},
            code="ended",
        )
