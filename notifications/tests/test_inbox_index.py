"""The inbox's page, newest first, is read off an index (issue 17): for a member with 10,000
entries at scale 1,000, PostgreSQL read them all and sorted them to show 25 (5.49 ms); with
the index, 0.08 ms."""

import pytest
from django.db import connection

from notifications import selectors
from notifications.models import Notification

pytestmark = pytest.mark.postgres


def test_the_inbox_page_is_read_off_its_index_without_sorting_every_entry(require_postgres, member):
    Notification.objects.bulk_create(
        Notification(recipient=member, kind="overdue", text_en=f"Entry {i}", text_fr=f"Entrée {i}")
        for i in range(3000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE notifications_notification")
    plan = selectors.inbox(member)[:25].explain()
    assert "notification_inbox" in plan, plan
    assert "Sort" not in plan, plan
    newest = list(selectors.inbox(member)[:2].values_list("text_en", flat=True))
    assert newest == ["Entry 2999", "Entry 2998"]
