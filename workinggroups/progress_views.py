"""Pages of progress reporting: an objective's timeline and update, and the groups' progress
reports (list, start, edit and submit, acknowledge or return)."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.bilingual import pick
from core.permissions import get_object_for_user
from councils.permissions import is_portal_reader

from . import progress
from .forms import (
    ObjectiveUpdateForm,
    ProgressReportForm,
    ProgressReportStartForm,
    ReviewCommentForm,
)
from .models import Group, Objective, ProgressReport, ProgressReportStatusChange
from .permissions import (
    can_file_progress_report,
    can_review_progress_report,
    can_update_objective,
    can_view_group,
    can_view_progress_report,
)


def _errors(form, exc):
    """Put a service's ValidationError on the form: on its field when the form has one."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


# --- Objectives -----------------------------------------------------------------------------


def _objective_for(request, pk, can_change=None):
    return get_object_for_user(
        Objective.objects.select_related("group", "priority"),
        request.user,
        can_view=lambda u, o: is_portal_reader(u),
        can_change=can_change,
        pk=pk,
    )


def _timeline(request, objective, form=None, status=200):
    updates = objective.updates.select_related("by")
    can_update = can_update_objective(request.user, objective)
    if can_update and form is None:
        form = ObjectiveUpdateForm.for_objective(objective)
    return render(
        request,
        "workinggroups/progress/objective_detail.html",
        {
            "objective": objective,
            "group": objective.group,
            "updates": updates,
            "form": form if can_update else None,
        },
        status=status,
    )


def objective_detail(request, pk):
    """The objective and its timeline of updates, newest first; the update form for those
    who may update it."""
    return _timeline(request, _objective_for(request, pk))


@require_POST
def objective_update(request, pk):
    objective = _objective_for(request, pk, can_change=can_update_objective)
    form = ObjectiveUpdateForm.for_objective(objective, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            progress.objective_update(
                objective=objective,
                by=request.user,
                status=data["status"],
                completed_on=data["completed_on"],
                due_date=data["due_date"],
                due_date_reason=data["due_date_reason"],
                note_en=data["note_en"],
                note_fr=data["note_fr"],
                evidence_url=data["evidence_url"],
                seen=data["revision"],
            )
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(
                request,
                _("%(objective)s: update recorded.") % {"objective": objective.title},
            )
            return redirect(
                reverse("workinggroups:group_detail", args=[objective.group.slug])
                + f"#objective-{objective.pk}"
            )
    stale = [e for e in form.non_field_errors().as_data() if e.code == "stale"]
    if stale:
        # Someone else updated it first: say so, and show the current state with a form
        # built from it (what this person typed was made for a state that no longer holds).
        objective.refresh_from_db()
        for error in stale:
            messages.error(request, error.message)
        form = None
    return _timeline(request, objective, form)


# --- Progress reports -----------------------------------------------------------------------


def _group_for(request, slug, can_change=None):
    return get_object_for_user(
        Group.objects.all(),
        request.user,
        can_view=can_view_group,
        can_change=can_change,
        slug=slug,
    )


def report_list(request, slug):
    group = _group_for(request, slug)
    reports = [
        r
        for r in group.progress_reports.select_related("submitted_by", "reviewed_by")
        if can_view_progress_report(request.user, r)
    ]
    can_file = can_file_progress_report(request.user, group)
    return render(
        request,
        "workinggroups/progress/report_list.html",
        {
            "group": group,
            "reports": reports,
            "can_file": can_file,
            "start_form": (
                ProgressReportStartForm(periods=progress.reportable_periods()) if can_file else None
            ),
            "period_months": progress.period_months(),
        },
    )


@require_POST
def report_start(request, slug):
    group = _group_for(request, slug, can_change=can_file_progress_report)
    form = ProgressReportStartForm(request.POST, periods=progress.reportable_periods())
    if form.is_valid():
        try:
            report = progress.progress_report_start(
                group=group, by=request.user, period_start=form.cleaned_data["period"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            return redirect("workinggroups:report_detail", pk=report.pk)
    else:
        messages.error(request, _("Choose the last reporting period or the current one."))
    return redirect("workinggroups:report_list", slug=group.slug)


def _report_for(request, pk, can_change=None):
    return get_object_for_user(
        ProgressReport.objects.select_related("group", "submitted_by", "reviewed_by"),
        request.user,
        can_view=can_view_progress_report,
        can_change=can_change,
        pk=pk,
    )


def report_detail(request, pk):
    """A report: its narrative and frozen objectives once filed; for a draft or a returned
    report, the form its co-chairs fill in (saved as a draft, or submitted)."""
    report = _report_for(request, pk)
    group = report.group
    editable = report.status in (
        ProgressReport.Status.DRAFT,
        ProgressReport.Status.RETURNED,
    ) and can_file_progress_report(request.user, group)
    form = None
    if editable:
        open_objectives = list(group.objectives.open().order_by("due_date", "pk"))
        form = ProgressReportForm(
            request.POST or None, report=report, open_objectives=open_objectives
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                progress.progress_report_save(
                    report=report,
                    by=request.user,
                    narrative_en=data["narrative_en"],
                    narrative_fr=data["narrative_fr"],
                    confirmed=data["confirmed"],
                    seen=data["revision"],
                )
                if "submit" in request.POST:
                    progress.progress_report_submit(report=report, by=request.user)
            except ValidationError as exc:
                # The draft was saved unless the page was stale; submitting is what failed.
                for message in exc.messages:
                    messages.error(request, message)
            else:
                messages.success(
                    request,
                    _("Report submitted to the secretariat.")
                    if "submit" in request.POST
                    else _("The draft was saved."),
                )
            return redirect("workinggroups:report_detail", pk=report.pk)
    elif request.method == "POST":
        messages.error(request, _("This report can no longer be edited."))
        return redirect("workinggroups:report_detail", pk=report.pk)
    changes = ProgressReportStatusChange.objects.filter(report=report).select_related("by")
    return render(
        request,
        "workinggroups/progress/report_detail.html",
        {
            "report": report,
            "group": group,
            "form": form,
            "changes": changes,
            "can_review": can_review_progress_report(request.user, report)
            and report.status == ProgressReport.Status.SUBMITTED,
            "review_form": ReviewCommentForm(),
            "snapshot": _snapshot_rows(report.snapshot),
        },
    )


def _snapshot_rows(snapshot):
    """The frozen objectives for display: their status label and dates as dates."""
    labels = dict(Objective.Status.choices)
    rows = []
    for row in snapshot or []:
        rows.append(
            {
                **row,
                "title": pick({"en": row["title_en"], "fr": row["title_fr"]}),
                "status_label": labels.get(row["status"], row["status"]),
                **{
                    key: datetime.date.fromisoformat(row[key]) if row.get(key) else None
                    for key in ("due_date", "original_due_date", "completed_on")
                },
            }
        )
    return rows


def _review(request, pk, service, done_message):
    report = _report_for(request, pk, can_change=can_review_progress_report)
    form = ReviewCommentForm(request.POST)
    if not form.is_valid():  # a comment past its limit: nothing is done, the page says why
        for message in form.errors.get("comment", []):
            messages.error(request, message)
        return redirect("workinggroups:report_detail", pk=report.pk)
    try:
        service(report=report, by=request.user, comment=form.cleaned_data.get("comment", ""))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, done_message)
    return redirect("workinggroups:report_detail", pk=report.pk)


@require_POST
def report_acknowledge(request, pk):
    return _review(
        request, pk, progress.progress_report_acknowledge, _("The report was acknowledged.")
    )


@require_POST
def report_return(request, pk):
    return _review(
        request,
        pk,
        progress.progress_report_return,
        _("The report was returned to the group with your comment."),
    )
