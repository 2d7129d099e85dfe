"""The sweeps' query count does not grow with the data: the same with ten times the groups,
objectives, workplans and people (as long as a sweep fits one batch,
PORTAL_REMINDER_BATCH_SIZE; then it is that count once per batch).

On PostgreSQL, as in production and CI. SQLite caps a statement at 999 parameters, so Django
splits each bulk INSERT there into chunks of about seventy rows: one more query per chunk.

`pytest tests/test_reminder_queries.py -s` prints the counts measured.
"""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from councils.models import CouncilMembership
from councils.tests.factories import CouncilFactory, CouncilMembershipFactory, UserFactory
from notifications import services
from notifications.models import Reminder
from notifications.tests.helpers import TODAY, frozen
from workinggroups import reminders
from workinggroups.models import Group, GroupMembership, Objective, Workplan
from workinggroups.tests.factories import GroupFactory, GroupMembershipFactory, ObjectiveFactory

DAY = datetime.timedelta(days=1)
SWEEPS = {
    "deadlines": reminders.remind_deadlines,
    "workplans": reminders.remind_workplans,
    "reviews": reminders.remind_reviews,
    "liaison_gaps": reminders.remind_liaison_gaps,
    "terms_ending": reminders.remind_terms_ending,
    "digest": services.weekly_digest,
}


def build(groups: int, tag: str):
    """Per group: two co-chairs (one's term ending), a representative, 4 objectives in every
    window (and one overdue), a late workplan; every third group is a CoP due for review or has
    ended. Council members whose terms end, a third as many as groups."""
    council = CouncilFactory(code=f"c-{tag}")
    CouncilMembershipFactory(council=council, user=UserFactory(), role="co_chair")
    CouncilMembershipFactory(council=council, user=UserFactory(), role="secretariat")
    for _ in range(groups // 3 + 1):  # council members whose terms end within 30 days
        CouncilMembershipFactory(council=council, end_date=TODAY + 12 * DAY)
    for i in range(groups):
        cop = i % 3 == 1
        group = GroupFactory(
            slug=f"{tag}-{i}",
            kind=Group.Kind.COMMUNITY_OF_PRACTICE if cop else Group.Kind.WORKING_GROUP,
            next_review_date=TODAY - DAY if cop else None,
            end_date=TODAY - DAY if i % 3 == 2 else None,
            councils=[council],
        )
        for n in range(2):  # one co-chair's term ends within 30 days
            GroupMembershipFactory(
                group=group,
                user=UserFactory(),
                role="co_chair",
                end_date=TODAY + (10 + i % 20) * DAY if n else None,
            )
        if i % 2:  # half the groups have a liaison; the others are liaison gaps
            GroupMembershipFactory(
                group=group, user=UserFactory(), role="representative", council=council
            )
        for days in (-3, 1, 5, 20):
            ObjectiveFactory(group=group, due_date=TODAY + days * DAY)
        Workplan.objects.create(
            group=group,
            period_start=TODAY,
            period_end=TODAY + 365 * DAY,
            due_date=TODAY - 2 * DAY,
        )


def measure(django_capture_on_commit_callbacks, day):
    for model in (Objective, Workplan, Group, GroupMembership, CouncilMembership):
        ContentType.objects.get_for_model(model)  # the content-type cache is warm in a worker
    counts = {}
    with frozen(day), django_capture_on_commit_callbacks(execute=False):
        for name, sweep in SWEEPS.items():
            with CaptureQueriesContext(connection) as queries:
                sweep()
            counts[name] = len(queries)
    return counts


@pytest.mark.postgres
@pytest.mark.django_db
def test_sweep_query_count_does_not_grow_with_the_data(
    require_postgres, django_capture_on_commit_callbacks, settings
):
    settings.PORTAL_LIAISON_GAP_DAYS = 0  # so that the gaps are reminded in this sweep too
    build(3, "small")
    small = measure(django_capture_on_commit_callbacks, TODAY)
    small_claimed = Reminder.objects.count()
    again_small = measure(django_capture_on_commit_callbacks, TODAY)
    Reminder.objects.all().delete()

    build(30, "large")  # ten times the groups (the small set stays: 11x in all)
    large = measure(django_capture_on_commit_callbacks, TODAY)
    large_claimed = Reminder.objects.count()
    again_large = measure(django_capture_on_commit_callbacks, TODAY)

    print(f"\nreminders claimed: {small_claimed} then {large_claimed}")
    print(f"queries per sweep, small: {small}")
    print(f"queries per sweep, 11x:   {large}")
    print(f"second run (nothing new), small: {again_small}; 11x: {again_large}")
    assert large_claimed > 10 * small_claimed > 0
    assert large == small
    assert again_large == again_small
