"""Groups as the secretariat keeps them: creating one (it starts as proposed), editing it, and
its mandate's versions (who, when, why), which reviews point at and readers compare.

Writes are keyword-only services, atomic and validated; the views and the demo loader call
them. A mandate changed anywhere else (the admin, a script) still becomes a version, through
`record_outside_change` (a post_save receiver), so that no change of the text is lost.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.models import HistoricalRecords

from core import workflow
from core.bilingual import LANGUAGES

from . import liaison
from .models import Group, MandateVersion
from .permissions import can_edit_group

# Paths under /groups/ that are pages, not groups: a group with one of these short names
# could never be opened (the group page's pattern comes after them).
RESERVED_SLUGS = frozenset(
    {
        "new",
        "health",
        "measures",
        "workplans",
        "objectives",
        "reports",
        "links",
        "calendar",
        "memberships",
    }
)


def _texts(obj):
    return tuple(getattr(obj, f"mandate_{lang}") or "" for lang in LANGUAGES)


def current_version(group):
    return group.mandate_versions.order_by("-number").first()


def record_version(*, group, by, origin, reason=""):
    """A new version holding the group's mandate as it stands now (the caller holds the
    group's lock, or the group is new)."""
    number = (group.mandate_versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = MandateVersion(
        group=group,
        number=number,
        mandate_en=group.mandate_en,
        mandate_fr=group.mandate_fr,
        origin=origin,
        reason=(reason or "").strip(),
        by=by,
        at=timezone.now(),
    )
    version.full_clean()
    version.save()
    return version


@receiver(post_save, sender=Group, dispatch_uid="workinggroups-mandate-outside-change")
def record_outside_change(sender, instance, created, raw=False, **kwargs):
    """A mandate saved without the services (the admin, a script, a fixture) is a version
    too, by the person of the request when there is one."""
    if raw or getattr(instance, "_mandate_recorded", False):
        return
    latest = current_version(instance)
    if latest is not None and _texts(latest) == _texts(instance):
        return
    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    record_version(
        group=instance,
        by=user if getattr(user, "is_authenticated", False) else None,
        origin=MandateVersion.Origin.CREATED if created else MandateVersion.Origin.OUTSIDE,
    )


def _check_slug(group):
    if group.slug in RESERVED_SLUGS:
        raise ValidationError(
            {"slug": _("This short name is used by a page of the portal: choose another.")}
        )


def _refuse_cycle(group):
    """A group cannot sit under itself, even through its parent's parents."""
    ancestor, seen = group.parent, set()
    while ancestor is not None and ancestor.pk not in seen:
        if ancestor.pk == group.pk:
            raise ValidationError(
                {"parent": _("This group cannot sit under one of the groups under it.")}
            )
        seen.add(ancestor.pk)
        ancestor = ancestor.parent


@transaction.atomic
def group_create(*, group, councils, priorities, by):
    """Create a group from the secretariat's form: it starts as proposed; its mandate is its
    version 1. Adding its co-chairs and representatives comes next (a new group has nobody
    on the councils it reports to yet, so it opens no gap that anyone could close first)."""
    if not can_edit_group(by, group):
        raise PermissionDenied
    group.status = Group.Status.PROPOSED
    group.revision = 0
    _check_slug(group)
    group.full_clean()
    group._mandate_recorded = True
    group.save()
    group.councils.set(councils)
    group.priorities.set(priorities)
    record_version(group=group, by=by, origin=MandateVersion.Origin.CREATED)
    return group


@transaction.atomic
def group_update(*, group, councils, priorities, by, seen=None, reason="", confirmed=()):
    """Save the secretariat's edit of a group (a form-changed instance, its councils and
    priorities). A changed mandate needs a reason and becomes a new version. The kind changes
    here only while the group is proposed: later, converting a working group is a lifecycle
    step with its own rules. Reporting to a council where the group has nobody opens a
    liaison gap: it needs the person's confirmation (liaison.require_confirmation)."""
    if not can_edit_group(by, group):
        raise PermissionDenied
    reason = (reason or "").strip()
    old_councils = set(group.councils.values_list("pk", flat=True))
    new_councils = {c.pk for c in councils}
    liaison.lock_councils(old_councils | new_councils)
    locked = workflow.lock(Group, group.pk)
    workflow.check_seen(locked, seen)
    if group.kind != locked.kind and locked.status != Group.Status.PROPOSED:
        raise ValidationError(
            {
                "kind": _(
                    "The kind of a group changes only while it is proposed; convert a working "
                    "group to a community of practice from its page."
                )
            }
        )
    mandate_changed = _texts(group) != _texts(locked)
    if mandate_changed and not reason:
        raise ValidationError(
            {"reason": _("Say why the mandate changes: the reason is kept with the new version.")}
        )
    _refuse_cycle(group)
    group.status = locked.status  # lifecycle steps only change it
    group.slug = locked.slug  # links and bookmarks keep working
    group.revision = locked.revision + 1
    group.full_clean()
    days = {timezone.localdate()}
    before = liaison.gaps({group.pk}, days)
    group._mandate_recorded = True
    group.save()
    group.councils.set(councils)
    group.priorities.set(priorities)
    liaison.require_confirmation(
        liaison.opened(before, liaison.gaps({group.pk}, days)), reason=reason, confirmed=confirmed
    )
    if mandate_changed:
        record_version(group=group, by=by, origin=MandateVersion.Origin.EDITED, reason=reason)
    return group
