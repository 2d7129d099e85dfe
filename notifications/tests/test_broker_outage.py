"""A sweep with the broker unreachable keeps its claims and returns normally: the hand-over
after commit fails, is logged, and the messages wait in the database for the catch-up tick."""

import pytest
from django.db import transaction

from notifications import kinds, services
from notifications.models import Reminder
from notifications.tests.helpers import TODAY, broker_at, free_port, make_user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def broker_unreachable():
    with broker_at(f"redis://127.0.0.1:{free_port()}/0"):
        yield


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
        claimed = services.remind([due])  # the hand-over runs at the commit, and fails
    assert len(claimed) == 1
    reminder = Reminder.objects.get(pk__in=claimed)
    assert reminder.sent_at is None
    assert reminder.enqueued_at is None  # so the next tick hands it over at once
    assert "wait for the catch-up tick" in caplog.text  # logged, not raised
