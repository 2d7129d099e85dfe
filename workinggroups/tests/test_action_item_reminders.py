import datetime

import pytest
from django.core import mail

from councils.tests.factories import ActionItemFactory
from notifications.models import Reminder
from notifications.tests.helpers import TODAY, frozen, make_user
from workinggroups.reminders import remind_action_items

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_owner_is_reminded_once_when_due_and_once_when_overdue(eager_celery):
    owner = make_user("owner", language="fr")
    item = ActionItemFactory(
        owner=owner,
        title_en="Meet the group co-chairs",
        title_fr="Rencontrer les coprésidents des groupes",
        due_date=TODAY + datetime.timedelta(days=3),
    )
    with frozen(TODAY):
        remind_action_items()
        remind_action_items()
    assert len(mail.outbox) == 1
    assert "Rencontrer les coprésidents des groupes" in mail.outbox[0].subject
    assert mail.outbox[0].subject.startswith("Mesure de suivi")
    with frozen(item.due_date + datetime.timedelta(days=1)):
        remind_action_items()
        remind_action_items()
    assert len(mail.outbox) == 2
    assert Reminder.objects.filter(recipient=owner, kind="action_item").count() == 2


def test_far_done_or_ownerless_items_are_not_reminded(eager_celery):
    owner = make_user("owner")
    ActionItemFactory(owner=owner, due_date=TODAY + datetime.timedelta(days=30))
    ActionItemFactory(owner=owner, due_date=TODAY, status="done")
    ActionItemFactory(owner=None, due_date=TODAY)
    with frozen(TODAY):
        assert remind_action_items() == []
    assert mail.outbox == []
