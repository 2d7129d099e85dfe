"""iCalendar events for meetings (a meeting's .ics, and the personal feed in workinggroups)."""

import datetime
import re

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event, vText

PRODID = "-//Joint councils governance portal//EN"
UID_DOMAIN = "councils-portal"


# RFC 5545 TEXT allows no control character but tab; line breaks are escaped by vText.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def text(value):
    """Any text a person typed, ready for iCalendar: control characters dropped, then escaped
    by vText (backslash, ";", ",", and every line break as "\\n"). Every text property goes
    through here, typed properties and X- ones alike."""
    return vText(_CONTROL.sub("", str(value)))


def new_calendar(name):
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    # X- properties are not typed by icalendar: without vText a line break in the name was
    # written raw and to_ical() failed (issue 14). Every text added here is escaped.
    cal.add("x-wr-calname", text(name))
    return cal


def absolute(path):
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def meeting_event(meeting):
    event = Event()
    event.add("uid", f"meeting-{meeting.pk}@{UID_DOMAIN}")
    event.add("summary", text(meeting.title))
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.ends_at or meeting.starts_at + datetime.timedelta(hours=2))
    event.add("dtstamp", timezone.now())
    if meeting.location:
        event.add("location", text(meeting.location))
    if meeting.status == meeting.Status.CANCELLED:
        event.add("status", "CANCELLED")
    url = absolute(reverse("councils:meeting_detail", args=[meeting.pk]))
    event.add("url", url)
    lines = [f"{i.order}. {i.title}" for i in meeting.agenda_items.all()]
    event.add("description", text("\n".join([*lines, url])))
    return event


def all_day_event(*, uid, summary, day, url, description=""):
    event = Event()
    event.add("uid", f"{uid}@{UID_DOMAIN}")
    event.add("summary", text(summary))
    event.add("dtstart", day)
    event.add("dtend", day + datetime.timedelta(days=1))
    event.add("dtstamp", timezone.now())
    event.add("url", absolute(url))
    event.add("description", text("\n".join(x for x in (str(description), absolute(url)) if x)))
    event.add("transp", "TRANSPARENT")
    return event
