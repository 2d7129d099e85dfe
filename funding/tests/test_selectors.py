"""The reads other apps rely on: home_section, reviews_waiting and funding_totals."""

import datetime
from decimal import Decimal

from django.utils import timezone

from councils.tests.factories import CouncilMembershipFactory, PriorityFactory, UserFactory
from funding import services
from funding.models import Status
from funding.selectors import funding_totals, funding_totals_by_year, home_section, reviews_waiting
from funding.tests.factories import FundingRequestFactory
from workinggroups.tests.factories import GroupFactory, GroupMembershipFactory

S = Status


def test_reviews_waiting_pairs_each_request_with_each_missing_cochair(
    joint_submitted, council_cochair, council2_cochair, joint_group, council
):
    recused = UserFactory(username="recused-cochair")
    CouncilMembershipFactory(user=recused, council=council, role="co_chair")
    GroupMembershipFactory(user=recused, group=joint_group, role="member")
    later = timezone.now() + datetime.timedelta(seconds=1)
    pairs = reviews_waiting(later)
    assert {(r.pk, u.username) for r, u in pairs} == {
        (joint_submitted.pk, "council-cochair"),
        (joint_submitted.pk, "pscioc-cochair"),
    }
    services.recommendation_record(
        request=joint_submitted,
        by=council_cochair,
        decision="endorse",
        comment="",
        expected_version=joint_submitted.version,
    )
    assert [(r.pk, u.username) for r, u in reviews_waiting(later)] == [
        (joint_submitted.pk, "pscioc-cochair")
    ]
    # Not waiting long enough yet:
    assert reviews_waiting(joint_submitted.submitted_at) == []


def test_reviews_waiting_uses_a_bounded_number_of_queries(
    group, council, priority, group_cochair, council_cochair, django_assert_num_queries
):
    for _ in range(6):
        other = GroupFactory(councils=[council], priorities=[priority])
        GroupMembershipFactory(group=other, role="co_chair")
        FundingRequestFactory(
            group=other, created_by=group_cochair, status=S.SUBMITTED, submitted=True
        )
    later = timezone.now() + datetime.timedelta(seconds=1)
    with django_assert_num_queries(5):
        pairs = reviews_waiting(later)
    assert len(pairs) == 6 and {u for _r, u in pairs} == {council_cochair}


def test_funding_totals_per_priority_and_year_in_the_database(
    group, group_cochair, priority, django_assert_num_queries
):
    other = PriorityFactory(code="client-centred", number=2)
    make = FundingRequestFactory
    make(
        group=group,
        created_by=group_cochair,
        status=S.SUBMITTED,
        submitted=True,
        amount_requested=Decimal("100"),
    )
    make(
        group=group,
        created_by=group_cochair,
        status=S.ENDORSED,
        submitted=True,
        amount_requested=Decimal("200"),
        priorities=[priority, other],
    )
    make(
        group=group,
        created_by=group_cochair,
        status=S.APPROVED,
        submitted=True,
        amount_requested=Decimal("400"),
        amount_approved=Decimal("300"),
    )
    make(group=group, created_by=group_cochair, status=S.DRAFT, amount_requested=Decimal("9999"))
    make(
        group=group,
        created_by=group_cochair,
        status=S.WITHDRAWN,
        submitted=True,
        amount_requested=Decimal("8888"),
    )
    make(
        group=group,
        created_by=group_cochair,
        status=S.SUBMITTED,
        submitted=True,
        amount_requested=Decimal("50"),
        fiscal_year=2027,
    )
    with django_assert_num_queries(2):
        rows = funding_totals()
    table = {(r["priority"].code, r["fiscal_year"]): r for r in rows}
    assert table[("digital-identity", 2026)]["requested"] == Decimal("700")
    assert table[("digital-identity", 2026)]["endorsed"] == Decimal("600")
    assert table[("digital-identity", 2026)]["approved"] == Decimal("300")
    assert table[("client-centred", 2026)]["requested"] == Decimal("200")
    assert table[("digital-identity", 2027)]["requested"] == Decimal("50")
    assert [r["fiscal_year"] for r in funding_totals(fiscal_year=2027)] == [2027]
    by_year = funding_totals_by_year()
    assert by_year[2026]["requested"] == Decimal("700")  # the two-priority request counted once
    assert by_year[2026]["count"] == 3


def test_funding_totals_per_council(joint_group, group, group_cochair, joint_cochair, council2):
    FundingRequestFactory(group=group, created_by=group_cochair, status=S.SUBMITTED, submitted=True)
    FundingRequestFactory(
        group=joint_group,
        created_by=joint_cochair,
        status=S.SUBMITTED,
        submitted=True,
        amount_requested=Decimal("7"),
    )
    rows = funding_totals(council=council2)
    assert [r["requested"] for r in rows] == [Decimal("7")]


def test_home_section_for_each_persona(personas, submitted, in_state):
    returned = in_state(S.RETURNED, title_en="Back to us")
    assert home_section(personas["outsider"]) is None
    reviewer = home_section(personas["council_cochair"])
    assert reviewer["queue_count"] == 1 and reviewer["queue_oldest"] == submitted.submitted_at
    requester = home_section(personas["group_cochair"])
    assert requester["own_requests"][0] == returned  # what waits on the group first
    assert submitted in requester["own_requests"]
    secretariat = home_section(personas["secretariat"])
    assert secretariat["to_schedule"] == 0 and secretariat["to_decide"] == 0


def test_home_page_shows_the_queue(submitted, council_cochair, client_for):
    page = client_for(council_cochair).get("/en/").content.decode()
    assert "1 funding request waits on your recommendation" in page
