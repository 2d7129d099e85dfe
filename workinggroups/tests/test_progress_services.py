"""Progress reporting, as services: objective updates, re-baselined deadlines, reporting
periods, the progress-report workflow, the health rule and the reminders."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from core.fiscal import reporting_period
from core.workflow import StepRefused
from notifications import kinds
from notifications.models import Reminder
from notifications.tests.helpers import eager_celery, frozen  # noqa: F401
from workinggroups import progress, reminders, rules
from workinggroups.models import Group, Objective, ObjectiveUpdate, ProgressReport
from workinggroups.tests.factories import GroupFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db
OS = Objective.Status
S = ProgressReport.Status
D = datetime.date
TODAY = D(2026, 11, 23)  # in Q3 of 2026-27; Q2 (July–September) was due on 30 October


@pytest.fixture
def goal(group):
    return ObjectiveFactory(group=group, status=OS.ON_TRACK, due_date=D(2027, 1, 31))


# --- Objective updates ----------------------------------------------------------------------


def test_cochair_marks_done_with_a_note_and_the_update_says_what_changed(goal, group_cochair):
    with frozen(TODAY):
        update = progress.objective_update(
            objective=goal, by=group_cochair, status=OS.DONE, due_date=goal.due_date,
            note_en="Delivered to both councils.", seen=0,
        )  # fmt: skip
    goal.refresh_from_db()
    assert (goal.status, goal.completed_on, goal.revision) == (OS.DONE, TODAY, 1)
    assert (update.old_status, update.new_status, update.by) == (
        OS.ON_TRACK,
        OS.DONE,
        group_cochair,
    )
    assert update.new_completed_on == TODAY and update.note_en == "Delivered to both councils."
    assert list(goal.updates.all()) == [update]


def test_moving_a_deadline_needs_a_reason_and_keeps_the_original(goal, group_cochair):
    with pytest.raises(ValidationError) as refused:
        progress.objective_update(
            objective=goal, by=group_cochair, status=OS.ON_TRACK, due_date=D(2027, 3, 31)
        )
    assert "due_date_reason" in refused.value.message_dict
    progress.objective_update(
        objective=goal, by=group_cochair, status=OS.ON_TRACK, due_date=D(2027, 3, 31),
        due_date_reason="Pilots need a quarter more.",
    )  # fmt: skip
    progress.objective_update(
        objective=goal, by=group_cochair, status=OS.ON_TRACK, due_date=D(2027, 6, 30),
        due_date_reason="Again.",
    )  # fmt: skip
    goal.refresh_from_db()
    assert (goal.due_date, goal.original_due_date, goal.is_rebaselined) == (
        D(2027, 6, 30),
        D(2027, 1, 31),
        True,
    )
    first = goal.updates.order_by("at", "pk").first()
    assert (first.old_due_date, first.new_due_date) == (D(2027, 1, 31), D(2027, 3, 31))
    assert first.due_date_reason == "Pilots need a quarter more."


def test_an_update_from_a_stale_page_is_refused_and_changes_nothing(goal, group_cochair):
    progress.objective_update(objective=goal, by=group_cochair, status=OS.AT_RISK,
                              due_date=goal.due_date, seen=0)  # fmt: skip
    with pytest.raises(ValidationError, match="Someone else changed this"):
        progress.objective_update(objective=goal, by=group_cochair, status=OS.DONE,
                                  due_date=goal.due_date, seen=0)  # fmt: skip
    goal.refresh_from_db()
    assert goal.status == OS.AT_RISK and goal.updates.count() == 1


def test_nothing_to_record_and_impossible_dates_are_refused(goal, group_cochair):
    with pytest.raises(ValidationError, match="Nothing to record"):
        progress.objective_update(objective=goal, by=group_cochair, status=OS.ON_TRACK,
                                  due_date=goal.due_date)  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        progress.objective_update(objective=goal, by=group_cochair, status=OS.ON_TRACK,
                                  due_date=goal.due_date, completed_on=D(2026, 1, 1))  # fmt: skip
    assert "completed_on" in refused.value.message_dict
    assert ObjectiveUpdate.objects.count() == 0


def test_who_may_update(goal, group_cochair, secretariat, member, council_cochair):
    other_group_goal = ObjectiveFactory(group=GroupFactory(), status=OS.ON_TRACK)
    for person in (member, council_cochair):
        with pytest.raises(PermissionDenied):
            progress.objective_update(objective=goal, by=person, status=OS.DONE,
                                      due_date=goal.due_date)  # fmt: skip
    with pytest.raises(PermissionDenied):
        progress.objective_update(objective=other_group_goal, by=group_cochair, status=OS.DONE,
                                  due_date=other_group_goal.due_date)  # fmt: skip
    # The secretariat, for any group.
    progress.objective_update(objective=other_group_goal, by=secretariat, status=OS.DONE,
                              due_date=other_group_goal.due_date)  # fmt: skip
    other_group_goal.refresh_from_db()
    assert other_group_goal.status == OS.DONE


# --- Reporting periods ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2026, 11, 23), 3, (D(2026, 10, 1), D(2026, 12, 31))),
        (D(2027, 3, 31), 3, (D(2027, 1, 1), D(2027, 3, 31))),
        (D(2026, 4, 1), 3, (D(2026, 4, 1), D(2026, 6, 30))),
        (D(2027, 2, 10), 12, (D(2026, 4, 1), D(2027, 3, 31))),
        (D(2026, 11, 23), 6, (D(2026, 10, 1), D(2027, 3, 31))),
        (D(2026, 11, 23), 1, (D(2026, 11, 1), D(2026, 11, 30))),
    ],
)
def test_reporting_periods_follow_the_fiscal_year(day, months, expected):
    assert reporting_period(day, months) == expected


def test_last_and_next_periods_due(settings):
    settings.PORTAL_PROGRESS_REPORT_DUE_DAYS = 30
    assert progress.last_due_period(TODAY) == (D(2026, 7, 1), D(2026, 9, 30))
    assert progress.last_due_period(D(2026, 10, 30)) == (D(2026, 4, 1), D(2026, 6, 30))
    assert progress.next_due_period(TODAY) == (D(2026, 10, 1), D(2026, 12, 31))


# --- Progress reports -----------------------------------------------------------------------


def _report(group, by):
    with frozen(TODAY):
        return progress.progress_report_start(group=group, by=by, period_start=D(2026, 7, 1))


def test_report_is_submitted_with_every_open_objective_confirmed_and_frozen(
    group, goal, group_cochair
):
    done = ObjectiveFactory(group=group, status=OS.DONE, completed_on=D(2026, 8, 1))
    report = _report(group, group_cochair)
    assert (report.status, report.period_end) == (S.DRAFT, D(2026, 9, 30))
    assert _report(group, group_cochair) == report  # one report a period
    with pytest.raises(StepRefused, match="narrative"):
        progress.progress_report_submit(report=report, by=group_cochair)
    progress.progress_report_save(report=report, by=group_cochair, narrative_fr="Bon trimestre.")
    with pytest.raises(StepRefused, match="Confirm the status"):
        progress.progress_report_submit(report=report, by=group_cochair)
    progress.progress_report_save(
        report=report, by=group_cochair, narrative_fr="Bon trimestre.", confirmed=[goal.pk, done.pk]
    )
    report.refresh_from_db()
    assert report.confirmed == [goal.pk]  # only open objectives are confirmed
    progress.progress_report_submit(report=report, by=group_cochair)
    report.refresh_from_db()
    assert report.status == S.SUBMITTED and report.submitted_by == group_cochair
    assert [(o["id"], o["status"], o["confirmed"]) for o in report.snapshot] == [
        (goal.pk, OS.ON_TRACK, True),
        (done.pk, OS.DONE, False),
    ]
    # Frozen: a later update does not touch the submitted report.
    progress.objective_update(objective=goal, by=group_cochair, status=OS.DONE,
                              due_date=goal.due_date)  # fmt: skip
    report.refresh_from_db()
    assert report.snapshot[0]["status"] == OS.ON_TRACK
    with pytest.raises(StepRefused):
        progress.progress_report_save(report=report, by=group_cochair, narrative_en="Changed")


def test_secretariat_acknowledges_or_returns_with_a_comment(group, group_cochair, secretariat):
    report = _report(group, group_cochair)
    progress.progress_report_save(report=report, by=group_cochair, narrative_en="Done.")
    progress.progress_report_submit(report=report, by=group_cochair)
    with pytest.raises(PermissionDenied):
        progress.progress_report_acknowledge(report=report, by=group_cochair)
    with pytest.raises(StepRefused):
        progress.progress_report_return(report=report, by=secretariat, comment=" ")
    progress.progress_report_return(report=report, by=secretariat, comment="Add the pilots.")
    report.refresh_from_db()
    assert (report.status, report.review_comment) == (S.RETURNED, "Add the pilots.")
    progress.progress_report_submit(report=report, by=group_cochair)
    progress.progress_report_acknowledge(report=report, by=secretariat)
    report.refresh_from_db()
    assert report.status == S.ACKNOWLEDGED
    with pytest.raises(StepRefused, match="not possible now"):
        progress.progress_report_acknowledge(report=report, by=secretariat)
    steps = list(report.status_changes.values_list("old_status", "new_status", "by__username"))
    assert steps == [
        (S.DRAFT, S.SUBMITTED, "group-cochair"),
        (S.SUBMITTED, S.RETURNED, "secretariat-staff"),
        (S.RETURNED, S.SUBMITTED, "group-cochair"),
        (S.SUBMITTED, S.ACKNOWLEDGED, "secretariat-staff"),
    ]


def test_only_the_last_and_current_periods_can_be_started(group, group_cochair):
    with frozen(TODAY), pytest.raises(ValidationError):
        progress.progress_report_start(group=group, by=group_cochair, period_start=D(2026, 4, 1))


# --- Health rule and reminders --------------------------------------------------------------


Q2_START = D(2026, 7, 1)


def _file(group, by, start=Q2_START):
    with frozen(TODAY):
        report = progress.progress_report_start(group=group, by=by, period_start=start)
    progress.progress_report_save(report=report, by=by, narrative_en="Quarter done.")
    progress.progress_report_submit(report=report, by=by)
    return report


def test_health_rule_lists_groups_without_a_report_for_the_last_period(group, group_cochair):
    proposed = GroupFactory(status=Group.Status.PROPOSED)
    with frozen(TODAY):
        assert list(rules.without_progress_report()) == [group]
    _file(group, group_cochair)
    with frozen(TODAY):
        assert list(rules.without_progress_report()) == []
    assert proposed not in rules.without_progress_report(TODAY)


@pytest.mark.usefixtures("eager_celery")
def test_overdue_and_due_soon_reminders_go_once_to_the_cochairs(
    group, group_cochair, member, django_capture_on_commit_callbacks
):
    def sweep(day):
        with frozen(day), django_capture_on_commit_callbacks(execute=True):
            return reminders.remind_progress_reports()

    assert len(sweep(TODAY)) == 1  # Q2 overdue since 30 October
    assert sweep(TODAY) == []  # a second beat tick sends nothing more
    overdue = Reminder.objects.get(kind=kinds.PROGRESS_REPORT_OVERDUE)
    assert overdue.recipient == group_cochair and overdue.due_date == D(2026, 10, 30)
    assert [m.to for m in mail.outbox] == [[group_cochair.email]]
    assert "Progress report overdue" in mail.outbox[0].subject
    _file(group, group_cochair)
    # Q3 is due on 30 January: reminded from 23 January, once.
    assert sweep(D(2027, 1, 22)) == []
    assert len(sweep(D(2027, 1, 23))) == 1
    assert sweep(D(2027, 1, 24)) == []
    due_soon = Reminder.objects.get(kind=kinds.PROGRESS_REPORT_DUE)
    assert due_soon.due_date == D(2027, 1, 30)


def test_forecast_lists_the_report_reminders(group, group_cochair):
    rows = reminders.forecast(D(2027, 1, 1), D(2027, 2, 28))
    mine = [(r["date"], r["kind"]) for r in rows if r["kind"].startswith("progress_report")]
    assert (D(2027, 1, 23), kinds.PROGRESS_REPORT_DUE) in mine
    assert (D(2027, 1, 31), kinds.PROGRESS_REPORT_OVERDUE) in mine
