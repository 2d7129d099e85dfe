"""The workplan list compares each version with the previous one the reader may open."""

import pytest
from django.urls import reverse

from workinggroups.tests.factories import WorkplanFactory

pytestmark = pytest.mark.django_db


def test_a_member_compares_around_a_version_hidden_from_them(group, member, client):
    WorkplanFactory(group=group, version=1, status="superseded")
    WorkplanFactory(group=group, version=2, status="returned")  # co-chairs and secretariat only
    WorkplanFactory(group=group, version=3, status="accepted")
    client.force_login(member)
    page = client.get(reverse("workinggroups:workplan_list", args=[group.slug])).content.decode()
    assert "?b=3&amp;a=1" in page
    assert "a=2" not in page


def test_a_group_with_no_workplan_lists_none(group, member, client):
    client.force_login(member)
    response = client.get(reverse("workinggroups:workplan_list", args=[group.slug]))
    assert response.status_code == 200
