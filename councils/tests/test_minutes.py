"""Minutes (issue 13, §5): circulated onto a later meeting's agenda, approved by a decision of
that meeting, then locked; a later correction is an erratum, never an edit."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from councils import services
from councils.models import Meeting, MinutesErratum, MinutesStatus
from councils.tests.factories import MeetingFactory, hold_with_quorum


@pytest.fixture
def held(council):
    return MeetingFactory(
        councils=[council],
        starts_at=timezone.now() - datetime.timedelta(days=60),
        status=Meeting.Status.HELD,
        minutes_en="Priorities confirmed.",
    )


@pytest.fixture
def later(council):
    return MeetingFactory(councils=[council], starts_at=timezone.now() - datetime.timedelta(days=1))


def _circulate(client, held, later):
    return client.post(
        reverse("councils:minutes_circulate", args=[held.pk]), {"next_meeting": later.pk}
    )


def _approve(client, later):
    hold_with_quorum(later, members=2)
    item = later.agenda_items.get(minutes_of__isnull=False)
    return client.post(
        reverse("councils:decision_create", args=[later.pk]),
        {"number": 1, "agenda_item": item.pk, "text_en": "Minutes approved", "votes_for": "2"},
    )


def test_circulated_minutes_go_on_the_next_meetings_agenda(client_for, secretariat, held, later):
    assert _circulate(client_for(secretariat), held, later).status_code == 302
    held.refresh_from_db()
    assert held.minutes_status == MinutesStatus.CIRCULATED
    item = later.agenda_items.get()
    assert item.minutes_of == held
    assert item.title_en == f"Approval of the minutes of {held.title_en}"


def test_minutes_without_text_are_not_circulated(client_for, secretariat, held, later):
    held.minutes_en = ""
    held.save()
    _circulate(client_for(secretariat), held, later)
    held.refresh_from_db()
    assert held.minutes_status == MinutesStatus.DRAFT and not later.agenda_items.exists()


def test_a_decision_of_the_next_meeting_approves_and_locks_them(
    client_for, secretariat, member, held, later
):
    c = client_for(secretariat)
    _circulate(c, held, later)
    assert _approve(c, later).status_code == 302
    held.refresh_from_db()
    assert held.minutes_status == MinutesStatus.APPROVED and held.minutes_locked
    assert held.minutes_approved_by.meeting == later
    page = client_for(member).get(reverse("councils:meeting_detail", args=[held.pk]))
    assert "Approved by decision 1 of" in page.content.decode()


def test_locked_minutes_refuse_edits(client_for, secretariat, held, later, council):
    c = client_for(secretariat)
    _circulate(c, held, later)
    _approve(c, later)
    held.refresh_from_db()
    held.minutes_en = "Rewritten after the fact."
    with pytest.raises(ValidationError, match="locked"):
        services.meeting_save(meeting=held, councils=[council], by=secretariat)
    # Through the edit page the minutes are not even offered, and a forged field is ignored.
    c.post(
        reverse("councils:meeting_edit", args=[held.pk]),
        {
            "title_en": held.title_en,
            "starts_at": timezone.localtime(held.starts_at).strftime("%Y-%m-%dT%H:%M"),
            "councils": [council.pk],
            "status": "held",
            "minutes_en": "Rewritten after the fact.",
        },
    )
    held.refresh_from_db()
    assert held.minutes_en == "Priorities confirmed." and held.minutes_locked


def test_a_correction_is_an_erratum_only_once_approved(client_for, secretariat, held, later):
    c = client_for(secretariat)
    url = reverse("councils:minutes_erratum_create", args=[held.pk])
    c.post(url, {"text": "Too early."})
    assert not MinutesErratum.objects.exists()
    _circulate(c, held, later)
    _approve(c, later)
    assert c.post(url, {"text": "Item 2 was moved by Quebec."}).status_code == 302
    erratum = MinutesErratum.objects.get()
    assert erratum.text == "Item 2 was moved by Quebec." and erratum.recorded_by == secretariat
    held.refresh_from_db()
    assert held.minutes_en == "Priorities confirmed."


def test_the_minutes_start_from_the_agenda_in_each_language(client_for, secretariat, held):
    from councils.models import AgendaItem, Decision

    held.minutes_en = ""
    held.save()
    item = AgendaItem.objects.create(
        meeting=held,
        order=1,
        kind="question",
        title_en="Are we focused?",
        title_fr="Sommes-nous concentrés?",
        outcome_en="Yes, on three priorities.",
        outcome_fr="Oui, sur trois priorités.",
    )
    Decision.objects.create(meeting=held, number=1, agenda_item=item, text_en="Priorities set")
    url = reverse("councils:minutes_draft", args=[held.pk])
    assert client_for(secretariat).post(url).status_code == 302
    held.refresh_from_db()
    assert "1. Are we focused?" in held.minutes_en
    assert "Yes, on three priorities." in held.minutes_en
    assert "Decision 1: Priorities set" in held.minutes_en
    assert "Oui, sur trois priorités." in held.minutes_fr
    # A second start never overwrites what was written since.
    held.minutes_en = "Edited by hand."
    held.save()
    client_for(secretariat).post(url)
    held.refresh_from_db()
    assert held.minutes_en == "Edited by hand."


def test_a_question_shows_its_recorded_outcome(client_for, member, held):
    from councils.models import AgendaItem

    AgendaItem.objects.create(
        meeting=held, order=1, kind="question", title_en="Q?", outcome_en="Agreed to pilot."
    )
    page = client_for(member).get(reverse("councils:meeting_detail", args=[held.pk]))
    assert "Agreed to pilot." in page.content.decode()


def test_circulating_tells_the_attendees(client_for, secretariat, held, later):
    from notifications.models import Notification, Reminder

    present = hold_with_quorum(held, members=2)
    held.status = Meeting.Status.HELD
    held.save()
    _circulate(client_for(secretariat), held, later)
    reminders = Reminder.objects.filter(kind="minutes_circulated")
    assert sorted(r.recipient_id for r in reminders) == sorted(u.pk for u in present)
    entry = Notification.objects.filter(recipient=present[0]).get()
    assert "Draft minutes to approve" in entry.text_en


def test_the_meeting_page_says_where_circulated_minutes_wait_in_as_many_queries(
    client_for, secretariat, held, later
):
    """A draft reads the later planned meetings for the circulation form, circulated minutes
    the agenda line that carries them: one query either way (issue 17)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = client_for(secretariat)
    url = reverse("councils:meeting_detail", args=[held.pk])
    later_url = reverse("councils:meeting_detail", args=[later.pk])
    c.get(url)
    with CaptureQueriesContext(connection) as draft:
        page = c.get(url).content.decode()
    assert "for approval" not in page and f'<option value="{later.pk}">' in page
    _circulate(c, held, later)
    c.get(url)
    with CaptureQueriesContext(connection) as circulated:
        page = c.get(url).content.decode()
    assert f'On the agenda of <a href="{later_url}">' in page and "for approval." in page
    assert len(circulated.captured_queries) == len(draft.captured_queries)
