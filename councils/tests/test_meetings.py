"""Meetings, their agenda, attendees, decisions, action items, and external bodies: pages for
readers, forms for the secretariat, and the refusals."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from councils.models import (
    ActionItem,
    AgendaItem,
    Attendee,
    Decision,
    Engagement,
    ExternalBody,
    Meeting,
)
from councils.tests.factories import (
    ActionItemFactory,
    CouncilMembershipFactory,
    JurisdictionFactory,
    MeetingFactory,
    UserFactory,
)

NOW = datetime.datetime(2026, 11, 23, 15, tzinfo=datetime.UTC)
LIST = reverse("councils:meeting_list")


@pytest.fixture
def meeting(council):
    m = MeetingFactory(title_en="Joint councils meeting", starts_at=NOW, councils=[council])
    AgendaItem.objects.create(meeting=m, order=1, kind="objective", title_en="Confirm priorities")
    AgendaItem.objects.create(meeting=m, order=2, kind="question", title_en="Are we focused?")
    return m


def test_meeting_detail_shows_agenda_questions_attendees_decisions_and_actions(
    client_for, member, meeting
):
    guest = UserFactory(first_name="Maya", last_name="Chen")
    Attendee.objects.create(meeting=meeting, user=guest, role="guest", organization="CDO")
    Attendee.objects.create(meeting=meeting, name="Guest Without Account", role="guest")
    Decision.objects.create(meeting=meeting, number=1, text_en="Priorities confirmed")
    ActionItemFactory(meeting=meeting, title_en="Co-chairs meet the WG co-chairs", owner=member)
    body = client_for(member).get(reverse("councils:meeting_detail", args=[meeting.pk])).content
    body = body.decode()
    for text in (
        "Confirm priorities",
        "Are we focused?",
        "Maya Chen",
        "Guest Without Account",
        "Priorities confirmed",
        "Co-chairs meet the WG co-chairs",
    ):
        assert text in body


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_meeting_list_query_count_does_not_grow(client_for, member, council, meeting):
    c = client_for(member)
    few = _count(c, LIST)
    for i in range(12):
        m = MeetingFactory(starts_at=NOW + datetime.timedelta(days=i), councils=[council])
        AgendaItem.objects.create(meeting=m, title_en="Item")
        ActionItemFactory(meeting=m)
    assert _count(c, LIST) == few


def test_meeting_detail_query_count_does_not_grow(client_for, member, meeting):
    c = client_for(member)
    url = reverse("councils:meeting_detail", args=[meeting.pk])
    few = _count(c, url)
    for i in range(8):
        Attendee.objects.create(meeting=meeting, user=UserFactory(), role="member")
        Decision.objects.create(meeting=meeting, number=i + 2, text_en="More")
        ActionItemFactory(meeting=meeting, owner=UserFactory())
    assert _count(c, url) == few


def test_meeting_list_filters(client_for, member, meeting):
    MeetingFactory(title_en="Future meeting", starts_at=NOW + datetime.timedelta(days=3650))
    c = client_for(member)
    upcoming = c.get(LIST, {"when": "upcoming"}).content.decode()
    assert "Future meeting" in upcoming and "Joint councils meeting" not in upcoming
    past = c.get(LIST, {"when": "past", "council": "pssdc"}).content.decode()
    assert "Joint councils meeting" in past and "Future meeting" not in past


def test_secretariat_creates_a_joint_meeting_and_fills_it(client_for, secretariat, council):
    c = client_for(secretariat)
    response = c.post(
        reverse("councils:meeting_create"),
        {
            "title_en": "Spring meeting",
            "title_fr": "Réunion du printemps",
            "starts_at": "2027-04-15T13:00",
            "councils": [council.pk],
            "status": "planned",
        },
    )
    meeting = Meeting.objects.get(title_en="Spring meeting")
    assert response.url == reverse("councils:meeting_detail", args=[meeting.pk])
    c.post(
        reverse("councils:agenda_item_create", args=[meeting.pk]),
        {"order": 1, "kind": "item", "title_en": "Strategic plan"},
    )
    guest_form = {
        "name": "Chief digital officer of Alberta",
        "role": "guest",
        "attendance": "invited",
    }
    c.post(reverse("councils:attendee_create", args=[meeting.pk]), guest_form)
    c.post(
        reverse("councils:action_item_create") + f"?meeting={meeting.pk}",
        {
            "title_en": "Publish the plan",
            "status": "open",
            "meeting": meeting.pk,
            "owner": secretariat.pk,
        },
    )
    c.post(
        reverse("councils:meeting_edit", args=[meeting.pk]),
        {
            "title_en": "Spring meeting",
            "starts_at": "2027-04-15T13:00",
            "councils": [council.pk],
            "status": "held",
            "minutes_en": "The plan was adopted.",
        },
    )
    # Held, with its one member jurisdiction present: the meeting may decide.
    seat = CouncilMembershipFactory(council=council, jurisdiction=JurisdictionFactory())
    c.post(
        reverse("councils:attendee_create", args=[meeting.pk]),
        {"user": seat.user.pk, "role": "member", "attendance": "present"},
    )
    c.post(
        reverse("councils:decision_create", args=[meeting.pk]),
        {"number": 1, "text_en": "Plan adopted"},
    )
    meeting.refresh_from_db()
    assert meeting.status == "held" and meeting.minutes_en == "The plan was adopted."
    assert meeting.agenda_items.get().title_en == "Strategic plan"
    assert meeting.attendees.get(role="guest").name == "Chief digital officer of Alberta"
    assert meeting.attendees.get(role="member").jurisdiction == seat.jurisdiction
    assert meeting.decisions.get().text_en == "Plan adopted"
    assert meeting.action_items.get().owner == secretariat


def test_secretariat_removes_an_attendee(client_for, secretariat, meeting):
    attendee = Attendee.objects.create(meeting=meeting, name="Someone", role="guest")
    url = reverse("councils:meeting_part_remove", args=["attendee", attendee.pk])
    c = client_for(secretariat)
    assert c.get(url).status_code == 405
    assert c.post(url).status_code == 302
    assert not Attendee.objects.exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("member", 403), ("group_cochair", 403), ("council_cochair", 403), ("anonymous", 302)],
)
def test_meeting_editing_refused_personas(client_for, personas, meeting, persona, status):
    c = client_for(personas[persona])
    attendee = Attendee.objects.create(meeting=meeting, name="Someone", role="guest")
    assert c.get(reverse("councils:meeting_create")).status_code == status
    assert c.post(reverse("councils:meeting_edit", args=[meeting.pk]), {}).status_code == status
    assert (
        c.post(reverse("councils:agenda_item_create", args=[meeting.pk]), {"title_en": "X"})
    ).status_code == status
    assert (
        c.post(reverse("councils:attendee_create", args=[meeting.pk]), {"name": "X"})
    ).status_code == status
    assert (
        c.post(reverse("councils:decision_create", args=[meeting.pk]), {"text_en": "X"})
    ).status_code == status
    remove = reverse("councils:meeting_part_remove", args=["attendee", attendee.pk])
    assert c.post(remove).status_code == status
    assert c.post(reverse("councils:action_item_create"), {"title_en": "X"}).status_code == status
    assert meeting.agenda_items.count() == 2 and meeting.attendees.count() == 1
    assert not Decision.objects.exists() and not ActionItem.objects.exists()


@pytest.mark.parametrize(("persona", "status"), [("outsider", 403), ("anonymous", 302)])
def test_outsiders_do_not_read_meetings(client_for, personas, meeting, persona, status):
    c = client_for(personas[persona])
    assert c.get(LIST).status_code == status
    detail = c.get(reverse("councils:meeting_detail", args=[meeting.pk])).status_code
    assert detail == (404 if persona == "outsider" else 302)
    assert c.get(reverse("councils:action_item_list")).status_code == status
    assert c.get(reverse("councils:external_body_list")).status_code == status


def test_owner_marks_their_action_item_done(client_for, member):
    item = ActionItemFactory(owner=member)
    url = reverse("councils:action_item_status", args=[item.pk])
    c = client_for(member)
    assert c.get(url).status_code == 405
    assert c.post(url, {"status": "done", "next": "https://evil.example/"}).url == reverse(
        "councils:action_item_list"
    )
    item.refresh_from_db()
    assert item.status == "done" and item.completed_on is not None
    mine = c.get(reverse("councils:action_item_list"), {"mine": "1", "status": "done"})
    assert item.title_en in mine.content.decode()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("group_cochair", 403), ("council_cochair", 403), ("outsider", 404), ("anonymous", 302)],
)
def test_others_cannot_move_an_action_item(client_for, personas, member, persona, status):
    item = ActionItemFactory(owner=member)
    url = reverse("councils:action_item_status", args=[item.pk])
    assert client_for(personas[persona]).post(url, {"status": "done"}).status_code == status
    item.refresh_from_db()
    assert item.status == "open"


def test_secretariat_records_an_external_body_and_an_engagement(
    client_for, secretariat, member, priority, meeting
):
    c = client_for(secretariat)
    c.post(
        reverse("councils:external_body_create"),
        {
            "slug": "iccs",
            "name_en": "Institute for Citizen-Centred Service",
            "relationship": "formal_proposed",
            "liaison": member.pk,
            "topics": [priority.pk],
        },
    )
    body = ExternalBody.objects.get(slug="iccs")
    assert body.liaison == member and list(body.topics.all()) == [priority]
    c.post(
        reverse("councils:engagement_create", args=["iccs"]),
        {"date": "2020-02-27", "meeting": meeting.pk, "summary_en": "Wider role proposed"},
    )
    assert Engagement.objects.get().recorded_by == secretariat
    page = client_for(member).get(reverse("councils:external_body_detail", args=["iccs"]))
    text = page.content.decode()
    assert "Wider role proposed" in text and "Formal relationship proposed" in text
    assert "Digital identity" in text


@pytest.mark.parametrize(("persona", "status"), [("member", 403), ("anonymous", 302)])
def test_external_body_editing_refused(client_for, personas, persona, status):
    ExternalBody.objects.create(slug="cio-sc", name_en="CIO Strategy Council")
    c = client_for(personas[persona])
    assert c.post(reverse("councils:external_body_create"), {"slug": "x"}).status_code == status
    assert c.post(reverse("councils:engagement_create", args=["cio-sc"]), {}).status_code == status
    assert ExternalBody.objects.count() == 1 and not Engagement.objects.exists()
