"""The second-factor reset e-mail names people as typed in its plain-text part; only the HTML
part escapes (issue 14)."""

import pytest
from django.core import mail
from django.urls import reverse

from notifications.tests.helpers import eager_celery  # noqa: F401 (a fixture)
from signin import services
from signin.tests.conftest import make_person

pytestmark = pytest.mark.django_db
ESCAPES = ("&amp;", "&#x27;", "&#39;", "&quot;", "&lt;", "&gt;")


def test_second_factor_reset_names_people_as_typed(
    client,
    django_capture_on_commit_callbacks,
    eager_celery,  # noqa: F811
):
    staff = make_person("sophie", role="secretariat")
    staff.first_name, staff.last_name = 'Sophie "Jo" <S>', "O'Neil & Fils"
    staff.save()
    person = make_person("marc", role="member")
    person.first_name = "Marc-André <M> & 'Co'"
    person.save()
    services.totp_enrol(user=person, key=services.new_totp_key())
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("signin:second_factor_reset", args=[person.pk]))
    (message,) = mail.outbox
    assert "Hello Marc-André <M> & 'Co'," in message.body
    assert "O'Neil & Fils" in message.body
    for escaped in ESCAPES:
        assert escaped not in message.subject + message.body, escaped
    assert "&lt;M&gt;" in message.alternatives[0][0]
