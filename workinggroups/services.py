"""Writes for groups: lifecycle transitions, reviews, links, measures, workplans and the
calendar address. Keyword-only, atomic, validated; views and the demo loader call these."""

import datetime
import hashlib
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from councils.permissions import is_secretariat

from .lifecycle import CARRIES_OUT, RESULT, STARTS, TRANSITIONS, To
from .models import (
    CalendarToken,
    Group,
    GroupLink,
    GroupStatusChange,
    Measure,
    MeasureGroup,
    Objective,
    Workplan,
    WorkplanItem,
)
from .permissions import can_draft_workplan

USEFULNESS_REVIEW_INTERVAL = datetime.timedelta(days=365)


class TransitionRefused(ValidationError):
    """A lifecycle or workflow step that its rule does not allow; the message says why."""


# --- Group lifecycle ------------------------------------------------------------------------


def transition_refusal(group, to):
    """The reason `to` is refused for this group as it stands, or None when it is allowed.

    Shared by the service (on the locked row) and the confirmation page (to explain before
    the person types a reason)."""
    allowed = TRANSITIONS.get(group.kind, {}).get(group.status, [])
    if to not in allowed:
        return _("“%(target)s” is not possible for a %(kind)s with the status “%(status)s”.") % {
            "kind": group.get_kind_display().lower(),
            "status": group.get_status_display().lower(),
            "target": To(to).label.lower() if to in To.values else to,
        }
    open_count = group.objectives.open().count() if to == To.DISSOLVED else 0
    if open_count and group.status == Group.Status.ACTIVE:
        return _(
            "This working group still has %(count)s open objective(s) or deliverable(s): it "
            "cannot be dissolved outright. Start winding it down, and dissolve it once they "
            "are done or cancelled."
        ) % {"count": open_count}
    if open_count:
        return _(
            "This working group still has %(count)s open objective(s) or deliverable(s): mark "
            "them done or cancelled before dissolving it."
        ) % {"count": open_count}
    return None


@transaction.atomic
def group_transition(*, group, to, by, reason, next_review_date=None, seen=None):
    """Take the group to `to` (a `lifecycle.To`), record who, when and why, and carry out the
    measures this transition completes. Returns the GroupStatusChange row.

    The group row is locked, and the table is checked against the locked row, so two people
    converting the same group at once cannot both succeed. `seen` is the "kind:status" the
    person's page showed: if the group changed since, the action is refused, so that two
    different actions taken from the same page cannot both win one after the other."""
    if not is_secretariat(by):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise TransitionRefused(
            {"reason": _("Give the reason for this change: it is kept in the group's history.")}
        )
    locked = Group.objects.select_for_update().get(pk=group.pk)
    if seen is not None and seen != f"{locked.kind}:{locked.status}":
        raise TransitionRefused(
            _(
                "Someone changed this group while you were on this page: it is now "
                "%(kind)s, %(status)s. Check its history before acting again."
            )
            % {
                "kind": locked.get_kind_display().lower(),
                "status": locked.get_status_display().lower(),
            }
        )
    refusal = transition_refusal(locked, to)
    if refusal:
        raise TransitionRefused(refusal)
    today = timezone.localdate()
    old_status, old_kind = locked.status, locked.kind
    new_kind, new_status = RESULT[To(to)]
    locked.kind = new_kind or locked.kind
    locked.status = new_status
    if to == To.ACTIVE and not locked.start_date:
        locked.start_date = today
    if to == To.COP:
        # A community of practice has no end date; it is reviewed for usefulness instead.
        locked.end_date = None
        if next_review_date:
            locked.next_review_date = next_review_date
        elif not locked.next_review_date or locked.next_review_date <= today:
            locked.next_review_date = today + USEFULNESS_REVIEW_INTERVAL
    if to == To.DISSOLVED and (not locked.end_date or locked.end_date > today):
        locked.end_date = max(today, locked.start_date) if locked.start_date else today
    locked.full_clean()
    locked.save()
    change = GroupStatusChange.objects.create(
        group=locked,
        old_status=old_status,
        new_status=locked.status,
        old_kind=old_kind,
        new_kind=locked.kind,
        by=by,
        reason=reason,
    )
    _carry_out_measures(group=locked, to=to, change=change)
    group.refresh_from_db()
    return change


def _carry_out_measures(*, group, to, change):
    """Mark the open measures of the matching type as carried out for this group; a measure
    carried out for every group it concerns is done, otherwise it is in progress."""
    measure_type = CARRIES_OUT.get(to)
    if measure_type:
        rows = MeasureGroup.objects.select_related("measure").filter(
            group=group, carried_out_at__isnull=True, measure__type=measure_type
        )
        rows = rows.exclude(measure__status__in=[Measure.Status.DONE, Measure.Status.DROPPED])
        measure_ids = set()
        for row in rows:
            row.carried_out_at = change.at
            row.status_change = change
            row.save(update_fields=["carried_out_at", "status_change"])
            measure_ids.add(row.measure_id)
        for measure in Measure.objects.select_for_update().filter(pk__in=measure_ids):
            pending = measure.group_rows.filter(carried_out_at__isnull=True).exists()
            measure.status = Measure.Status.IN_PROGRESS if pending else Measure.Status.DONE
            measure.full_clean()
            measure.save()
    started = STARTS.get(to)
    if started:
        for measure in Measure.objects.filter(
            type=started,
            groups=group,
            status__in=[Measure.Status.PROPOSED, Measure.Status.APPROVED],
        ):
            measure.status = Measure.Status.IN_PROGRESS
            measure.full_clean()
            measure.save()


# --- Reviews and links ----------------------------------------------------------------------


@transaction.atomic
def review_record(*, review, by, seen_version=None):
    """Record a mandate or usefulness review of the mandate's current version (the one the
    person's page showed: `seen_version`, a version number; a newer one since is refused);
    its next review date becomes the group's."""
    if not is_secretariat(by):
        raise PermissionDenied
    Group.objects.select_for_update().filter(pk=review.group_id).first()
    version = review.group.mandate_versions.order_by("-number").first()
    if seen_version is not None and (version is None or version.number != seen_version):
        raise TransitionRefused(
            _(
                "The mandate changed while you were on this page: version %(number)s is now "
                "current. Read it, then record the review."
            )
            % {"number": version.number if version else "—"}
        )
    review.mandate_version = version
    review.recorded_by = by
    review.full_clean()
    review.save()
    if review.next_review_date:
        Group.objects.filter(pk=review.group_id).update(next_review_date=review.next_review_date)
    return review


@transaction.atomic
def group_link_create(*, group, other, by, note_en="", note_fr=""):
    if not is_secretariat(by):
        raise PermissionDenied
    if group.pk == other.pk:
        raise ValidationError({"other": _("A group cannot be linked to itself.")})
    a, b = sorted([group, other], key=lambda g: g.pk)
    if GroupLink.objects.filter(group_a=a, group_b=b).exists():
        raise ValidationError({"other": _("These two groups are already linked.")})
    link = GroupLink(group_a=a, group_b=b, note_en=note_en, note_fr=note_fr, created_by=by)
    link.full_clean()
    link.save()
    return link


@transaction.atomic
def group_link_delete(*, link, by):
    if not is_secretariat(by):
        raise PermissionDenied
    link.delete()


# --- Measures -------------------------------------------------------------------------------


@transaction.atomic
def measure_save(*, measure, groups, by):
    """Create or update a measure and the groups it concerns (keeping what was carried out)."""
    if not is_secretariat(by):
        raise PermissionDenied
    measure.full_clean()
    measure.save()
    wanted = {g.pk for g in groups}
    measure.group_rows.exclude(group_id__in=wanted).delete()
    have = set(measure.group_rows.values_list("group_id", flat=True))
    MeasureGroup.objects.bulk_create(
        [MeasureGroup(measure=measure, group_id=pk) for pk in sorted(wanted - have)]
    )
    return measure


# --- Workplans ------------------------------------------------------------------------------


@transaction.atomic
def workplan_start(*, group, by, period_start, period_end, due_date=None):
    """Start a new version as a draft, its items copied from the latest version (or, for a
    first workplan, from the group's open objectives)."""
    if not can_draft_workplan(by, group):
        raise PermissionDenied
    Group.objects.select_for_update().filter(pk=group.pk).first()
    pending = group.workplans.filter(
        status__in=[Workplan.Status.DRAFT, Workplan.Status.SUBMITTED]
    ).first()
    if pending:
        raise TransitionRefused(
            _("Version %(version)s is still %(status)s: finish it before starting another.")
            % {"version": pending.version, "status": pending.get_status_display().lower()}
        )
    latest = group.workplans.order_by("-version").first()
    version = (group.workplans.aggregate(v=Max("version"))["v"] or 0) + 1
    workplan = Workplan(
        group=group,
        version=version,
        period_start=period_start,
        period_end=period_end,
        due_date=due_date,
        summary_en=latest.summary_en if latest else "",
        summary_fr=latest.summary_fr if latest else "",
    )
    workplan.full_clean()
    workplan.save()
    if latest:
        items = [
            WorkplanItem(
                workplan=workplan,
                objective_id=i.objective_id,
                kind=i.kind,
                title_en=i.title_en,
                title_fr=i.title_fr,
                priority_id=i.priority_id,
                due_date=i.due_date,
            )
            for i in latest.items.all()
        ]
    else:
        items = [
            WorkplanItem(
                workplan=workplan,
                objective=o,
                kind=o.kind,
                title_en=o.title_en,
                title_fr=o.title_fr,
                priority_id=o.priority_id,
                due_date=o.due_date,
            )
            for o in group.objectives.open()
        ]
    WorkplanItem.objects.bulk_create(items)
    return workplan


def _check_status(workplan, *expected):
    if workplan.status not in expected:
        raise TransitionRefused(
            _("Version %(version)s is %(status)s: this step is not possible now.")
            % {"version": workplan.version, "status": workplan.get_status_display().lower()}
        )


def _lock(workplan):
    return Workplan.objects.select_for_update().select_related("group").get(pk=workplan.pk)


@transaction.atomic
def workplan_update(*, workplan, by, form, formset):
    """Save the draft's period, summary and items (a bound, valid form and formset)."""
    locked = _lock(workplan)
    if not can_draft_workplan(by, locked.group):
        raise PermissionDenied
    _check_status(locked, Workplan.Status.DRAFT)
    form.save()
    formset.save()
    return locked


@transaction.atomic
def workplan_submit(*, workplan, by):
    locked = _lock(workplan)
    if not can_draft_workplan(by, locked.group):
        raise PermissionDenied
    _check_status(locked, Workplan.Status.DRAFT)
    items = list(locked.items.all())
    if not items:
        raise TransitionRefused(_("Add at least one objective or deliverable before submitting."))
    undated = [i for i in items if not i.due_date]
    if undated:
        raise TransitionRefused(
            _("Every objective and deliverable needs a deadline; missing for: %(titles)s.")
            % {"titles": "; ".join(str(i.title) for i in undated)}
        )
    locked.status = Workplan.Status.SUBMITTED
    locked.submitted_at = timezone.now()
    locked.submitted_by = by
    locked.full_clean()
    locked.save()
    workplan.refresh_from_db()
    return locked


@transaction.atomic
def workplan_accept(*, workplan, by, comment=""):
    """Accept a submitted version: earlier accepted versions are superseded, and items that
    describe no live objective yet become objectives of the group (and are linked to them)."""
    if not is_secretariat(by):
        raise PermissionDenied
    locked = _lock(workplan)
    _check_status(locked, Workplan.Status.SUBMITTED)
    locked.group.workplans.filter(status=Workplan.Status.ACCEPTED).exclude(pk=locked.pk).update(
        status=Workplan.Status.SUPERSEDED
    )
    for item in locked.items.filter(objective__isnull=True):
        objective = Objective(
            group=locked.group,
            kind=item.kind,
            title_en=item.title_en,
            title_fr=item.title_fr,
            priority_id=item.priority_id,
            due_date=item.due_date,
        )
        objective.full_clean()
        objective.save()
        item.objective = objective
        item.save(update_fields=["objective"])
    locked.status = Workplan.Status.ACCEPTED
    locked.reviewed_at = timezone.now()
    locked.reviewed_by = by
    locked.review_comment = (comment or "").strip()
    locked.full_clean()
    locked.save()
    workplan.refresh_from_db()
    return locked


@transaction.atomic
def workplan_return(*, workplan, by, comment):
    if not is_secretariat(by):
        raise PermissionDenied
    comment = (comment or "").strip()
    if not comment:
        raise TransitionRefused(
            {"comment": _("Say what the group should change: the comments are required.")}
        )
    locked = _lock(workplan)
    _check_status(locked, Workplan.Status.SUBMITTED)
    locked.status = Workplan.Status.RETURNED
    locked.reviewed_at = timezone.now()
    locked.reviewed_by = by
    locked.review_comment = comment
    locked.full_clean()
    locked.save()
    workplan.refresh_from_db()
    return locked


@transaction.atomic
def workplan_discard(*, workplan, by):
    """Delete a draft that was never submitted."""
    locked = _lock(workplan)
    if not can_draft_workplan(by, locked.group):
        raise PermissionDenied
    _check_status(locked, Workplan.Status.DRAFT)
    locked.delete()


def compare_workplans(older, newer):
    """Rows (change, old item, new item) matching items by live objective, else by title.

    change is "added", "removed", "changed" or "same"."""

    def key(item):
        return ("o", item.objective_id) if item.objective_id else ("t", item.title_en.strip())

    old_items = {key(i): i for i in older.items.all()}
    new_items = {key(i): i for i in newer.items.all()}
    fields = ("title_en", "title_fr", "kind", "priority_id", "due_date")
    rows = []
    for k, new in new_items.items():
        old = old_items.get(k)
        if old is None:
            rows.append(("added", None, new))
        elif any(getattr(old, f) != getattr(new, f) for f in fields):
            rows.append(("changed", old, new))
        else:
            rows.append(("same", old, new))
    rows += [("removed", old, None) for k, old in old_items.items() if k not in new_items]
    return rows


# --- Calendar address -----------------------------------------------------------------------


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def calendar_token_create(*, user):
    """Make (or replace) the person's calendar secret; returns the raw token, shown once."""
    token = secrets.token_urlsafe(32)
    CalendarToken.objects.update_or_create(
        user=user, defaults={"token_hash": hash_token(token), "created_at": timezone.now()}
    )
    return token


@transaction.atomic
def calendar_token_revoke(*, user):
    CalendarToken.objects.filter(user=user).delete()


def user_for_calendar_token(token):
    if not token or len(token) > 200:
        return None
    row = (
        CalendarToken.objects.select_related("user", "user__profile")
        .filter(Q(token_hash=hash_token(token)), user__is_active=True)
        .first()
    )
    return row.user if row else None
