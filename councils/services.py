"""Writes for meetings, their agenda, attendees, decisions and action items, and external
bodies. Each checks who may write, validates the row, and saves it in one transaction."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from .models import ActionItem
from .permissions import can_manage_meetings, can_update_action_item


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
