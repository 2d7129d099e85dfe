"""People fixtures: a jurisdiction, an invitation made through the service (with the raw token
read from the e-mail it sent), and a way to run what a service queued for after the commit."""

import re

import pytest
from django.core import mail

from councils.models import Jurisdiction
from notifications.tests.helpers import eager_celery as _eager_celery

# The people e-mails go through the outbox: with Celery eager, the send task queued after the
# commit runs at once in the test, as a worker would (tests of the request alone turn it off).
eager_celery = pytest.fixture(autouse=True)(_eager_celery.__wrapped__)

LINK = re.compile(r"https?://\S+/accounts/welcome/(?P<token>[\w-]+)/")


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    def make():
        return django_capture_on_commit_callbacks(execute=True)

    return make


@pytest.fixture
def jurisdiction(db):
    return Jurisdiction.objects.create(
        code="nb", kind="provincial", name_en="New Brunswick", name_fr="Nouveau-Brunswick"
    )


def token_from(message) -> str:
    """The token of the invitation link in an e-mail's plain-text part."""
    match = LINK.search(message.body)
    assert match, message.body
    return match["token"]


@pytest.fixture
def invite(secretariat, jurisdiction, run_on_commit):
    """invite(**overrides) -> (person, raw token from the e-mail)."""
    from people import services

    def make(**overrides):
        fields = {
            "first_name": "Chloé",
            "last_name": "O'Brien & <Sons>",
            "email": "Chloe.OBrien@example.gc.ca",
            "language": "fr",
            "jurisdiction": jurisdiction,
            "title_en": "Chief digital officer",
            "title_fr": "Dirigeante principale du numérique",
            **overrides,
        }
        before = len(mail.outbox)
        with run_on_commit():
            person = services.person_invite(by=secretariat, **fields)
        assert len(mail.outbox) == before + 1
        return person, token_from(mail.outbox[-1])

    return make
