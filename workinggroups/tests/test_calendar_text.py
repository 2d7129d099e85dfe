"""Issue 14: every text a person typed reaches iCalendar escaped, in the meeting .ics and in
the personal feed, X-WR-CALNAME included; both answer HEAD as they answer GET.

Read back with the icalendar parser: each text comes back as typed (line breaks as "\\n",
control characters dropped), and the raw file has no line break but the CRLF that ends each
content line, so a title cannot add a property of its own."""

import datetime
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from councils.models import AgendaItem, Attendee
from councils.tests.factories import ActionItemFactory, MeetingFactory
from workinggroups.services import calendar_token_create
from workinggroups.tests.factories import MeasureFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 23, 15, tzinfo=datetime.UTC)
# What a pasted title can carry: every line-break form, iCalendar's own separators, a
# would-be property, a control character, and a line long enough to be folded.
TYPED = (
    "One\r\nTwo\nThree\rFour; a, b \\ c:\nEND:VEVENT\nATTENDEE:mailto:x@example.org"
    "\x0b\x1f é ✓ " + "long " * 20
)
AS_READ = TYPED.replace("\r\n", "\n").replace("\r", "\n").replace("\x0b", "").replace("\x1f", "")


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _check_raw(content):
    """Only CRLF ends a line, each line is at most 75 octets, no control character."""
    assert content.endswith(b"\r\n")
    for line in content[:-2].split(b"\r\n"):
        assert b"\n" not in line and b"\r" not in line, line
        assert len(line) <= 75, line
        assert not any(byte < 32 and byte != 9 for byte in line), line


def _calname(cal):
    """The parser keeps X- properties as written (escaped): read it as RFC 5545 TEXT."""
    escapes = {"n": "\n", "N": "\n", ";": ";", ",": ",", "\\": "\\"}
    return re.sub(r"\\(.)", lambda m: escapes[m.group(1)], str(cal["x-wr-calname"]))


def _parse(content):
    _check_raw(content)
    return Calendar.from_ical(content)


def _meeting(council):
    meeting = MeetingFactory(
        title_en=TYPED,
        location_en=TYPED,
        starts_at=NOW + datetime.timedelta(days=3),
        councils=[council],
    )
    AgendaItem.objects.create(meeting=meeting, order=1, title_en=TYPED)
    return meeting


def test_meeting_ics_escapes_every_text(client_for, member, council):
    meeting = _meeting(council)
    response = client_for(member).get(reverse("councils:meeting_ics", args=[meeting.pk]))
    assert response.status_code == 200
    cal = _parse(response.content)
    assert _calname(cal) == AS_READ
    (event,) = cal.walk("VEVENT")
    assert str(event["summary"]) == AS_READ
    assert str(event["location"]) == AS_READ
    assert str(event["description"]).startswith(f"1. {AS_READ}\nhttp")
    assert "ATTENDEE" not in event


def test_personal_feed_escapes_the_persons_name_and_every_text(group, group_cochair, council):
    meeting = _meeting(council)
    Attendee.objects.create(meeting=meeting, user=group_cochair)
    group_cochair.first_name, group_cochair.last_name = "Line\nbreak", "Name\r\nhere;,"
    group_cochair.save()
    action = ActionItemFactory(owner=group_cochair, title_en=TYPED, description_en=TYPED)
    measure = MeasureFactory(
        owner=group_cochair, title_en=TYPED, due_date=datetime.date(2027, 2, 1)
    )
    objective = ObjectiveFactory(group=group, title_en=TYPED, due_date=datetime.date(2027, 1, 31))
    token = calendar_token_create(user=group_cochair)
    response = Client().get(reverse("workinggroups:calendar_feed", args=[token]))
    assert response.status_code == 200
    cal = _parse(response.content)
    assert _calname(cal).endswith("Line\nbreak Name\nhere;,")
    events = {str(e["uid"]).split("@")[0]: e for e in cal.walk("VEVENT")}
    assert str(events[f"meeting-{meeting.pk}"]["summary"]) == AS_READ
    assert str(events[f"action-{action.pk}"]["summary"]).endswith(AS_READ)
    assert str(events[f"action-{action.pk}"]["description"]).startswith(f"{AS_READ}\nhttp")
    assert str(events[f"measure-{measure.pk}"]["summary"]).endswith(AS_READ)
    assert AS_READ in str(events[f"objective-{objective.pk}"]["summary"])
    for event in events.values():
        assert "ATTENDEE" not in event


def test_feed_and_meeting_ics_answer_head_like_get(client_for, member, council):
    meeting = _meeting(council)
    token = calendar_token_create(user=member)
    for client, url in (
        (Client(), reverse("workinggroups:calendar_feed", args=[token])),
        (client_for(member), reverse("councils:meeting_ics", args=[meeting.pk])),
    ):
        got, head = client.get(url), client.head(url)
        assert head.status_code == got.status_code == 200
        assert head["Content-Type"] == got["Content-Type"] == "text/calendar; charset=utf-8"
        assert head.content == b""
        assert client.post(url).status_code == 405
