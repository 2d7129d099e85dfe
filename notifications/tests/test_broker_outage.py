"""A sweep with the broker unreachable keeps its claims and returns normally: the enqueue
after commit fails, is logged, and the reminders stay claimed for `resend_stale` to send."""

import socket

import pytest
from django.db import transaction

from config.celery_app import app as celery_app
from notifications import kinds, services
from notifications.models import Reminder
from notifications.tests.helpers import TODAY, make_user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def broker_unreachable():
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    before = celery_app.conf.broker_url, celery_app.conf.task_always_eager
    celery_app.conf.broker_url = f"redis://127.0.0.1:{port}/0"
    celery_app.conf.task_always_eager = False
    celery_app.pool.force_close_all()
    celery_app._pool = None
    yield
    celery_app.conf.broker_url, celery_app.conf.task_always_eager = before
    celery_app._pool = None


def test_a_sweep_with_the_broker_down_keeps_its_claims_and_returns(broker_unreachable, caplog):
    person = make_user("ana")
    due = services.Due(
        person.pk,
        kinds.ACTION_ITEM,
        "meetings.actionitem:1",
        TODAY,
        {"headline": {"en": "Send the minutes", "fr": "Envoyer le procès-verbal"}, "url": "/"},
    )
    with transaction.atomic():
        claimed = services.remind([due])  # the enqueue runs at the commit, and fails
    assert len(claimed) == 1
    assert Reminder.objects.filter(pk__in=claimed, sent_at__isnull=True).count() == 1
    assert "in on_commit()" in caplog.text  # logged by Django, not raised
