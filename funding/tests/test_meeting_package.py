"""The meeting package (issue 13, §4): published by the secretariat, made by a worker as one
PDF per language from the portal's templates, kept per version, downloaded only by people who
may see the meeting, announced to the councils' people in their language; the secretariat is
reminded once when a meeting comes near without one. The approved minutes as PDF (§5)."""

import datetime
import io

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from core import pdf
from councils.models import AgendaItem, Meeting, MinutesStatus
from councils.tests.factories import (
    ActionItemFactory,
    CouncilMembershipFactory,
    MeetingFactory,
    UserFactory,
    hold_with_quorum,
)
from funding import package as packages
from funding.models import MeetingPackage
from notifications.models import Notification, Reminder
from notifications.services import deliver
from workinggroups.tests.factories import ObjectiveFactory

pytestmark = pytest.mark.usefixtures("eager_celery")


def text_of(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def file_text(package, language) -> str:
    with package.file_for(language).open("rb") as handle:
        return text_of(handle.read())


@pytest.fixture
def french_reader(council):
    user = UserFactory(username="lecteur", first_name="Lucie", last_name="Lecteur")
    CouncilMembershipFactory(user=user, council=council, role="member")
    user.profile.preferred_language = "fr"
    user.profile.save()
    return user


@pytest.fixture
def booked(scheduled, meeting, council_cochair, group, council):
    """The scheduled request (titles and a recommendation comment in both languages), a late
    objective of its group, a discussion question and an earlier meeting's draft minutes."""
    scheduled.title_fr = "Projet pilote d'identité numérique"
    scheduled.save(update_fields=["title_fr"])
    rec = scheduled.recommendations.get()
    rec.comment = "Strong case for the pilot; the costs are clear."
    rec.save(update_fields=["comment"])
    ObjectiveFactory(
        group=group,
        title_en="Publish the trust framework",
        title_fr="Publier le cadre de confiance",
        due_date=timezone.localdate() - datetime.timedelta(days=10),
    )
    AgendaItem.objects.create(
        meeting=meeting,
        kind=AgendaItem.Kind.QUESTION,
        order=9,
        title_en="Should the councils fund more pilots?",
        title_fr="Les conseils devraient-ils financer plus de projets pilotes ?",
    )
    earlier = MeetingFactory(
        councils=[council],
        title_en="Autumn meeting",
        title_fr="Réunion d'automne",
        starts_at=timezone.now() - datetime.timedelta(days=60),
        status=Meeting.Status.HELD,
        minutes_en="The councils confirmed the three priorities.",
        minutes_fr="Les conseils ont confirmé les trois priorités.",
        minutes_status=MinutesStatus.CIRCULATED,
    )
    AgendaItem.objects.create(
        meeting=meeting, order=0, title_en="Approval of the minutes", minutes_of=earlier
    )
    return scheduled


def publish(client, meeting):
    url = reverse("funding:package_publish", args=[meeting.pk])
    page = client.get(url)
    version = page.context["form"].initial["version"]
    return client.post(url, {"version": version})


def test_the_package_is_made_in_both_languages_with_the_requests_and_recommendations(
    booked, meeting, secretariat, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = publish(client_for(secretariat), meeting)
    assert response.status_code == 302
    package = MeetingPackage.objects.get(meeting=meeting)
    assert package.version == 1 and package.status == MeetingPackage.Status.READY
    assert package.published_by == secretariat

    english = file_text(package, "en")
    assert "Digital identity pilot" in english
    assert "Strong case for the pilot" in english and "Endorse" in english
    assert "25,000.00" in english or "25 000,00" in english
    assert "Publish the trust framework" in english and "late" in english
    assert "The councils confirmed the three priorities." in english
    assert "Should the councils fund more pilots?" in english

    french = file_text(package, "fr")
    assert "Projet pilote d'identité numérique" in french or "Projet pilote d’identité" in french
    assert "Recommandations des coprésident" in french
    assert "Strong case for the pilot" in french  # the co-chair's own words, as written
    assert "Publier le cadre de confiance" in french
    assert "Les conseils ont confirmé les trois priorités." in french
    assert "financer plus de projets pilotes" in french


def test_republishing_makes_version_2_and_keeps_version_1(
    booked, meeting, secretariat, member, client_for, django_capture_on_commit_callbacks
):
    client = client_for(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        publish(client, meeting)
    first = MeetingPackage.objects.get(meeting=meeting)
    first_bytes = first.file_en.open("rb").read()
    first.file_en.close()
    booked.title_en = "Digital identity pilot, phase 2"
    booked.save(update_fields=["title_en"])
    with django_capture_on_commit_callbacks(execute=True):
        assert publish(client, meeting).status_code == 302
    versions = list(MeetingPackage.objects.filter(meeting=meeting).order_by("version"))
    assert [p.version for p in versions] == [1, 2]
    assert all(p.is_ready for p in versions)
    assert "phase 2" in file_text(versions[1], "en")
    assert "phase 2" not in file_text(versions[0], "en")
    assert versions[0].file_en.open("rb").read() == first_bytes
    versions[0].file_en.close()
    # Both versions are listed on the meeting page, each with its two downloads.
    page = client_for(member).get(reverse("councils:meeting_detail", args=[meeting.pk]))
    section = page.content.decode().split('id="package-h"', 1)[1].split("</section>", 1)[0]
    for p in versions:
        for lang in ("en", "fr"):
            assert reverse("funding:package_download", args=[p.pk, lang]) in section


def test_a_stale_publish_page_is_told_and_publishes_nothing(
    booked, meeting, secretariat, client_for
):
    client = client_for(secretariat)
    url = reverse("funding:package_publish", args=[meeting.pk])
    assert client.post(url, {"version": 1}).status_code == 302
    response = client.post(url, {"version": 1})  # a second tab, drawn before the first
    assert response.status_code == 409
    assert MeetingPackage.objects.filter(meeting=meeting).count() == 1


def test_download_has_the_attachment_headers_and_is_refused_to_outsiders(
    booked, meeting, secretariat, member, outsider, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        publish(client_for(secretariat), meeting)
    package = MeetingPackage.objects.get(meeting=meeting)
    url = reverse("funding:package_download", args=[package.pk, "fr"])
    response = client_for(member).get(url)
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF-")
    assert "Projet pilote" in text_of(body)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "dossier-de-reunion" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert client_for(outsider).get(url).status_code == 404
    assert (
        client_for(member)
        .get(reverse("funding:package_download", args=[package.pk, "de"]))
        .status_code
        == 404
    )


def test_only_the_secretariat_publishes(booked, meeting, member, client_for):
    url = reverse("funding:package_publish", args=[meeting.pk])
    assert client_for(member).post(url, {"version": 1}).status_code == 403
    assert not MeetingPackage.objects.exists()


def test_the_councils_people_are_told_in_their_language(
    booked, meeting, secretariat, member, french_reader, client_for, settings
):
    settings.PORTAL_BASE_URL = "https://portal.example.ca"
    package = services_publish(meeting, secretariat)
    assert packages.package_generate(package.pk)
    rows = Reminder.objects.filter(kind=packages.READY)
    assert french_reader.pk in {r.recipient_id for r in rows}
    assert member.pk in {r.recipient_id for r in rows}
    mail.outbox.clear()
    for row in rows:
        deliver(row.pk)
    by_address = {m.to[0]: m for m in mail.outbox}
    assert "Meeting package published" in by_address[member.email].subject
    french = by_address[french_reader.email]
    assert "Dossier de réunion publié" in french.subject
    assert f"/fr/councils/meetings/{meeting.pk}/#package-h" in french.body
    entry = Notification.objects.get(recipient=french_reader, kind=packages.READY)
    assert entry.text_fr.startswith("Dossier de réunion publié")
    # A second run of the task finds the package made and tells nobody again.
    assert not packages.package_generate(package.pk)
    assert Reminder.objects.filter(kind=packages.READY).count() == rows.count()


def services_publish(meeting, by):
    return packages.package_publish(meeting=meeting, by=by)


def test_a_broker_down_fails_nothing_and_the_sweep_makes_the_package(
    booked, meeting, secretariat, client_for, monkeypatch, django_capture_on_commit_callbacks
):
    from funding.tasks import generate_meeting_package, sweep_pending_packages

    def broken(*args, **kwargs):
        raise OSError("Connection refused")

    monkeypatch.setattr(generate_meeting_package, "delay", broken)
    with django_capture_on_commit_callbacks(execute=True):
        assert publish(client_for(secretariat), meeting).status_code == 302
    package = MeetingPackage.objects.get(meeting=meeting)
    assert package.status == MeetingPackage.Status.PENDING
    assert sweep_pending_packages() == 0  # too recent: its worker may still be at it
    MeetingPackage.objects.filter(pk=package.pk).update(
        published_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    assert sweep_pending_packages() == 1
    package.refresh_from_db()
    assert package.is_ready and "Digital identity pilot" in file_text(package, "en")


# --- Without the system library ------------------------------------------------------------


def no_pango():
    raise pdf.PdfUnavailable("cannot load library 'libpango-1.0-0'")


def test_without_pango_the_pages_work_and_say_what_is_missing(
    booked, meeting, secretariat, member, client_for, monkeypatch
):
    monkeypatch.setattr(pdf, "load_weasyprint", no_pango)
    page = client_for(secretariat).get(reverse("councils:meeting_detail", args=[meeting.pk]))
    assert page.status_code == 200
    section = page.content.decode().split('id="package-h"', 1)[1].split("</section>", 1)[0]
    assert "Pango" in section and "WeasyPrint" in section
    assert reverse("funding:package_publish", args=[meeting.pk]) not in section
    url = reverse("funding:package_publish", args=[meeting.pk])
    confirm = client_for(secretariat).get(url)
    assert "Pango" in confirm.content.decode()
    assert client_for(secretariat).post(url, {"version": 1}).status_code == 503
    assert not MeetingPackage.objects.exists()
    # Everything else still answers.
    assert client_for(member).get(reverse("funding:request_list")).status_code == 200


def test_a_package_whose_worker_finds_no_pango_fails_with_its_reason(
    booked, meeting, secretariat, monkeypatch
):
    package = services_publish(meeting, secretariat)
    monkeypatch.setattr(pdf, "load_weasyprint", no_pango)
    assert not packages.package_generate(package.pk)
    package.refresh_from_db()
    assert package.status == MeetingPackage.Status.FAILED and "libpango" in package.failure
    assert not Reminder.objects.filter(kind=packages.READY).exists()


# --- The reminder -------------------------------------------------------------------------------


def test_the_secretariat_is_reminded_once_when_no_package_is_published(
    council, secretariat, member, settings
):
    settings.PORTAL_PACKAGE_REMINDER_DAYS = 7
    soon = MeetingFactory(councils=[council], starts_at=timezone.now() + datetime.timedelta(days=5))
    MeetingFactory(councils=[council], starts_at=timezone.now() + datetime.timedelta(days=20))
    from funding.tasks import sweep_package_reminders

    assert sweep_package_reminders() == 1
    assert sweep_package_reminders() == 0  # a second tick: claimed already
    (row,) = Reminder.objects.filter(kind=packages.DUE)
    assert row.recipient == secretariat and row.object_id == soon.pk
    mail.outbox.clear()
    deliver(row.pk)
    assert "No package published yet" in mail.outbox[0].subject


def test_no_reminder_once_a_package_is_published(council, secretariat, settings):
    soon = MeetingFactory(councils=[council], starts_at=timezone.now() + datetime.timedelta(days=3))
    services_publish(soon, secretariat)
    assert packages.remind_packages_due() == []


# --- Approved minutes as PDF ---------------------------------------------------------------------


@pytest.fixture
def approved(council, secretariat, member):
    held = MeetingFactory(
        councils=[council],
        title_en="Winter meeting",
        title_fr="Réunion d'hiver",
        starts_at=timezone.now() - datetime.timedelta(days=30),
        minutes_en="The councils approved the plan.",
        minutes_fr="Les conseils ont approuvé le plan.",
    )
    hold_with_quorum(held, members=2)
    ActionItemFactory(meeting=held, owner=member, title_en="Write the report")
    later = MeetingFactory(
        councils=[council], starts_at=timezone.now() - datetime.timedelta(days=1)
    )
    from councils import services as meeting_services

    meeting_services.minutes_circulate(meeting=held, next_meeting=later, by=secretariat)
    hold_with_quorum(later, members=3)  # 3 of the 5 jurisdictions now on the council
    from councils.models import Decision

    item = later.agenda_items.get(minutes_of=held)
    meeting_services.decision_save(
        decision=Decision(meeting=later, number=1, agenda_item=item, text_en="Approved"),
        by=secretariat,
        votes={"votes_for": 2, "votes_against": 0, "votes_abstaining": 0},
    )
    held.refresh_from_db()
    assert held.minutes_locked
    meeting_services.minutes_erratum_add(meeting=held, text="The date was wrong.", by=secretariat)
    return held


def test_approved_minutes_download_in_each_language(approved, member, outsider, client_for):
    page = client_for(member).get(reverse("councils:meeting_detail", args=[approved.pk]))
    url = reverse("councils:minutes_pdf", args=[approved.pk, "fr"])
    assert url in page.content.decode()
    response = client_for(member).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    french = text_of(response.content)
    assert "Les conseils ont approuvé le plan." in french
    jurisdiction = approved.attendees.first().jurisdiction
    assert "Quorum" in french and "Présence" in french and jurisdiction.name_fr in french
    assert "The date was wrong." in french
    english = text_of(
        client_for(member).get(reverse("councils:minutes_pdf", args=[approved.pk, "en"])).content
    )
    assert "Write the report" in english and "Approved" in english
    assert client_for(outsider).get(url).status_code == 404


def test_draft_minutes_have_no_pdf(meeting, member, client_for):
    url = reverse("councils:minutes_pdf", args=[meeting.pk, "en"])
    assert client_for(member).get(url).status_code == 404


def test_the_meeting_page_reads_the_versions_in_one_query(meeting, secretariat, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(secretariat)
    url = reverse("councils:meeting_detail", args=[meeting.pk])

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    MeetingPackage.objects.create(meeting=meeting, version=1, published_by=secretariat)
    few = count()
    for version in range(2, 7):
        MeetingPackage.objects.create(
            meeting=meeting, version=version, published_by=secretariat, status="ready"
        )
    assert count() == few
