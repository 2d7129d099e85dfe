"""Reminders keep what people typed as typed in their subjects and plain-text parts; only the
HTML part escapes it (issue 14)."""

import datetime

import pytest
from django.core import mail

from notifications.tests.helpers import TODAY, eager_celery, frozen  # noqa: F401
from workinggroups import tasks
from workinggroups.tests.factories import GroupMembershipFactory, ObjectiveFactory

pytestmark = pytest.mark.usefixtures("eager_celery")
TITLE = 'Youth & elders\' "pilot" <phase 2>'
GROUP = "Jeunes & aînés <l'équipe>"
ESCAPES = ("&amp;", "&#x27;", "&#39;", "&quot;", "&lt;", "&gt;")


@pytest.mark.parametrize("days", [7, -1])  # a deadline coming, and one missed
def test_deadline_reminders_keep_titles_as_typed(
    group, group_cochair, days, django_capture_on_commit_callbacks
):
    group.name_en = group.name_fr = GROUP
    group.save()
    GroupMembershipFactory(group=group, user=group_cochair, role="co_chair")
    ObjectiveFactory(
        group=group,
        title_en=TITLE,
        title_fr=TITLE,
        due_date=TODAY + datetime.timedelta(days=days),
    )
    with frozen(TODAY, hour=7), django_capture_on_commit_callbacks(execute=True):
        tasks.sweep_deadlines()
    assert mail.outbox, "the sweep sent the reminder"
    for message in mail.outbox:
        assert TITLE in message.subject and GROUP in message.subject, message.subject
        assert TITLE in message.body
        for escaped in ESCAPES:
            assert escaped not in message.subject + message.body, (escaped, message.subject)
        html = message.alternatives[0][0]
        assert "&lt;phase 2&gt;" in html and "<phase 2>" not in html
