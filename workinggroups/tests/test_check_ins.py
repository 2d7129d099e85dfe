"""Co-chairs' check-ins (issue 13, section 6): a meeting of kind "check-in" linked to groups,
made on the meeting form, showing each group's status on its page (in a number of queries that
does not grow with the groups), listed on each group's page, and never offered for funding."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from councils.models import Meeting
from councils.services import meeting_save
from councils.tests.factories import MeetingFactory
from workinggroups.models import GroupMembership, Objective, Workplan
from workinggroups.tests.factories import (
    GroupFactory,
    GroupMembershipFactory,
    ObjectiveFactory,
    WorkplanFactory,
)

PAST = datetime.date(2020, 1, 1)


def _form(council, groups, **extra):
    return {
        "kind": "check_in",
        "groups": [g.pk for g in groups],
        "title_en": "Co-chairs' check-in: identity",
        "title_fr": "Rencontre des coprésidents : identité",
        "starts_at": "2027-01-21T14:00",
        "councils": [council.pk],
        "status": "planned",
        **extra,
    }


def test_the_secretariat_makes_a_check_in_with_its_groups(client_for, secretariat, council, group):
    other = GroupFactory(councils=[council])
    response = client_for(secretariat).post(
        reverse("councils:meeting_create"), _form(council, [group, other])
    )
    meeting = Meeting.objects.get(title_en="Co-chairs' check-in: identity")
    assert response.status_code == 302
    assert response.url == reverse("councils:meeting_detail", args=[meeting.pk])
    assert meeting.kind == Meeting.Kind.CHECK_IN
    assert set(meeting.check_in_groups.all()) == {group, other}
    # Editing it keeps the groups shown ticked, and unticking one drops it.
    page = client_for(secretariat).get(reverse("councils:meeting_edit", args=[meeting.pk]))
    assert sorted(page.context["form"]["groups"].value()) == sorted([group.pk, other.pk])
    client_for(secretariat).post(
        reverse("councils:meeting_edit", args=[meeting.pk]), _form(council, [group])
    )
    assert list(meeting.check_in_groups.all()) == [group]


def test_a_check_in_needs_a_group_and_a_council_meeting_has_none(
    client_for, secretariat, council, group
):
    c = client_for(secretariat)
    response = c.post(reverse("councils:meeting_create"), _form(council, []))
    assert response.status_code == 200
    assert "Choose the groups whose co-chairs this check-in meets." in response.content.decode()
    response = c.post(reverse("councils:meeting_create"), _form(council, [group], kind="council"))
    assert response.status_code == 200
    assert "Groups are chosen for a co-chairs" in response.content.decode()
    assert not Meeting.objects.exists()
    # Left out, the kind is a council meeting, as before check-ins existed.
    data = _form(council, [])
    del data["kind"]
    c.post(reverse("councils:meeting_create"), data)
    assert Meeting.objects.get().kind == Meeting.Kind.COUNCIL


def test_the_service_refuses_the_same_without_saving(secretariat, council, group):
    meeting = Meeting(
        kind=Meeting.Kind.CHECK_IN,
        title_en="Check-in",
        title_fr="Rencontre",
        starts_at=datetime.datetime(2027, 1, 21, 14, tzinfo=datetime.UTC),
    )
    with pytest.raises(ValidationError):
        meeting_save(meeting=meeting, councils=[council], groups=[], by=secretariat)
    assert not Meeting.objects.exists()


def test_a_member_cannot_make_a_check_in(client_for, member, council, group):
    response = client_for(member).post(reverse("councils:meeting_create"), _form(council, [group]))
    assert response.status_code == 403
    assert not Meeting.objects.exists()


@pytest.fixture
def check_in(council, group):
    meeting = MeetingFactory(kind=Meeting.Kind.CHECK_IN, councils=[council])
    meeting.check_in_groups.set([group])
    return meeting


def test_the_check_in_page_shows_each_groups_status(client_for, member, check_in, group, council):
    group.next_review_date = datetime.date(2027, 3, 15)
    group.save()
    ObjectiveFactory(group=group, title_en="Trust framework plan", due_date=PAST)
    ObjectiveFactory(group=group, status=Objective.Status.DONE)
    ObjectiveFactory(group=group, status=Objective.Status.CANCELLED)
    WorkplanFactory(group=group, status=Workplan.Status.DRAFT, due_date=PAST)
    # Nobody sits on the council for the group: a liaison gap.
    page = client_for(member).get(reverse("councils:meeting_detail", args=[check_in.pk]))
    html = page.content.decode()
    assert "Co-chairs&#x27; check-in" in html or "Co-chairs' check-in" in html
    (status,) = page.context["check_in"]
    assert (status.group, status.objectives, status.done) == (group, 2, 1)
    assert "1 of 2 done (50%)" in html
    assert "Trust framework plan" in html
    assert "2 late items" in html
    assert "Workplan not submitted" in html
    assert status.liaison == [(council, False)] and "liaison gap" in html
    assert "March 15, 2027" in html or "15 March 2027" in html or "Mar. 15, 2027" in html
    assert reverse("workinggroups:group_detail", args=[group.slug]) in html


def test_a_liaison_in_place_shows_as_such(client_for, member, check_in, group, council):
    GroupMembershipFactory(group=group, role=GroupMembership.Role.REPRESENTATIVE, council=council)
    page = client_for(member).get(reverse("councils:meeting_detail", args=[check_in.pk]))
    (status,) = page.context["check_in"]
    assert status.liaison == [(council, True)]
    assert "liaison in place" in page.content.decode()


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_check_in_page_costs_the_same_queries_for_one_group_or_many(
    client_for, member, check_in, group, council
):
    client = client_for(member)
    url = reverse("councils:meeting_detail", args=[check_in.pk])
    ObjectiveFactory(group=group, due_date=PAST)
    client.get(url)
    one = _queries(client, url)
    for _ in range(6):
        more = GroupFactory(councils=[council])
        ObjectiveFactory(group=more, due_date=PAST)
        ObjectiveFactory(group=more, status=Objective.Status.DONE)
        WorkplanFactory(group=more, status=Workplan.Status.DRAFT, due_date=PAST)
        GroupMembershipFactory(group=more, role=GroupMembership.Role.CO_CHAIR)
        check_in.check_in_groups.add(more)
    assert len(client.get(url).context["check_in"]) == 7
    assert _queries(client, url) == one


def test_the_group_page_links_to_its_check_ins(client_for, member, check_in, group):
    html = (
        client_for(member)
        .get(reverse("workinggroups:group_detail", args=[group.slug]))
        .content.decode()
    )
    assert reverse("councils:meeting_detail", args=[check_in.pk]) in html
    assert check_in.title_en in html


def test_a_check_in_is_not_offered_for_funding(check_in, group, group_cochair):
    from funding.forms import ScheduleForm
    from funding.tests.factories import FundingRequestFactory

    council_meeting = MeetingFactory(councils=list(group.councils.all()))
    form = ScheduleForm(request_obj=FundingRequestFactory(group=group, created_by=group_cochair))
    assert list(form.fields["meeting"].queryset) == [council_meeting]


def test_the_statuses_are_three_queries(check_in, group, council, django_assert_num_queries):
    from workinggroups.check_ins import statuses

    for _ in range(4):
        more = GroupFactory(councils=[council])
        ObjectiveFactory(group=more, due_date=PAST)
        WorkplanFactory(group=more, status=Workplan.Status.RETURNED, due_date=PAST)
        check_in.check_in_groups.add(more)
    with django_assert_num_queries(3):
        found = statuses(check_in)
    assert len(found) == 5
    assert all(s.late_count == 2 for s in found if s.group != group)
