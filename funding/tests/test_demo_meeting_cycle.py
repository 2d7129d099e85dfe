"""The demo's meeting cycle (issue 13): one winter 2027 meeting, no empty duplicate (even in a
database an older demo filled), carrying an endorsed request and a declared conflict; the
27 February 2020 meeting has its quorum. Loading twice changes nothing."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from councils.models import AgendaItem, Decision, InterestDeclaration, Meeting, Vote
from councils.selectors import meeting_quorum
from councils.services import meeting_save
from funding.models import FundingRequest, MeetingPackage, Status
from tests.demo import load_demo


def winter_2027():
    return Meeting.objects.filter(
        starts_at__date=datetime.date(2027, 2, 25), title_en__icontains="winter 2027"
    )


@pytest.fixture(scope="module")
def media_root(tmp_path_factory):
    return tmp_path_factory.mktemp("private")


@pytest.fixture(autouse=True)
def _private_media(settings, media_root):
    """The module's files (the demo's package PDFs), not a new folder for each test as in
    funding/tests/conftest.py: the demo is loaded once."""
    settings.MEDIA_ROOT = media_root


@pytest.fixture(scope="module")
def loaded(module_db, media_root):
    """Loaded once for the module (conftest.module_db): each test's writes are rolled back."""
    with module_db.unblock(), override_settings(MEDIA_ROOT=media_root):
        # What an earlier demo left behind: the empty duplicate under the old title.
        Meeting.objects.create(
            title_en="Joint councils meeting — winter 2027",
            title_fr="Réunion des conseils mixtes — hiver 2027",
            starts_at=timezone.make_aware(datetime.datetime(2027, 2, 25, 13)),
        )
        load_demo()


@pytest.fixture
def demo(loaded, db, settings):
    settings.DEBUG = True  # a test loads the demo again


def test_one_winter_2027_meeting_carries_the_scheduled_request_and_a_conflict(demo):
    (meeting,) = winter_2027()
    scheduled = FundingRequest.objects.get(status=Status.SCHEDULED)
    assert scheduled.meeting == meeting
    assert scheduled.agenda_item.meeting == meeting
    assert scheduled.agenda_item.title_en == f"Funding request: {scheduled.title_en}"
    assert InterestDeclaration.objects.filter(object_id=scheduled.pk).count() == 1


def test_the_2020_meeting_has_its_quorum_and_its_minutes_approved_later(demo):
    meeting = Meeting.objects.get(starts_at__date=datetime.date(2020, 2, 27))
    assert meeting_quorum(meeting).reached
    assert meeting.minutes_locked
    approving = meeting.minutes_approved_by.meeting
    assert approving.starts_at > meeting.starts_at and meeting_quorum(approving).reached
    # Attendance by person: the members present for their jurisdictions make the quorum.
    present = meeting.attendees.filter(attendance="present", role="member")
    assert present.count() >= 2 and not present.filter(jurisdiction=None).exists()
    # Approved, the minutes are locked: an edit is refused and nothing changes.
    meeting.minutes_en = "Rewritten."
    with pytest.raises(ValidationError):
        meeting_save(
            meeting=meeting,
            councils=list(meeting.councils.all()),
            by=get_user_model().objects.get(username="secretariat"),
        )
    meeting.refresh_from_db()
    assert meeting.minutes_en != "Rewritten."


def test_the_demo_holds_a_co_chairs_check_in_for_the_identity_groups(demo):
    from workinggroups.check_ins import statuses

    (check_in,) = Meeting.objects.filter(kind=Meeting.Kind.CHECK_IN)
    assert check_in.status == Meeting.Status.PLANNED
    assert set(check_in.check_in_groups.values_list("slug", flat=True)) == {
        "digital-identity-wg",
        "identity-management-sub-committee",
    }
    found = statuses(check_in)
    assert [s.group.slug for s in found] == [
        "digital-identity-wg",
        "identity-management-sub-committee",
    ]
    assert all(s.objectives and s.liaison for s in found)


def test_the_winter_2027_meeting_has_its_package_published_in_both_languages(demo):
    import io

    from pypdf import PdfReader

    (meeting,) = winter_2027()
    (package,) = MeetingPackage.objects.filter(meeting=meeting)
    assert package.is_ready and package.version == 1
    scheduled = FundingRequest.objects.get(status=Status.SCHEDULED)
    for lang, title in (("en", scheduled.title_en), ("fr", scheduled.title_fr)):
        with package.file_for(lang).open("rb") as handle:
            reader = PdfReader(io.BytesIO(handle.read()))
        text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
        assert title.replace("'", "’")[:25] in text.replace("'", "’")


def _counts():
    return [
        m.objects.count()
        for m in (Meeting, AgendaItem, InterestDeclaration, Vote, Decision, MeetingPackage)
    ]


def test_loading_twice_changes_nothing(demo):
    counts = _counts()
    call_command("load_demo", verbosity=0)
    assert _counts() == counts
    assert winter_2027().count() == 1
