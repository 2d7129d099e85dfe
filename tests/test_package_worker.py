"""A real Celery worker makes the meeting package the secretariat publishes (issue 13, §4):
the web request only writes the pending version and hands its id over after the commit; the
worker, a separate process on PostgreSQL and Redis, writes both PDFs into the private storage,
marks the version ready and e-mails the councils' people, each in their language."""

import io
import uuid

import pytest
from django.urls import reverse
from kombu import Connection
from pypdf import PdfReader

from councils.tests.factories import CouncilMembershipFactory, MeetingFactory, UserFactory
from funding.models import MeetingPackage
from funding.tasks import generate_meeting_package
from notifications.tests.helpers import subject_of
from tests.test_reminder_worker import Processes, celery_env, read_mails, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres, pytest.mark.redis]


def test_a_real_worker_makes_the_package_and_tells_the_members(
    redis_url, council, secretariat, member, client_for, tmp_path, settings, monkeypatch
):
    media = tmp_path / "media"
    settings.MEDIA_ROOT = media
    lecteur = UserFactory(username="lecteur-fr")
    lecteur.profile.preferred_language = "fr"
    lecteur.profile.save()
    CouncilMembershipFactory(user=lecteur, council=council, role="member")
    meeting = MeetingFactory(councils=[council], title_en="Winter", title_fr="Hiver")

    queue = f"test-{uuid.uuid4().hex}"
    env = celery_env(tmp_path, {"REDIS_URL": redis_url})
    env.update({"CELERY_TASK_DEFAULT_QUEUE": queue, "PORTAL_MEDIA_ROOT": str(media)})
    # This process hands the package to the worker's own queue (a queue per test run, so that
    # no other worker on this Redis takes it).
    # Through its own connection to this Redis: another test of the same process may have left
    # the app's broker pointing at a stopped one (the broker-down tests).
    original = generate_meeting_package.apply_async

    def hand_over(pk):
        with Connection(redis_url) as connection:
            return original(args=[pk], queue=queue, connection=connection)

    monkeypatch.setattr(generate_meeting_package, "delay", hand_over)
    procs = Processes(tmp_path, env)
    try:
        procs.start("worker", "worker", "-P", "solo", "--without-mingle", "--without-gossip")
        response = client_for(secretariat).post(
            reverse("funding:package_publish", args=[meeting.pk]), {"version": 1}
        )
        assert response.status_code == 302
        package = MeetingPackage.objects.get(meeting=meeting)
        wait_for(
            lambda: MeetingPackage.objects.filter(pk=package.pk, status="ready").exists(),
            120,
            "the worker to make the package",
        )
        wait_for(lambda: len(read_mails(tmp_path / "mail")) >= 3, 60, "three e-mails")
    finally:
        procs.stop()
    package.refresh_from_db()
    for lang, title in (("en", "Winter"), ("fr", "Hiver")):
        with package.file_for(lang).open("rb") as handle:
            text = PdfReader(io.BytesIO(handle.read())).pages[0].extract_text()
        assert title in text
    subjects = {m["To"]: subject_of(m) for m in read_mails(tmp_path / "mail")}
    assert set(subjects) == {secretariat.email, member.email, lecteur.email}
    assert subjects[member.email].startswith("Meeting package published")
    assert subjects[lecteur.email].startswith("Dossier de réunion publié")
