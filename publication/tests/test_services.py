import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from councils.models import Meeting
from funding.models import Status as FundingStatus
from publication import selectors
from publication.models import Publication, PublicationStep
from publication.services import publication_publish, publication_unpublish
from strategy.models import Status as PlanStatus
from workinggroups.models import Group
from workinggroups.tests.factories import GroupFactory

from .data import adopted_plan, approved_request, decision, held_meeting

pytestmark = pytest.mark.django_db


def test_publishing_an_adopted_plan_records_the_step(secretariat, group, priority):
    plan = adopted_plan(group, priority)
    assert list(selectors.published_plans()) == []
    publication_publish(record=plan, by=secretariat, reason="Adopted in May")
    assert list(selectors.published_plans()) == [plan]
    step = PublicationStep.objects.get()
    assert (step.action, step.by, step.reason) == ("publish", secretariat, "Adopted in May")


def test_a_draft_plan_is_refused_and_nothing_is_written(secretariat, group, priority):
    plan = adopted_plan(group, priority, status=PlanStatus.DRAFT)
    with pytest.raises(ValidationError, match="Only an adopted strategic plan"):
        publication_publish(record=plan, by=secretariat)
    assert not Publication.objects.exists()


def test_a_plan_reopened_as_draft_stops_being_public(secretariat, group, priority):
    plan = adopted_plan(group, priority)
    publication_publish(record=plan, by=secretariat)
    plan.status = PlanStatus.DRAFT
    plan.save()
    assert list(selectors.published_plans()) == []


def test_a_proposed_group_is_never_published(secretariat):
    proposed = GroupFactory(status=Group.Status.PROPOSED)
    with pytest.raises(ValidationError, match="active group"):
        publication_publish(record=proposed, by=secretariat)
    assert not Publication.objects.exists()


def test_an_active_group_is_published_with_its_cochairs(secretariat, group, group_cochair):
    publication_publish(record=group, by=secretariat)
    (published,) = selectors.published_groups()
    assert [m.user for m in published.public_cochairs] == [group_cochair]


@pytest.mark.parametrize(
    "status", [FundingStatus.IN_REVIEW, FundingStatus.DECLINED, FundingStatus.NOT_APPROVED]
)
def test_only_an_approved_request_is_published(secretariat, group, council, status):
    meeting = held_meeting(council)
    funding_request = approved_request(group, meeting, secretariat, status=status)
    with pytest.raises(ValidationError, match="approved"):
        publication_publish(record=funding_request, by=secretariat)
    assert list(selectors.published_decisions()) == []


def test_an_approved_request_is_published(secretariat, group, council):
    funding_request = approved_request(group, held_meeting(council), secretariat)
    publication_publish(record=funding_request, by=secretariat)
    assert list(selectors.published_decisions()) == [funding_request]


def test_unapproved_minutes_and_decisions_of_planned_meetings_are_refused(secretariat, council):
    draft = held_meeting(council, minutes="circulated")
    with pytest.raises(ValidationError, match="approved minutes"):
        publication_publish(record=draft, by=secretariat)
    planned = held_meeting(council)
    planned.status = Meeting.Status.PLANNED
    planned.save()
    with pytest.raises(ValidationError, match="held meeting"):
        publication_publish(record=decision(planned), by=secretariat)
    assert not Publication.objects.exists()


def test_minutes_and_decisions_of_a_held_meeting_are_published(secretariat, council):
    meeting = held_meeting(council)
    publication_publish(record=meeting, by=secretariat)
    the_decision = decision(meeting)
    publication_publish(record=the_decision, by=secretariat)
    assert list(selectors.published_minutes()) == [meeting]
    assert list(selectors.published_meeting_decisions()) == [the_decision]


def test_publishing_twice_is_refused_and_keeps_one_row(secretariat, group, priority):
    plan = adopted_plan(group, priority)
    publication_publish(record=plan, by=secretariat)
    with pytest.raises(ValidationError, match="already public"):
        publication_publish(record=plan, by=secretariat)
    assert Publication.objects.count() == 1
    assert PublicationStep.objects.count() == 1


def test_unpublishing_needs_a_reason_and_is_recorded(secretariat, group, priority):
    plan = adopted_plan(group, priority)
    publication_publish(record=plan, by=secretariat)
    with pytest.raises(ValidationError, match="Say why"):
        publication_unpublish(record=plan, by=secretariat, reason="  ")
    assert list(selectors.published_plans()) == [plan]
    publication_unpublish(record=plan, by=secretariat, reason="Published by mistake")
    assert list(selectors.published_plans()) == []
    assert list(PublicationStep.objects.values_list("action", "reason")) == [
        ("unpublish", "Published by mistake"),
        ("publish", ""),
    ]
    publication_publish(record=plan, by=secretariat)
    assert Publication.objects.count() == 1


def test_only_the_secretariat_publishes(member, council_cochair, group, priority):
    plan = adopted_plan(group, priority)
    for person in (member, council_cochair):
        with pytest.raises(PermissionDenied):
            publication_publish(record=plan, by=person)
    assert not Publication.objects.exists()
