"""Objects the cross-cutting tests (permission matrix, form fuzzer, dead links) need from the
notifications: a message to the group co-chair that failed for good, so the secretariat's
page of messages not delivered shows its "Send again" form."""

import datetime

from django.utils import timezone

from notifications import kinds, services
from notifications.models import Reminder


def build(**world):
    person = world["group_cochair"]
    due = services.Due(
        person.pk,
        kinds.ACTION_ITEM,
        "tests.failed:1",
        timezone.localdate(),
        {"headline": {"en": "Send the minutes", "fr": "Envoyer le procès-verbal"}, "url": "/"},
    )
    (pk,) = services.remind([due])
    Reminder.objects.filter(pk=pk).update(
        sent_at=None,
        attempts=10,
        failed_at=timezone.now() - datetime.timedelta(hours=1),
        last_error="SMTPRecipientsRefused: 550 No such mailbox",
    )
    return {"failed_message": Reminder.objects.get(pk=pk)}
