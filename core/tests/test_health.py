"""/healthz answers per dependency: 503 with the reason when PostgreSQL is down, 200
"degraded" with the reason when the broker is, and "ok" when everything answers."""

import time

import pytest
from django.db import connection
from django.urls import reverse

from notifications.tests.helpers import free_port


def body(response):
    return response.content.decode().splitlines()


@pytest.mark.django_db(transaction=True)
def test_postgresql_down_answers_503_with_the_reason(client, require_postgres):
    # Pointing the connection at a port nobody listens on only takes PostgreSQL away: an
    # SQLite database is a file, and answered "ok" (a laptop's run failed here).
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict["HOST"] = "127.0.0.1"
    connection.settings_dict["PORT"] = str(free_port())  # nobody listens there
    try:
        started = time.monotonic()
        response = client.get(reverse("healthz"))
        print(f"/healthz with PostgreSQL down: {(time.monotonic() - started) * 1000:.0f} ms")
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)
    assert response.status_code == 503
    assert body(response)[0] == "unavailable"
    assert body(response)[1].startswith("database: OperationalError")


@pytest.mark.django_db
def test_the_broker_unreachable_answers_degraded(client, settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{free_port()}/0"
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert body(response)[0] == "degraded"
    assert body(response)[1].startswith("broker: ConnectionError")


@pytest.mark.django_db
def test_a_failing_check_is_a_reason_not_a_500(client, settings):
    settings.PORTAL_HEALTH_CHECKS = ["core.tests.test_health.broken_check"]
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert body(response)[:2] == [
        "degraded",
        "core.tests.test_health.broken_check: RuntimeError: boom",
    ]


def broken_check():
    raise RuntimeError("boom")
