"""The endorsement rule and recusal, as the service applies them and the page shows them."""

import pytest
from django.core import mail

from councils.tests.factories import CouncilMembershipFactory, UserFactory
from funding import services
from funding.models import Recommendation, Status
from funding.review import review_state
from workinggroups.tests.factories import GroupMembershipFactory

S = Status


def recommend(obj, by, decision="endorse", comment=""):
    obj.refresh_from_db()
    updated, _ = services.recommendation_record(
        request=obj, by=by, decision=decision, comment=comment, expected_version=obj.version
    )
    return updated


def test_single_council_one_endorsement_is_enough(submitted, council_cochair, run_on_commit):
    with run_on_commit():
        obj = recommend(submitted, council_cochair)
    assert obj.status == S.ENDORSED
    steps = list(obj.status_changes.values_list("old_status", "new_status"))
    assert steps[-2:] == [(S.SUBMITTED, S.IN_REVIEW), (S.IN_REVIEW, S.ENDORSED)]
    assert "Endorsed" in mail.outbox[-1].subject


def test_two_councils_need_an_endorsement_from_each(
    joint_submitted, council_cochair, council2_cochair
):
    obj = recommend(joint_submitted, council_cochair)
    assert obj.status == S.IN_REVIEW
    state = review_state(obj)
    assert {c.council.code: c.satisfied for c in state.councils} == {
        "pssdc": True,
        "pscioc": False,
    }
    assert state.outcome is None
    assert state.waiting_on == [council2_cochair]
    obj = recommend(obj, council2_cochair)
    assert obj.status == S.ENDORSED


def test_a_second_cochair_of_a_satisfied_council_does_not_endorse_for_the_other(
    joint_submitted, council, council_cochair
):
    second = UserFactory(username="second-pssdc-cochair")
    CouncilMembershipFactory(user=second, council=council, role="co_chair")
    recommend(joint_submitted, council_cochair)
    obj = recommend(joint_submitted, second)
    assert obj.status == S.IN_REVIEW  # PSCIOC has not endorsed yet


def test_return_is_immediate_and_the_comment_goes_to_the_requester_in_their_language(
    joint_submitted, council_cochair, council2_cochair, joint_cochair, run_on_commit
):
    joint_cochair.profile.preferred_language = "fr"
    joint_cochair.profile.save()
    recommend(joint_submitted, council_cochair)
    with run_on_commit():
        obj = recommend(joint_submitted, council2_cochair, "return", "Précisez le budget.")
    assert obj.status == S.RETURNED
    assert obj.status_changes.last().reason == "Précisez le budget."
    message = mail.outbox[-1]
    assert message.to == [joint_cochair.email]
    assert message.extra_headers["Content-Language"] == "fr"
    assert "Précisez le budget." in message.body


def test_decline_is_immediate_even_after_endorsements(
    joint_submitted, council_cochair, council2_cochair, run_on_commit
):
    recommend(joint_submitted, council_cochair)
    with run_on_commit():
        obj = recommend(joint_submitted, council2_cochair, "decline", "Outside our priorities.")
    assert obj.status == S.DECLINED
    assert "Outside our priorities." in mail.outbox[-1].body


@pytest.mark.parametrize("decision", ["return", "decline"])
def test_return_and_decline_need_a_comment(submitted, council_cochair, decision):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        recommend(submitted, council_cochair, decision, "  ")
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED
    assert not Recommendation.objects.exists()


def test_one_recommendation_per_cochair_per_version(joint_submitted, council_cochair):
    recommend(joint_submitted, council_cochair)
    with pytest.raises(services.WorkflowError, match="already recorded"):
        recommend(joint_submitted, council_cochair, "decline", "Changed my mind")
    assert Recommendation.objects.count() == 1


@pytest.mark.parametrize("role", ["co_chair", "member", "representative"])
def test_a_council_cochair_who_belongs_to_the_group_is_recused(
    submitted, group, council, council_cochair, role
):
    GroupMembershipFactory(
        user=council_cochair,
        group=group,
        role=role,
        council=council if role == "representative" else None,
    )
    with pytest.raises(services.WorkflowError, match="recused"):
        recommend(submitted, council_cochair)
    state = review_state(submitted)
    assert state.councils[0].recused == [council_cochair]
    assert state.blocked_councils == [council]


def test_the_council_cochair_who_submitted_is_recused(group, council, priority):
    from funding.tests.conftest import request_data

    both = UserFactory(username="both-hats")
    CouncilMembershipFactory(user=both, council=council, role="co_chair")
    membership = GroupMembershipFactory(user=both, group=group, role="co_chair")
    obj = services.funding_request_create(
        group=group, by=both, data=request_data(), priorities=[priority]
    )
    obj = services.funding_request_submit(request=obj, by=both, expected_version=obj.version)
    membership.delete()  # even once they leave the group, they submitted it
    both = type(both).objects.get(pk=both.pk)
    with pytest.raises(services.WorkflowError, match="recused"):
        recommend(obj, both)


def test_a_cochair_of_another_council_cannot_review(submitted, council2_cochair):
    with pytest.raises(services.WorkflowError, match="Only the co-chairs"):
        recommend(submitted, council2_cochair)


@pytest.mark.parametrize("who", ["member", "secretariat", "group_cochair", "outsider"])
def test_people_other_than_cochairs_cannot_recommend(submitted, personas, who):
    with pytest.raises(services.WorkflowError):
        recommend(submitted, personas[who])
    assert not Recommendation.objects.exists()


def test_recommendations_are_refused_outside_review(in_state, council_cochair):
    for state in (S.DRAFT, S.RETURNED, S.ENDORSED, S.SCHEDULED, S.WITHDRAWN):
        obj = in_state(state)
        with pytest.raises(services.WorkflowError, match="no longer under review"):
            recommend(obj, council_cochair)


def test_an_ended_cochair_membership_no_longer_reviews(submitted, council_cochair):
    import datetime

    membership = council_cochair.council_memberships.get()
    membership.end_date = datetime.date(2021, 1, 1)
    membership.save()
    council_cochair = type(council_cochair).objects.get(pk=council_cochair.pk)
    with pytest.raises(services.WorkflowError):
        recommend(submitted, council_cochair)


def test_review_state_costs_four_queries(joint_submitted, django_assert_num_queries):
    """Councils, co-chairs (with whether each belongs to the group), recommendations, and
    the declared interests."""
    joint_submitted = type(joint_submitted).objects.get(pk=joint_submitted.pk)
    joint_submitted.group  # noqa: B018 - loaded before counting
    with django_assert_num_queries(4):
        review_state(joint_submitted)
