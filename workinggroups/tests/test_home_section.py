"""The home page's workinggroups section: workplans to submit, action items, group health."""

import datetime

from django.urls import reverse

from councils.models import ActionItem
from workinggroups.services import workplan_start
from workinggroups.tests.factories import ObjectiveFactory


def test_home_section_for_a_group_cochair(client_for, group, group_cochair):
    ObjectiveFactory(group=group)
    body = client_for(group_cochair).get(reverse("portal:home")).content.decode()
    assert "Workplans to submit for the groups I co-chair" in body
    assert group.name_en in body
    workplan_start(
        group=group,
        by=group_cochair,
        period_start=datetime.date(2026, 4, 1),
        period_end=datetime.date(2027, 3, 31),
    )
    body = client_for(group_cochair).get(reverse("portal:home")).content.decode()
    assert "version 1 (draft)" in body


def test_home_section_lists_my_action_items_and_health_for_the_secretariat(
    client_for, secretariat, group
):
    ActionItem.objects.create(title_en="Write the strategic plan", owner=secretariat)
    body = client_for(secretariat).get(reverse("portal:home")).content.decode()
    assert "Write the strategic plan" in body
    assert "Group health" in body and "?rule=without_objectives" in body


def test_home_section_is_empty_for_an_outsider(client_for, outsider):
    body = client_for(outsider).get(reverse("portal:home")).content.decode()
    assert "Action items I own" not in body


def test_home_shows_ten_groups_waiting_on_a_workplan_and_counts_the_rest(
    client_for, group, group_cochair
):
    """Issue 17: a co-chair of 2,000 groups got every group without a workplan on home."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from workinggroups.selectors import TO_SUBMIT_SHOWN
    from workinggroups.tests.factories import GroupFactory, GroupMembershipFactory

    def read():
        with CaptureQueriesContext(connection) as ctx:
            body = client_for(group_cochair).get(reverse("portal:home")).content.decode()
        return (
            body.split("Workplans to submit")[1].split("</ul>")[0],
            body,
            len(ctx.captured_queries),
        )

    def add(n):
        for _ in range(n):
            other = GroupFactory()
            GroupMembershipFactory(user=group_cochair, group=other, role="co_chair")

    add(3)  # 4 with the fixture's
    listed, body, few = read()
    assert listed.count("<li>") == 4 and 'id="to-submit-more"' not in body
    add(TO_SUBMIT_SHOWN)
    listed, body, many = read()
    assert listed.count("<li>") == TO_SUBMIT_SHOWN and many == few
    assert "And 4 more groups that you co-chair have no current workplan." in body
