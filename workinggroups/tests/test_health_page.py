"""The secretariat's group-health page: every rule shown, filters, counts, links, and a query
count that does not grow with the data."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from councils.tests.factories import CouncilFactory
from workinggroups import rules
from workinggroups.models import Group
from workinggroups.tests.factories import GroupFactory, ObjectiveFactory, WorkplanFactory

TODAY = datetime.date(2026, 11, 23)
PAST = TODAY - datetime.timedelta(days=10)
URL = reverse("workinggroups:health")


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime.datetime(2026, 11, 23, 15, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def world(council, priority):
    """One example of each rule, each with a name that says which rule it breaks."""
    other = CouncilFactory(code="pscioc")

    def wg(slug, **kwargs):
        kwargs.setdefault("priorities", [priority])
        return GroupFactory(slug=slug, name_en=slug.replace("-", " ").title(), **kwargs)

    wg("no-objectives-wg", councils=[other])
    ObjectiveFactory(group=wg("deadline-wg"), title_en="Undated objective", due_date=None)
    ObjectiveFactory(group=wg("no-priority-wg", priorities=[]))
    ObjectiveFactory(group=wg("gap-wg", councils=[council]))
    ObjectiveFactory(group=wg("late-wg"), title_en="Late objective", due_date=PAST)
    ObjectiveFactory(group=wg("met-wg"), status="done")
    ObjectiveFactory(group=wg("ended-wg", end_date=PAST))
    GroupFactory(slug="stale-cop", kind=Group.Kind.COMMUNITY_OF_PRACTICE, next_review_date=PAST)
    ObjectiveFactory(group=wg("review-wg", next_review_date=PAST))
    late_plan = wg("late-plan-wg")
    WorkplanFactory(group=late_plan, due_date=PAST, version=1)
    waiting = wg("waiting-wg")
    WorkplanFactory(group=waiting, status="submitted", version=1)
    return {"council": council, "other": other}


EXPECTED = {
    "without_objectives": "No Objectives Wg",
    "objectives_without_deadline": "Undated objective",
    "without_priority": "No Priority Wg",
    "liaison_gap": "Gap Wg",
    "overdue_objectives": "Late objective",
    "all_objectives_met": "Met Wg",
    "past_end_date": "Ended Wg",
    "usefulness_review_overdue": "stale-cop",
    "mandate_review_overdue": "Review Wg",
    "without_current_workplan": "Late Plan Wg",
    "workplans_not_submitted": "Late Plan Wg",
    "workplans_waiting_for_review": "Waiting Wg",
    # No group here filed a report for July–September (due 30 October).
    "without_progress_report": "Waiting Wg",
}


def test_every_rule_has_an_example_here():
    assert set(EXPECTED) == set(rules.RULES_BY_CODE)


def section(body, code):
    start = body.index(f'id="rule-{code}"')
    end = body.find("<section", start)
    return body[start : end if end != -1 else None]


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_each_rule_is_shown_with_its_rows_and_links(client_for, secretariat, world, code):
    response = client_for(secretariat).get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    shown = section(body, code)
    stale_cop = Group.objects.get(slug="stale-cop")
    stale_cop_name = stale_cop.name_en
    expected = stale_cop_name if EXPECTED[code] == "stale-cop" else EXPECTED[code]
    assert expected in shown
    assert "/en/groups/" in shown  # rows link to the group or the workplan
    counts = {s["rule"].code: s["count"] for s in response.context["sections"]}
    assert counts[code] >= 1
    assert f'<strong data-rule="{code}">{counts[code]}</strong>' in body


def test_filter_by_rule_shows_only_that_rule(client_for, secretariat, world):
    response = client_for(secretariat).get(URL, {"rule": "past_end_date"})
    codes = [s["rule"].code for s in response.context["sections"]]
    assert codes == ["past_end_date"]
    assert [g.slug for g in response.context["sections"][0]["rows"]] == ["ended-wg"]


def test_filter_by_council_and_kind(client_for, secretariat, world):
    c = client_for(secretariat)
    response = c.get(URL, {"rule": "without_objectives", "council": "pscioc"})
    assert [g.slug for g in response.context["sections"][0]["rows"]] == ["no-objectives-wg"]
    response = c.get(URL, {"rule": "without_objectives", "council": "pssdc"})
    assert response.context["sections"][0]["rows"] == []
    response = c.get(URL, {"rule": "usefulness_review_overdue", "kind": "wg"})
    assert response.context["sections"][0]["rows"] == []
    response = c.get(URL, {"rule": "usefulness_review_overdue", "kind": "cop"})
    assert [g.slug for g in response.context["sections"][0]["rows"]] == ["stale-cop"]
    response = c.get(URL, {"rule": "liaison_gap", "council": "pssdc"})
    assert {p.group.slug for p in response.context["sections"][0]["rows"]} >= {"gap-wg"}
    response = c.get(URL, {"rule": "overdue_objectives", "council": "pscioc"})
    assert response.context["sections"][0]["rows"] == []


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("secretariat", 200),
        ("council_cochair", 200),
        ("member", 403),
        ("group_cochair", 403),
        ("outsider", 403),
        ("anonymous", 302),
    ],
)
def test_who_sees_the_health_page(client_for, personas, persona, status):
    assert client_for(personas[persona]).get(URL).status_code == status


def _count(client):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(URL).status_code == 200
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_the_groups(client_for, secretariat, world, priority):
    c = client_for(secretariat)
    few = _count(c)
    for i in range(8):
        g = GroupFactory(slug=f"more-{i}", end_date=PAST, councils=[world["council"]])
        ObjectiveFactory(group=g, due_date=PAST)
        ObjectiveFactory(group=g, due_date=None)
        WorkplanFactory(group=g, due_date=PAST, version=1)
    many = _count(c)
    print(f"\nhealth page: {few} queries with the small world, {many} with 8 more groups")
    assert many == few


def test_a_long_rule_lists_fifty_groups_and_says_how_many_more(client_for, secretariat):

    for i in range(55):
        GroupFactory(slug=f"empty-{i:02d}", name_en=f"Empty group {i:02d}")
    body = (
        client_for(secretariat)
        .get(reverse("workinggroups:health"), {"rule": "without_objectives"})
        .content.decode()
    )
    assert body.count("Empty group ") == 50
    assert "And 5 more: narrow the list with the filters above." in body


def test_the_rules_are_computed_once_per_data_version(client_for, secretariat, world, cache_on):
    c = client_for(secretariat)
    cold = _count(c)
    assert _count(c) < cold  # the counts and rows come from the cache
    late = Group.objects.get(slug="late-wg")
    late.objectives.update(status="done")  # update() sends no signal...
    late.save()  # ...a save does: the next request sees the change
    body = c.get(URL, {"rule": "overdue_objectives"}).content.decode()
    assert "Late objective" not in body


def test_the_cached_rules_never_give_a_reader_a_link_another_reader_may_follow(
    client_for, council, council_cochair, group
):
    """The rules' part of the page is rendered once and shared (issue 17); a submitted
    workplan is a link for a council co-chair who co-chairs its group, and plain text for
    one who does not, whoever came first."""
    from councils.tests.factories import CouncilMembershipFactory, UserFactory
    from workinggroups.models import Workplan
    from workinggroups.tests.factories import GroupMembershipFactory

    chair = UserFactory(username="council-and-group-cochair")
    CouncilMembershipFactory(user=chair, council=council, role="co_chair")
    GroupMembershipFactory(user=chair, group=group, role="co_chair")
    plan = WorkplanFactory(group=group, status=Workplan.Status.SUBMITTED)
    link = f'href="{reverse("workinggroups:workplan_detail", args=[plan.pk])}"'
    url = URL + "?rule=workplans_waiting_for_review"
    assert link in client_for(chair).get(url).content.decode()
    page = client_for(council_cochair).get(url).content.decode()
    assert group.name_en in page and link not in page
    assert link in client_for(chair).get(url).content.decode()


def test_a_rule_nobody_breaks_costs_no_query_for_its_rows(db):
    """Its count says there is nothing to list: its rows are not looked for again (issue 17:
    54 ms at scale 1,000 for a rule with none)."""
    from django.utils import timezone

    from workinggroups.health import health_sections
    from workinggroups.rules import HEALTH_RULES

    with CaptureQueriesContext(connection) as ctx:
        sections = health_sections(HEALTH_RULES, day=timezone.localdate())
    assert [s["count"] for s in sections] == [0] * len(HEALTH_RULES)
    assert all(s["rows"] == [] for s in sections)
    assert len(ctx.captured_queries) == 1  # the counts, all in one
    late = GroupFactory(slug="only-late", councils=[])
    ObjectiveFactory(group=late, due_date=PAST)
    sections = {s["rule"].code: s for s in health_sections(HEALTH_RULES, day=timezone.localdate())}
    assert [o.group for o in sections["overdue_objectives"]["rows"]] == [late]
