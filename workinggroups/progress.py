"""Progress reporting: objective updates (a dated timeline per objective) and the groups'
periodic progress reports, their reporting periods and their workflow.

Writes are keyword-only services, atomic and validated; views, the demo loader and the
reminders call these. The strategic plan follows updates through `objective_progressed`.
"""

import datetime

import django.dispatch
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core import workflow, written
from core.fiscal import reporting_period
from councils.permissions import is_secretariat

from .models import (
    Group,
    Objective,
    ObjectiveUpdate,
    ProgressReport,
    ProgressReportStatusChange,
)
from .permissions import can_file_progress_report, can_update_objective

# Sent inside the update's transaction when an objective's "done" state or completion date
# changed: `since` is the earliest day whose progress changed. The strategic plan (an app
# higher in the import order) re-takes its snapshots from that day on.
objective_progressed = django.dispatch.Signal()

Status = ProgressReport.Status
COCHAIR, SECRETARIAT = "cochair", "secretariat"
# From status → {to status: who may take the step}.
TRANSITIONS = {
    Status.DRAFT: {Status.SUBMITTED: COCHAIR},
    Status.RETURNED: {Status.SUBMITTED: COCHAIR},
    Status.SUBMITTED: {Status.ACKNOWLEDGED: SECRETARIAT, Status.RETURNED: SECRETARIAT},
}


def _may(by, report, actor):
    if actor == SECRETARIAT:
        return is_secretariat(by)
    return can_file_progress_report(by, report.group)


# --- Reporting periods ----------------------------------------------------------------------


def period_months():
    return settings.PORTAL_REPORTING_PERIOD_MONTHS


def period_of(day):
    return reporting_period(day, period_months())


def period_before(start):
    return period_of(start - datetime.timedelta(days=1))


def period_after(end):
    return period_of(end + datetime.timedelta(days=1))


def report_due_date(period_end):
    return period_end + datetime.timedelta(days=settings.PORTAL_PROGRESS_REPORT_DUE_DAYS)


def last_due_period(day=None):
    """The latest period whose report is already due on `day` (its due date has passed)."""
    day = day or timezone.localdate()
    start, end = period_before(period_of(day)[0])
    while report_due_date(end) >= day:
        start, end = period_before(start)
    return start, end


def next_due_period(day=None):
    """The first period whose report is due on or after `day`."""
    return period_after(last_due_period(day)[1])


def reportable_periods(day=None):
    """The periods a co-chair may report on today: the last ended one and the current one."""
    current = period_of(day or timezone.localdate())
    return [period_before(current[0]), current]


def reporting_groups(period_start, period_end):
    """Groups expected to report on a period: active or winding down, started by its end."""
    return Group.objects.filter(
        Q(start_date__isnull=True) | Q(start_date__lte=period_end),
        status__in=[Group.Status.ACTIVE, Group.Status.WINDING_DOWN],
    )


def filed_report_exists(period_start, group_ref="pk"):
    return Exists(
        ProgressReport.objects.filter(
            group=OuterRef(group_ref), period_start=period_start, status__in=ProgressReport.FILED
        )
    )


def groups_without_report(period_start, period_end):
    return reporting_groups(period_start, period_end).filter(~filed_report_exists(period_start))


def last_reported(group_ids=None) -> dict:
    """{group id: date of its latest filed report}: one grouped query."""
    rows = ProgressReport.objects.filter(status__in=ProgressReport.FILED)
    if group_ids is not None:
        rows = rows.filter(group_id__in=group_ids)
    rows = rows.values("group_id").annotate(last=Max("submitted_at")).order_by()
    return {r["group_id"]: timezone.localdate(r["last"]) if r["last"] else None for r in rows}


# --- Objective updates ----------------------------------------------------------------------


@transaction.atomic
def objective_update(
    *,
    objective,
    by,
    status,
    due_date=None,
    completed_on=None,
    due_date_reason="",
    note_en="",
    note_fr="",
    evidence_url="",
    seen=None,
):
    """Record an update of an objective and apply it: status, completion date, deadline.

    The objective row is locked and `seen` (the revision the person's page showed) checked, so
    of two co-chairs updating one objective at once, one wins and the other is told. Moving
    a deadline needs a reason and keeps the first deadline (`original_due_date`)."""
    locked = workflow.lock(Objective, objective.pk, related=("group",))
    if not can_update_objective(by, locked):
        raise PermissionDenied
    workflow.check_seen(locked, seen)
    today = timezone.localdate()
    note_en, note_fr = (note_en or "").strip(), (note_fr or "").strip()
    due_date_reason = (due_date_reason or "").strip()
    errors = {}
    if status not in Objective.Status.values:
        errors["status"] = _("Choose a status.")
    if status != Objective.Status.DONE and completed_on:
        errors["completed_on"] = _("A completion date applies only to a done objective.")
    if completed_on and completed_on > today:
        errors["completed_on"] = _("The completion date cannot be in the future.")
    moved = locked.due_date is not None and due_date != locked.due_date
    if moved and not due_date_reason:
        errors["due_date_reason"] = _(
            "Say why the deadline moves: the plan shows the original deadline beside the new one."
        )
    if locked.due_date is not None and due_date is None:
        errors["due_date"] = _("An objective that had a deadline keeps one: enter the new date.")
    if errors:
        raise ValidationError(errors)

    old = (locked.status, locked.completed_on, locked.due_date)
    locked.status = status
    if status == Objective.Status.DONE:
        locked.completed_on = completed_on or locked.completed_on or today
    else:
        locked.completed_on = None
    if moved and locked.original_due_date is None:
        locked.original_due_date = old[2]
    if locked.original_due_date == due_date:
        locked.original_due_date = None  # back on the first deadline: no longer re-baselined
    locked.due_date = due_date
    new = (locked.status, locked.completed_on, locked.due_date)
    if new == old and not (note_en or note_fr or evidence_url):
        raise ValidationError(
            _("Nothing to record: change the status or the deadline, or write a note.")
        )
    locked.revision += 1
    locked.full_clean()
    locked.save()
    update = ObjectiveUpdate(
        objective=locked,
        by=by,
        at=timezone.now(),
        old_status=old[0],
        new_status=new[0],
        old_completed_on=old[1],
        new_completed_on=new[1],
        old_due_date=old[2],
        new_due_date=new[2],
        due_date_reason=due_date_reason if moved else "",
        due_date_reason_lang=written.typed_language() if moved and due_date_reason else "",
        note_en=note_en,
        note_fr=note_fr,
        evidence_url=evidence_url or "",
    )
    update.full_clean()
    update.save()
    was_done, is_done = old[0] == Objective.Status.DONE, new[0] == Objective.Status.DONE
    if was_done != is_done or old[1] != new[1]:
        days = [d for d in (old[1], new[1]) if d] or [today]
        objective_progressed.send(sender=Objective, objective=locked, since=min(days))
    objective.refresh_from_db()
    return update


# --- Progress reports -----------------------------------------------------------------------


@transaction.atomic
def progress_report_start(*, group, by, period_start):
    """The group's report for the period starting `period_start`: the existing one, or a new
    draft. Only the last ended period and the current one can be reported on."""
    if not can_file_progress_report(by, group):
        raise PermissionDenied
    periods = dict(reportable_periods())
    if period_start not in periods:
        raise ValidationError({"period": _("Choose the last reporting period or the current one.")})
    existing = ProgressReport.objects.filter(group=group, period_start=period_start).first()
    if existing:
        return existing
    report = ProgressReport(
        group=group, period_start=period_start, period_end=periods[period_start]
    )
    report.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:  # started by another co-chair at the same moment
        return ProgressReport.objects.get(group=group, period_start=period_start)
    return report


def _editable(report, by):
    if not can_file_progress_report(by, report.group):
        raise PermissionDenied
    if report.status not in (Status.DRAFT, Status.RETURNED):
        raise workflow.StepRefused(
            _("This report is %(status)s: it can no longer be edited.")
            % {"status": report.get_status_display().lower()}
        )


@transaction.atomic
def progress_report_save(*, report, by, narrative_en="", narrative_fr="", confirmed=(), seen=None):
    """Save the draft's narrative and the objectives confirmed so far."""
    locked = workflow.lock(ProgressReport, report.pk, related=("group",))
    _editable(locked, by)
    workflow.check_seen(locked, seen)
    open_ids = set(locked.group.objectives.open().values_list("pk", flat=True))
    locked.narrative_en = (narrative_en or "").strip()
    locked.narrative_fr = (narrative_fr or "").strip()
    locked.confirmed = sorted(int(pk) for pk in confirmed if int(pk) in open_ids)
    locked.revision += 1
    locked.full_clean()
    locked.save()
    report.refresh_from_db()
    return locked


def snapshot_of(group, confirmed):
    objectives = group.objectives.select_related("priority").order_by("due_date", "pk")
    return [
        {
            "id": o.pk,
            "title_en": o.title_en,
            "title_fr": o.title_fr,
            "kind": o.kind,
            "status": o.status,
            "due_date": o.due_date.isoformat() if o.due_date else None,
            "original_due_date": (o.original_due_date.isoformat() if o.original_due_date else None),
            "completed_on": o.completed_on.isoformat() if o.completed_on else None,
            "confirmed": o.pk in confirmed,
        }
        for o in objectives
    ]


def _record(locked, old, by, comment=""):
    ProgressReportStatusChange.objects.create(
        report=locked,
        old_status=old,
        new_status=locked.status,
        by=by,
        comment=comment,
        comment_lang=written.typed_language() if comment else "",
    )


@transaction.atomic
def progress_report_submit(*, report, by, seen=None):
    """Submit: a narrative in at least one language, every open objective confirmed; the
    objectives as they stand are frozen into the report."""
    locked = workflow.lock(ProgressReport, report.pk, related=("group",))
    workflow.check_seen(locked, seen)
    workflow.check_step(locked, Status.SUBMITTED, table=TRANSITIONS, by=by, may=_may)
    if not (locked.narrative_en.strip() or locked.narrative_fr.strip()):
        raise workflow.StepRefused(
            _("Write the narrative, in English or in French, before submitting.")
        )
    open_objectives = list(locked.group.objectives.open().order_by("due_date", "pk"))
    unconfirmed = [o for o in open_objectives if o.pk not in set(locked.confirmed)]
    if unconfirmed:
        raise workflow.StepRefused(
            _(
                "Confirm the status of every open objective before submitting; not confirmed: "
                "%(titles)s."
            )
            % {"titles": "; ".join(str(o.title) for o in unconfirmed)}
        )
    old = locked.status
    locked.status = Status.SUBMITTED
    locked.snapshot = snapshot_of(locked.group, set(locked.confirmed))
    locked.submitted_at = timezone.now()
    locked.submitted_by = by
    locked.revision += 1
    locked.full_clean()
    locked.save()
    _record(locked, old, by)
    report.refresh_from_db()
    return locked


@transaction.atomic
def progress_report_acknowledge(*, report, by, comment=""):
    return _review(report, by, Status.ACKNOWLEDGED, (comment or "").strip())


@transaction.atomic
def progress_report_return(*, report, by, comment):
    comment = (comment or "").strip()
    if not comment:
        raise workflow.StepRefused(
            {"comment": _("Say what the group should change: the comment is required.")}
        )
    return _review(report, by, Status.RETURNED, comment)


def _review(report, by, to, comment):
    locked = workflow.lock(ProgressReport, report.pk, related=("group",))
    workflow.check_step(locked, to, table=TRANSITIONS, by=by, may=_may)
    old = locked.status
    locked.status = to
    locked.reviewed_at = timezone.now()
    locked.reviewed_by = by
    locked.review_comment = comment
    locked.review_comment_lang = written.typed_language() if comment else ""
    locked.revision += 1
    locked.full_clean()
    locked.save()
    _record(locked, old, by, comment)
    report.refresh_from_db()
    return locked
