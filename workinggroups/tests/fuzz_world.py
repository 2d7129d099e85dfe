"""Group-side objects for the cross-cutting tests (permission matrix, fuzzer, CSRF)."""

from django.utils import timezone

from councils.models import Meeting
from councils.tests.factories import MeetingFactory, UserFactory
from workinggroups.models import GroupLink, ProgressReport, Workplan
from workinggroups.progress import period_before, reportable_periods
from workinggroups.services import calendar_token_create
from workinggroups.tests.factories import (
    GroupFactory,
    GroupMembershipFactory,
    MeasureFactory,
    ObjectiveFactory,
    ProgressReportFactory,
    WorkplanFactory,
)


def build(**world):
    group = world["group"]
    other = GroupFactory(slug="open-government-wg", name_en="Open Government Working Group")
    link = GroupLink.objects.create(
        group_a=group, group_b=other, note_en="Shared pilots.", created_by=world["secretariat"]
    )
    draft = WorkplanFactory(group=group, version=1)
    submitted = WorkplanFactory(group=group, version=2, status=Workplan.Status.SUBMITTED)
    measure = MeasureFactory(groups=[group])
    token = calendar_token_create(user=world["member"])
    objective = ObjectiveFactory(group=group, priority=world["priority"])
    last, _current = reportable_periods()
    draft_report = ProgressReportFactory(group=group, period_start=last[0], period_end=last[1])
    earlier = period_before(last[0])
    filed_report = ProgressReportFactory(
        group=group,
        period_start=earlier[0],
        period_end=earlier[1],
        status=ProgressReport.Status.SUBMITTED,
        submitted_by=world["group_cochair"],
        submitted_at=timezone.now(),
    )
    term = GroupMembershipFactory(
        group=group, role="member", user=UserFactory(username="wg-member", last_name="Roy")
    )
    # A co-chairs' check-in about the group (issue 13, section 6).
    check_in = MeetingFactory(kind=Meeting.Kind.CHECK_IN, councils=[world["council"]])
    check_in.check_in_groups.set([group, other])
    return {
        "check_in": check_in,
        "group_membership": term,
        "other_group": other,
        "group_link": link,
        "draft_workplan": draft,
        "submitted_workplan": submitted,
        "measure": measure,
        "calendar_token": token,
        "objective": objective,
        "draft_report": draft_report,
        "filed_report": filed_report,
    }
