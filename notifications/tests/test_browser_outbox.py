"""In Chromium: the secretariat reads how messages are moving (the reminders page) and the
messages not delivered, in English and in French, axe-clean, and sends one again."""

import io

import pytest
from django.core.management import call_command

from notifications.models import Reminder
from notifications.tests.helpers import eager_celery, make_user  # noqa: F401
from notifications.tests.test_views import failed_message
from tests.browser import assert_accessible, follow, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("eager_celery"),
]
PASSWORD = "correct-horse-battery"  # the test factories' password


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_secretariat_reads_the_outbox_and_sends_a_message_again(
    live_server, page, secretariat, language
):
    call_command("setup_schedules", stdout=io.StringIO())
    message = failed_message(make_user("ana"))
    sign_in(page, live_server.url, secretariat.username, PASSWORD, language=language)
    page.goto(f"{live_server.url}/{language}/inbox/reminders/")
    assert_accessible(page)
    link = "Messages not delivered" if language == "en" else "Messages non remis"
    follow(page, page.get_by_role("link", name=link))
    assert_accessible(page)
    button = "Send again" if language == "en" else "Renvoyer"
    follow(page, page.get_by_role("button", name=button))
    message.refresh_from_db()
    assert message.sent_at is not None and message.failed_at is None
    empty = (
        "No message has failed for good."
        if language == "en"
        else "Aucun message n’est en échec définitif."
    )
    assert page.get_by_text(empty).is_visible()
    assert Reminder.objects.filter(sent_at__isnull=True).count() == 0
