import datetime

import pytest
import time_machine
from django.core import mail

from councils.tests.factories import CouncilMembershipFactory, UserFactory
from funding.models import Status
from funding.reminders import remind_reviews_waiting
from funding.tests.factories import FundingRequestFactory
from notifications.models import Notification, Reminder

NOW = datetime.datetime(2026, 11, 23, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def waiting_request(group, group_cochair, priority):
    with time_machine.travel(NOW - datetime.timedelta(days=6), tick=False):
        return FundingRequestFactory(
            group=group,
            created_by=group_cochair,
            priorities=[priority],
            status=Status.SUBMITTED,
            submitted=True,
        )


def sweep():
    with time_machine.travel(NOW, tick=False):
        return remind_reviews_waiting()


@pytest.mark.django_db(transaction=True)
def test_a_waiting_cochair_is_reminded_once_in_their_language(
    eager_celery, waiting_request, council_cochair
):
    council_cochair.profile.preferred_language = "fr"
    council_cochair.profile.save()
    assert len(sweep()) == 1
    sweep()
    sweep()
    assert Reminder.objects.filter(recipient=council_cochair, kind="funding_review").count() == 1
    assert [m.to for m in mail.outbox] == [[council_cochair.email]]
    assert "attend votre examen depuis 5 jours" in mail.outbox[0].subject
    assert Notification.objects.filter(recipient=council_cochair).count() == 1


@pytest.mark.django_db(transaction=True)
def test_no_reminder_before_the_waiting_period(group, group_cochair, priority, council_cochair):
    with time_machine.travel(NOW - datetime.timedelta(days=2), tick=False):
        FundingRequestFactory(
            group=group,
            created_by=group_cochair,
            priorities=[priority],
            status=Status.SUBMITTED,
            submitted=True,
        )
    assert sweep() == []
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_a_recused_cochair_is_not_asked(waiting_request, council, group):
    from workinggroups.tests.factories import GroupMembershipFactory

    recused = UserFactory(username="recused-cochair")
    CouncilMembershipFactory(user=recused, council=council, role="co_chair")
    GroupMembershipFactory(user=recused, group=group, role="member")
    sweep()
    assert not Reminder.objects.filter(recipient=recused).exists()


@pytest.mark.django_db(transaction=True)
def test_the_weekly_digest_lists_requests_waiting_on_the_cochair(
    eager_celery, waiting_request, council_cochair
):
    from notifications.services import weekly_digest

    with time_machine.travel(NOW, tick=False):
        weekly_digest(NOW.date())
    digests = [m for m in mail.outbox if m.to == [council_cochair.email]]
    assert len(digests) == 1
    assert f"Waiting on your recommendation: {waiting_request.title_en}" in digests[0].body


@pytest.mark.django_db(transaction=True)
def test_a_request_already_reminded_drops_out_of_the_next_sweep(
    eager_celery, waiting_request, council_cochair
):
    from funding.reminders import review_dues

    with time_machine.travel(NOW, tick=False):
        assert len(review_dues()) == 1
        assert len(remind_reviews_waiting()) == 1
        assert review_dues() == []  # nothing for the claim to skip: the sweep does no work
        waiting_request.revision += 1  # resubmitted: a new wait, a new reminder
        waiting_request.save(update_fields=["revision"])
        assert [d.subject_key for d in review_dues()] == [
            f"funding.fundingrequest:{waiting_request.pk}:revision:{waiting_request.revision}"
        ]
