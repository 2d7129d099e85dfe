"""Two people acting on one request at the same moment: exactly one wins, the other is told and
keeps what they typed. Real concurrent transactions on PostgreSQL: each thread has its own
connection, and a barrier releases them together."""

import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from councils.models import Vote
from funding import services
from funding.models import Recommendation, Status, StatusChange

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_together(*actions, hold=0.3, monkeypatch=None):
    """Run each action in its own thread and connection, started at the same instant.

    `hold` keeps the winner's transaction open a little (inside the row lock) so the other
    really waits on the lock instead of arriving after the commit.
    """
    if monkeypatch is not None and hold:
        real = services.review_state

        def slow_review_state(request):
            import time

            time.sleep(hold)
            return real(request)

        monkeypatch.setattr(services, "review_state", slow_review_state)
    barrier = threading.Barrier(len(actions))
    results = [None] * len(actions)

    def work(index, action):
        try:
            barrier.wait(timeout=10)
            results[index] = ("ok", action())
        except Exception as exc:
            results[index] = ("error", exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert all(not t.is_alive() for t in threads)
    return results


def test_two_cochairs_recommending_at_once_exactly_one_wins(
    require_postgres, joint_submitted, council_cochair, council2_cochair, monkeypatch
):
    version = joint_submitted.version

    def act(user, decision, comment):
        return lambda: services.recommendation_record(
            request=joint_submitted,
            by=user,
            decision=decision,
            comment=comment,
            expected_version=version,
        )

    results = run_together(
        act(council_cochair, "endorse", "Good."),
        act(council2_cochair, "decline", "Not a priority."),
        monkeypatch=monkeypatch,
    )
    outcomes = sorted(kind for kind, _value in results)
    assert outcomes == ["error", "ok"]
    loser = next(value for kind, value in results if kind == "error")
    assert isinstance(loser, services.StaleRequest)
    assert "Someone else changed this request" in loser.message
    assert Recommendation.objects.count() == 1
    joint_submitted.refresh_from_db()
    winner = Recommendation.objects.get()
    expected = Status.IN_REVIEW if winner.decision == "endorse" else Status.DECLINED
    assert joint_submitted.status == expected


def test_the_cochair_who_loses_the_race_gets_the_page_back_with_their_comment(
    require_postgres, joint_submitted, council_cochair, council2_cochair, monkeypatch
):
    url = reverse("funding:request_recommend", args=[joint_submitted.pk])
    comments = {
        council_cochair.pk: "Please add a budget breakdown per province.",
        council2_cochair.pk: "Le calendrier me semble trop serré.",
    }

    def act(user):
        def post():
            client = Client()
            client.force_login(user)
            response = client.post(
                url,
                {
                    "version": joint_submitted.version,
                    "decision": "return",
                    "comment": comments[user.pk],
                },
            )
            return user, response

        return post

    results = run_together(act(council_cochair), act(council2_cochair), monkeypatch=monkeypatch)
    responses = {value[0].pk: value[1] for _kind, value in results}
    codes = sorted(r.status_code for r in responses.values())
    assert codes == [302, 409]
    loser_id = next(pk for pk, r in responses.items() if r.status_code == 409)
    page = responses[loser_id].content.decode()
    assert "Someone else changed this request" in page
    assert comments[loser_id] in page  # what they typed is still in the form
    joint_submitted.refresh_from_db()
    assert joint_submitted.status == Status.RETURNED
    assert Recommendation.objects.get().reviewer_id != loser_id
    assert StatusChange.objects.filter(new_status=Status.RETURNED).count() == 1
    # The refreshed form carries the current version: acting again now gets a real answer.
    assert f'value="{joint_submitted.version}"' in page


def test_requester_withdrawing_while_a_cochair_returns_one_wins(
    require_postgres, submitted, group_cochair, council_cochair, monkeypatch
):
    version = submitted.version
    results = run_together(
        lambda: services.recommendation_record(
            request=submitted,
            by=council_cochair,
            decision="return",
            comment="Revise.",
            expected_version=version,
        ),
        lambda: services.funding_request_withdraw(
            request=submitted, by=group_cochair, expected_version=version, reason="No longer needed"
        ),
        monkeypatch=monkeypatch,
    )
    assert sorted(kind for kind, _v in results) == ["error", "ok"]
    submitted.refresh_from_db()
    assert submitted.status in (Status.RETURNED, Status.WITHDRAWN)
    assert StatusChange.objects.filter(new_status__in=["returned", "withdrawn"]).count() == 1


def test_two_secretariat_clicks_record_one_decision(
    require_postgres, scheduled, in_session, secretariat, monkeypatch
):
    version = scheduled.version

    def decide(amount):
        return lambda: services.funding_request_record_decision(
            request=scheduled,
            by=secretariat,
            outcome=Status.APPROVED,
            amount_approved=Decimal(amount),
            expected_version=version,
        )

    results = run_together(decide("10000"), decide("20000"), hold=0)
    assert sorted(kind for kind, _v in results) == ["error", "ok"]
    scheduled.refresh_from_db()
    assert scheduled.status == Status.APPROVED
    assert StatusChange.objects.filter(new_status=Status.APPROVED).count() == 1
    winner = next(value for kind, value in results if kind == "ok")
    assert scheduled.amount_approved == winner.amount_approved


def test_a_stale_edit_form_is_refused_and_keeps_the_text(
    require_postgres, draft, group, group_cochair, priority
):
    from councils.tests.factories import UserFactory
    from workinggroups.tests.factories import GroupMembershipFactory

    other = UserFactory(username="other-group-cochair")
    GroupMembershipFactory(user=other, group=group, role="co_chair")
    url = reverse("funding:request_edit", args=[draft.pk])
    base = {
        "summary_en": "Pilot verifiable credentials.",
        "amount_requested": "25000",
        "fiscal_year": "2026-27",
        "priorities": [priority.pk],
        "version": draft.version,
    }
    first, second = Client(), Client()
    first.force_login(group_cochair)
    second.force_login(other)
    assert first.post(url, {**base, "title_en": "Title by the first co-chair"}).status_code == 302
    response = second.post(url, {**base, "title_en": "Title by the second co-chair"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else changed this request" in page
    assert "Title by the second co-chair" in page
    draft.refresh_from_db()
    assert draft.title_en == "Title by the first co-chair"


def test_concurrent_decisions_over_http_one_wins_the_others_get_409_with_their_input(
    require_postgres, scheduled, in_session, secretariat
):
    """Issue 14: in twenty concurrent decisions 19 got 500 (`_retry` lost `form_kwargs`).
    Issue 13: twenty at a held meeting with quorum, each closing the vote: one vote is kept."""
    url = reverse("funding:request_decide", args=[scheduled.pk])
    version = scheduled.version

    def act(index):
        def post():
            client = Client()
            client.force_login(secretariat)
            return client.post(
                url,
                {
                    "version": version,
                    "outcome": "approved",
                    "amount_approved": "1000",
                    "note": f"Note number {index}",
                },
            )

        return post

    results = run_together(*(act(i) for i in range(20)), hold=0)
    assert all(kind == "ok" for kind, _v in results), results
    codes = sorted(response.status_code for _kind, response in results)
    assert codes == [302] + [409] * 19
    for _kind, response in results:
        if response.status_code == 409:
            assert "Note number" in response.content.decode()
    assert StatusChange.objects.filter(new_status=Status.APPROVED).count() == 1
    assert Vote.objects.count() == 1


def test_a_stale_scheduling_post_answers_409_not_500(
    require_postgres, endorsed, secretariat, meeting
):
    client = Client()
    client.force_login(secretariat)
    url = reverse("funding:request_schedule", args=[endorsed.pk])
    response = client.post(url, {"version": endorsed.version - 1 or 99, "meeting": meeting.pk})
    assert response.status_code == 409
