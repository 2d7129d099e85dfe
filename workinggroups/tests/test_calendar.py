"""The personal iCalendar feed at a secret, revocable address, and a meeting's .ics."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from councils.models import Attendee
from councils.tests.factories import ActionItemFactory, MeetingFactory, UserFactory
from workinggroups.models import CalendarToken
from workinggroups.services import calendar_token_create, calendar_token_revoke
from workinggroups.tests.factories import MeasureFactory, ObjectiveFactory, WorkplanFactory

NOW = datetime.datetime(2026, 11, 23, 15, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def feed_url(token):
    return reverse("workinggroups:calendar_feed", args=[token])


def read_feed(token):
    response = Client().get(feed_url(token))  # a calendar program: no session
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    return {str(e["uid"]): e for e in cal.walk("VEVENT")}


def test_feed_has_my_meetings_deadlines_action_items_measures_and_workplans(
    group, group_cochair, council
):
    mine = MeetingFactory(
        title_en="Joint meeting", starts_at=NOW + datetime.timedelta(days=30), councils=[council]
    )
    Attendee.objects.create(meeting=mine, user=group_cochair)
    MeetingFactory(title_en="Not mine", starts_at=NOW + datetime.timedelta(days=30))
    objective = ObjectiveFactory(group=group, title_en="Pilot", due_date=datetime.date(2027, 1, 31))
    ObjectiveFactory(group=group, title_en="Finished", status="done")
    action = ActionItemFactory(owner=group_cochair, title_en="Send the report")
    ActionItemFactory(owner=group_cochair, title_en="Already done", status="done")
    ActionItemFactory(owner=UserFactory(), title_en="Someone else's")
    measure = MeasureFactory(
        owner=group_cochair, title_en="Clarify", due_date=datetime.date(2027, 2, 1)
    )
    workplan = WorkplanFactory(group=group, version=1, due_date=datetime.date(2027, 3, 1))

    events = read_feed(calendar_token_create(user=group_cochair))
    assert set(events) == {
        f"meeting-{mine.pk}@councils-portal",
        f"objective-{objective.pk}@councils-portal",
        f"action-{action.pk}@councils-portal",
        f"measure-{measure.pk}@councils-portal",
        f"workplan-{workplan.pk}@councils-portal",
    }
    meeting = events[f"meeting-{mine.pk}@councils-portal"]
    assert str(meeting["summary"]) == "Joint meeting"
    assert meeting.decoded("dtstart") == mine.starts_at
    deadline = events[f"objective-{objective.pk}@councils-portal"]
    assert "Pilot" in str(deadline["summary"])
    assert deadline.decoded("dtstart") == datetime.date(2027, 1, 31)
    assert "Send the report" in str(events[f"action-{action.pk}@councils-portal"]["summary"])


def test_feed_includes_the_meetings_of_my_councils(member, council):
    meeting = MeetingFactory(starts_at=NOW + datetime.timedelta(days=3), councils=[council])
    events = read_feed(calendar_token_create(user=member))
    assert f"meeting-{meeting.pk}@councils-portal" in events


def test_feed_is_in_the_persons_language(group, group_cochair):
    group_cochair.profile.preferred_language = "fr"
    group_cochair.profile.save()
    ObjectiveFactory(group=group, title_en="Pilot", title_fr="Projet pilote")
    events = read_feed(calendar_token_create(user=group_cochair))
    (summary,) = [str(e["summary"]) for e in events.values()]
    assert "Projet pilote" in summary and "Pilot" not in summary


def test_the_token_is_stored_hashed(member):
    token = calendar_token_create(user=member)
    stored = CalendarToken.objects.get(user=member).token_hash
    assert token not in stored and len(stored) == 64


def test_a_revoked_or_replaced_address_is_404(member):
    old = calendar_token_create(user=member)
    new = calendar_token_create(user=member)
    assert Client().get(feed_url(old)).status_code == 404
    assert Client().get(feed_url(new)).status_code == 200
    calendar_token_revoke(user=member)
    assert Client().get(feed_url(new)).status_code == 404


def test_an_unknown_address_is_404(db):
    assert Client().get(feed_url("not-a-token")).status_code == 404


def test_a_person_who_lost_every_role_gets_404(member):
    token = calendar_token_create(user=member)
    member.council_memberships.update(end_date=datetime.date(2026, 1, 1))
    assert Client().get(feed_url(token)).status_code == 404


def test_calendar_page_makes_and_revokes_the_address(client_for, member):
    c = client_for(member)
    assert c.get(reverse("workinggroups:calendar_new")).status_code == 405
    assert c.get(reverse("workinggroups:calendar_revoke")).status_code == 405
    response = c.post(reverse("workinggroups:calendar_new"))
    assert response.status_code == 201
    url = response.context["new_calendar_url"]
    assert url in response.content.decode()
    # Shown once: not in the session, not on the next visit (issue 14).
    assert url not in str(dict(c.session.items()))
    assert url not in c.get(reverse("workinggroups:calendar")).content.decode()
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    assert Client().get(feed_url(token)).status_code == 200
    c.post(reverse("workinggroups:calendar_revoke"))
    assert not CalendarToken.objects.filter(user=member).exists()
    assert Client().get(feed_url(token)).status_code == 404


def test_the_new_address_is_stored_nowhere(client_for, member):
    """Issue 14: "shown only once" was false; the address stayed in the session for 8 hours.
    Now it is in that one response only: no session row, no cookie, no cache, only a hash."""
    from django.contrib.sessions.models import Session

    c = client_for(member)
    response = c.post(reverse("workinggroups:calendar_new"))
    token = response.context["new_calendar_url"].rsplit("/", 1)[1].removesuffix(".ics")
    assert token in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    for session in Session.objects.all():
        assert token not in str(session.get_decoded())
    assert all(token not in morsel.value for morsel in c.cookies.values())
    row = CalendarToken.objects.get(user=member)
    assert token not in {row.token_hash, str(row)}
    # The page a later visit shows says an address exists, and never shows it.
    later = c.get(reverse("workinggroups:calendar")).content.decode()
    assert token not in later


@pytest.mark.parametrize(("persona", "status"), [("outsider", 403), ("anonymous", 302)])
def test_calendar_page_refuses(client_for, personas, persona, status):
    c = client_for(personas[persona])
    assert c.get(reverse("workinggroups:calendar")).status_code == status
    assert c.post(reverse("workinggroups:calendar_new")).status_code == status
    assert not CalendarToken.objects.exists()


def test_meeting_ics_download(client_for, member, council):
    meeting = MeetingFactory(
        title_en="Joint meeting", starts_at=NOW + datetime.timedelta(days=3), councils=[council]
    )
    response = client_for(member).get(reverse("councils:meeting_ics", args=[meeting.pk]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    (event,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["summary"]) == "Joint meeting"
    assert event.decoded("dtstart") == meeting.starts_at
    assert (
        client_for(None).get(reverse("councils:meeting_ics", args=[meeting.pk])).status_code == 302
    )


def test_line_breaks_in_titles_and_names_are_escaped_and_head_is_answered(
    client_for, member, council, group_cochair
):
    """Issue 14: a line break in a meeting title or a person's name was a 500 in the .ics and
    in the feed (X-WR-CALNAME was written unescaped); the feed did not answer HEAD."""
    meeting = MeetingFactory(
        title_en="Joint\r\nmeeting", starts_at=NOW + datetime.timedelta(days=3), councils=[council]
    )
    Attendee.objects.create(meeting=meeting, user=group_cochair)
    response = client_for(member).get(reverse("councils:meeting_ics", args=[meeting.pk]))
    assert response.status_code == 200
    assert b"X-WR-CALNAME:Joint\\nmeeting\r\n" in response.content
    group_cochair.first_name, group_cochair.last_name = "Line\nbreak", "Name\r\nhere"
    group_cochair.save()
    token = calendar_token_create(user=group_cochair)
    events = read_feed(token)
    assert "\n" in str(events[f"meeting-{meeting.pk}@councils-portal"]["summary"])
    assert Client().head(feed_url(token)).status_code == 200
    assert (
        client_for(member).head(reverse("councils:meeting_ics", args=[meeting.pk])).status_code
        == 200
    )
