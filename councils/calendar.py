"""iCalendar events for meetings (a meeting's .ics, and the personal feed in workinggroups)."""

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event, vText

PRODID = "-//Joint councils governance portal//EN"
UID_DOMAIN = "councils-portal"


def new_calendar(name):
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    # X- properties are not typed by icalendar: without vText a line break in the name was
    # written raw and to_ical() failed (issue 14). Every text added here is escaped.
    cal.add("x-wr-calname", vText(str(name)))
    return cal


def absolute(path):
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def meeting_event(meeting):
    event = Event()
    event.add("uid", f"meeting-{meeting.pk}@{UID_DOMAIN}")
    event.add("summary", str(meeting.title))
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.ends_at or meeting.starts_at + datetime.timedelta(hours=2))
    event.add("dtstamp", timezone.now())
    if meeting.location:
        event.add("location", str(meeting.location))
    if meeting.status == meeting.Status.CANCELLED:
        event.add("status", "CANCELLED")
    url = absolute(reverse("councils:meeting_detail", args=[meeting.pk]))
    event.add("url", url)
    lines = [f"{i.order}. {i.title}" for i in meeting.agenda_items.all()]
    event.add("description", "\n".join([*lines, url]))
    return event


def all_day_event(*, uid, summary, day, url, description=""):
    event = Event()
    event.add("uid", f"{uid}@{UID_DOMAIN}")
    event.add("summary", str(summary))
    event.add("dtstart", day)
    event.add("dtend", day + datetime.timedelta(days=1))
    event.add("dtstamp", timezone.now())
    event.add("url", absolute(url))
    event.add("description", "\n".join(x for x in (str(description), absolute(url)) if x))
    event.add("transp", "TRANSPARENT")
    return event
