"""Redis is an accelerator, not a single point of failure: a dedicated redis-server, started by
the test, is stopped or made to refuse writes, and signing in, browsing and submitting a
funding request all still succeed; /healthz says what is wrong. The notices the submission
wrote wait in the database, and once Redis is back the catch-up tick hands them to a real
Celery worker (a subprocess on the test database), which sends each once."""

import html
import shutil
import socket
import subprocess
import time
import uuid

import pytest
import redis
from django.urls import reverse
from django.utils import translation

from core.cache import VERSION_KEY, data_version
from funding import notices
from funding.models import Status
from notifications.models import Reminder
from notifications.services import broker_resume
from notifications.tasks import tick
from notifications.tests.helpers import broker_at

REDIS_SERVER = shutil.which("redis-server")
NO_DISK = ("--save", "", "--appendonly", "no")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PrivateRedis:
    """A redis-server of the test's own, on a free port, that the test may stop and restart."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", *NO_DISK],
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.2)
        deadline = time.monotonic() + 60  # generous: a loaded machine starts it late
        while time.monotonic() < deadline:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("the private redis-server did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)

    def refuse_writes(self):
        client = redis.Redis.from_url(self.url)
        client.config_set("maxmemory-policy", "noeviction")
        client.config_set("maxmemory", 1)

    def accept_writes(self):
        redis.Redis.from_url(self.url).config_set("maxmemory", 0)


@pytest.fixture
def private_redis(settings):
    from conftest import need

    need(REDIS_SERVER is not None, "redis-server")
    server = PrivateRedis()
    server.start()
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache_backends.DegradingRedisCache",
            "LOCATION": server.url,
            "KEY_PREFIX": "outage-test",
        }
    }
    settings.CELERY_BROKER_URL = server.url
    server.queue = f"outage-{uuid.uuid4().hex}"
    with broker_at(server.url, queue=server.queue):  # published for real, not run eagerly
        yield server
    if server.process.poll() is None:
        server.stop()


def sign_in(client, user):
    return client.post(
        reverse("login"), {"username": user.username, "password": "correct-horse-battery"}
    )


def use_the_portal(client, group_cochair, draft):
    """Sign in, browse, submit: each must succeed."""
    response = sign_in(client, group_cochair)
    assert response.status_code == 302, response.content[:500]
    pages = (
        reverse("portal:home"),
        reverse("strategy:dashboard"),  # its board is a cached fragment
        reverse("funding:request_list"),
    )
    for url in (*pages, reverse("funding:request_detail", args=[draft.pk])):
        assert client.get(url).status_code == 200, url
    response = client.post(
        reverse("funding:request_submit", args=[draft.pk]), {"version": draft.version}
    )
    assert response.status_code == 302, response.content[:500]
    assert client.get(response["Location"]).status_code == 200  # still signed in
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED


def notices_wait_in_the_database():
    waiting = Reminder.objects.filter(kind=notices.SUBMITTED)
    assert waiting.count() == 1
    assert not waiting.filter(sent_at__isnull=False).exists()
    assert not waiting.filter(enqueued_at__isnull=False).exists()  # for the next tick


def once_back_a_worker_sends_them(private_redis, tmp_path):
    """Redis answers again: the tick (beat's, every minute) hands the notices over, and a real
    worker sends each once."""
    from tests.test_reminder_worker import Processes, celery_env, read_mails, wait_for

    env = celery_env(tmp_path, {"REDIS_URL": private_redis.url})
    env["CELERY_TASK_DEFAULT_QUEUE"] = private_redis.queue
    procs = Processes(tmp_path, env)
    try:
        procs.start("worker", "worker", "-P", "solo", "--without-mingle", "--without-gossip")
        # The tick runs in beat's worker; this process, which served the requests, paused its
        # own hand-overs for BROKER_PAUSE_SECONDS after the broker failed: not the tick's case.
        broker_resume()
        wait_for(lambda: "ready" in procs.log("worker"), 60, "the worker to start")
        started = time.monotonic()
        assert tick()["messages"] == 1
        sent = Reminder.objects.filter(kind=notices.SUBMITTED, sent_at__isnull=False)
        wait_for(lambda: sent.count() == 1, 60, "the worker to send the notice")
        print(f"from the tick to the notice sent by the worker: {time.monotonic() - started:.1f} s")
        assert tick()["messages"] == 0
        time.sleep(1)
    finally:
        procs.stop()
    mails = read_mails(tmp_path / "mail")
    assert [m["To"] for m in mails] == ["council-cochair@example.gc.ca"]
    assert mails[0]["Subject"] == "For your review: Digital identity pilot"


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_with_redis_down_sign_in_browse_and_submit_succeed_and_nothing_is_lost(
    private_redis, client, group_cochair, council_cochair, draft, tmp_path
):
    private_redis.stop()
    started = time.monotonic()
    use_the_portal(client, group_cochair, draft)
    print(f"sign in, 4 pages and a submission with Redis down: {time.monotonic() - started:.1f} s")
    health = client.get(reverse("healthz"))
    assert health.status_code == 200
    assert health.content.decode().startswith("degraded") and "cache:" in health.content.decode()
    notices_wait_in_the_database()
    private_redis.start()
    once_back_a_worker_sends_them(private_redis, tmp_path)


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_with_redis_refusing_writes_the_write_stands_and_nothing_is_lost(
    private_redis, client, group_cochair, council_cochair, draft, tmp_path
):
    private_redis.refuse_writes()
    with pytest.raises(redis.ResponseError, match="maxmemory"):  # the fault is real
        redis.Redis.from_url(private_redis.url).set("probe", "x")
    started = time.monotonic()
    use_the_portal(client, group_cochair, draft)
    print(f"sign in, 4 pages and a submission, Redis full: {time.monotonic() - started:.1f} s")
    notices_wait_in_the_database()
    private_redis.accept_writes()
    once_back_a_worker_sends_them(private_redis, tmp_path)


def test_when_redis_is_back_the_cache_is_used_again(private_redis, db):
    private_redis.stop()
    assert data_version("funding") == "no-cache"
    private_redis.start()
    version = data_version("funding")
    assert version != "no-cache"
    assert redis.Redis.from_url(private_redis.url).keys(f"*{VERSION_KEY}:funding")


def test_healthz_is_ok_when_everything_answers(private_redis, db, client):
    response = client.get(reverse("healthz"))
    assert (response.status_code, response.content.decode()) == (200, "ok\n")


@pytest.mark.django_db
def test_with_redis_down_the_review_queue_lists_what_waits(
    private_redis, client_for, council_cochair, draft, group_cochair, cache_on
):
    """The queue's rows and filter fields are kept in the cache (issue 17): with Redis down
    they are rendered as without a cache, in both languages."""
    from funding import services

    services.funding_request_submit(request=draft, by=group_cochair, expected_version=draft.version)
    private_redis.stop()
    c = client_for(council_cochair)
    for language in ("en", "fr"):
        with translation.override(language):
            url = reverse("funding:review_queue")
        response = c.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert draft.title_en in page or draft.title_fr in page
        assert 'name="council"' in page


@pytest.mark.django_db
def test_with_redis_down_the_people_list_and_the_inbox_read_as_without_a_cache(
    private_redis, client_for, secretariat, cache_on
):
    """The people list keeps its rows in the cache and the inbox reads its rows' labels once
    (issue 17, tenth round): with Redis down both are rendered as without a cache, in both
    languages."""
    from notifications.models import Notification

    Notification.objects.create(
        recipient=secretariat, kind="overdue", text_en="Deadline missed", text_fr="Échéance ratée"
    )
    private_redis.stop()
    c = client_for(secretariat)
    for language, text in (("en", "Deadline missed"), ("fr", "Échéance ratée")):
        with translation.override(language):
            people, inbox = reverse("people:person_list"), reverse("notifications:inbox")
        page = c.get(people)
        assert page.status_code == 200, people
        assert html.escape(secretariat.last_name) in page.content.decode()
        page = c.get(inbox)
        assert page.status_code == 200, inbox
        assert text in page.content.decode()
