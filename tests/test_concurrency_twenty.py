"""Twenty people acting on one record at the same instant, through the real views, on
PostgreSQL with one connection each: exactly one wins, nothing is lost, nobody gets a server
error, and the losers are told why."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from funding.models import Status, StatusChange
from funding.tests.factories import FundingRequestFactory
from workinggroups.models import GroupStatusChange

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
PEOPLE = 20


def post_together(user, url, payloads):
    """POST each payload from its own thread (own client, own connection), all released at once."""
    barrier = threading.Barrier(len(payloads))
    responses = [None] * len(payloads)

    def work(index, payload):
        client = Client()
        client.force_login(user)
        try:
            barrier.wait(timeout=20)
            responses[index] = client.post(url, payload)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i, p)) for i, p in enumerate(payloads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(not t.is_alive() for t in threads)
    return responses


def test_twenty_transitions_on_one_group(require_postgres, group, secretariat):
    seen = f"{group.kind}:{group.status}"
    url = reverse("workinggroups:transition", args=[group.slug, "winding_down"])
    payloads = [{"reason": f"Person {i} winds it down", "seen": seen} for i in range(PEOPLE)]
    responses = post_together(secretariat, url, payloads)
    assert all(r.status_code < 500 for r in responses)
    assert sum(r.status_code == 302 for r in responses) == 1
    changes = list(GroupStatusChange.objects.filter(group=group))
    assert len(changes) == 1 and changes[0].new_status == "winding_down"
    group.refresh_from_db()
    assert group.status == "winding_down"
    refused = [r for r in responses if r.status_code == 200]
    assert len(refused) == PEOPLE - 1
    assert all("Someone changed this group" in r.content.decode() for r in refused)


def test_two_different_actions_from_the_same_page_do_not_both_win(
    require_postgres, group, secretariat
):
    seen = f"{group.kind}:{group.status}"
    wind = reverse("workinggroups:transition", args=[group.slug, "winding_down"])
    convert = reverse("workinggroups:transition", args=[group.slug, "cop"])
    client = Client()
    client.force_login(secretariat)
    assert client.post(wind, {"reason": "Objectives nearly met", "seen": seen}).status_code == 302
    stale = client.post(convert, {"reason": "Keep it as a forum", "seen": seen})
    assert stale.status_code == 200 and "Someone changed this group" in stale.content.decode()
    assert "Keep it as a forum" in stale.content.decode()  # what they typed is still there
    group.refresh_from_db()
    assert (group.kind, group.status) == ("wg", "winding_down")


def test_twenty_withdrawals_of_one_funding_request(
    require_postgres, group, group_cochair, priority
):
    request = FundingRequestFactory(
        group=group,
        created_by=group_cochair,
        priorities=[priority],
        status=Status.SUBMITTED,
        submitted=True,
    )
    url = reverse("funding:request_withdraw", args=[request.pk])
    payloads = [
        {"version": request.version, "reason": f"Withdrawn by tab {i}"} for i in range(PEOPLE)
    ]
    responses = post_together(group_cochair, url, payloads)
    assert all(r.status_code < 500 for r in responses)
    changes = list(StatusChange.objects.filter(request=request, new_status=Status.WITHDRAWN))
    assert len(changes) == 1
    request.refresh_from_db()
    assert request.status == Status.WITHDRAWN
    # Everyone else is told the request changed under them (409) — none silently "succeeds".
    assert sorted(r.status_code for r in responses).count(409) == PEOPLE - 1


def test_the_same_action_again_from_a_page_shown_before_it_was_taken(
    require_postgres, group, secretariat
):
    """One of the twenty above whose page is read after the winner's commit: the action is no
    longer possible from the group's new status, and the page still says why it changed."""
    seen = f"{group.kind}:{group.status}"
    wind = reverse("workinggroups:transition", args=[group.slug, "winding_down"])
    client = Client()
    client.force_login(secretariat)
    assert client.post(wind, {"reason": "First", "seen": seen}).status_code == 302
    late = client.post(wind, {"reason": "Second", "seen": seen}).content.decode()
    assert "Someone changed this group while you were on this page" in late
    assert "is not possible for a working group" in late
    assert GroupStatusChange.objects.filter(group=group).count() == 1
