"""The demo world: every group has dated progress updates and a filed report (so timelines and
the dashboard show history), and the People area shows someone invited and someone who left."""

import pytest
from django.contrib.auth import get_user_model

from councils.models import CouncilMembership
from people.selectors import person_status
from workinggroups.models import Group, ObjectiveUpdate, ProgressReport


@pytest.fixture
def demo(module_demo, db):
    """The demo, loaded once for the module (conftest.module_demo)."""


def test_every_group_has_dated_updates_and_a_filed_report(demo):
    for group in Group.objects.current():
        updates = ObjectiveUpdate.objects.filter(objective__group=group)
        assert updates.count() >= 2, group.slug
        assert len(set(updates.values_list("at__date", flat=True))) >= 2, group.slug
        filed = ProgressReport.objects.filter(group=group, status__in=ProgressReport.FILED)
        assert filed.count() == 1, group.slug


def test_the_people_area_has_someone_invited_and_someone_who_left(demo):
    User = get_user_model()
    invited = User.objects.get(username="elise.bouchard@councils.example")
    left = User.objects.get(username="peter.morgan@councils.example")
    assert person_status(invited) == "invited"
    assert invited.profile.preferred_language == "fr"
    assert invited.invitations.count() == 1
    assert person_status(left) == "inactive"
    assert not CouncilMembership.objects.filter(user=left).active().exists()
    assert left.person_events.get().kind == "deactivated"
