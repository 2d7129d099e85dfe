"""The dashboard, the plan pages and the secretariat's actions, persona by persona."""

import csv
import datetime
import io

import pytest
import time_machine
from django.urls import reverse

from strategy.models import PlanSnapshot, PlanStatusChange, PlanVersion, Status, StrategicPlan
from strategy.tests.factories import accepted_workplan, objective
from workinggroups.models import Objective

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 11, 15, 15, 0, tzinfo=datetime.UTC)
READERS = ["member", "group_cochair", "council_cochair", "secretariat"]
NOT_SECRETARIAT = ["outsider", "member", "group_cochair", "council_cochair"]


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def body(response):
    return response.content.decode()


# --- Dashboard --------------------------------------------------------------------------------


@pytest.mark.parametrize("who", READERS)
def test_every_reader_opens_the_dashboard(client_for, personas, adopted_plan, who):
    response = client_for(personas[who]).get(reverse("strategy:dashboard"))
    assert response.status_code == 200
    page = body(response)
    assert "Strategic plan dashboard" in page and "Joint plan" in page


def test_outsiders_are_refused_and_anonymous_people_sent_to_sign_in(
    client_for, outsider, adopted_plan
):
    assert client_for(outsider).get(reverse("strategy:dashboard")).status_code == 403
    assert client_for(outsider).get(reverse("strategy:dashboard_csv")).status_code == 403
    response = client_for(None).get(reverse("strategy:dashboard"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_dashboard_shows_progress_late_items_groups_and_the_matrix(
    client_for, member, adopted_plan, priority
):
    from councils.models import JurisdictionPriority
    from councils.tests.factories import JurisdictionFactory

    JurisdictionPriority.objects.create(
        jurisdiction=JurisdictionFactory(code="nb", name_en="New Brunswick"),
        title_en="Digital identity pilot",
        theme=priority,
    )
    response = client_for(member).get(reverse("strategy:dashboard"))
    page = body(response)
    board = response.context["board"]
    [block] = [b for b in board.priorities if b.priority == priority]
    # One done of three counted: 33 %.
    assert round(block.rollup["progress"]) == 33 and block.rollup["late"] == 1
    assert "33%" in page
    assert [i.title_en for i in block.late] == ["Pilot in two"]
    assert "Digital Identity Working Group" in page
    assert "New Brunswick" in page and 'class="text-end strategy-heat-1"' in page
    # Each chart has its data table with a caption and header cells with a scope.
    for chart in ("chart-progress", "chart-trend", "chart-timeline", "chart-liaison"):
        assert f'id="{chart}" role="img" aria-label=' in page
    assert page.count("<caption") >= 6 and 'scope="row"' in page and 'scope="col"' in page
    assert 'id="strategy-chart-data" type="application/json"' in page
    assert f'export.csv?plan={adopted_plan.pk}"' in page  # the export follows the screen
    assert "<script>" not in page.replace('<script src="', "")  # no inline script (CSP)
    assert ' style="' not in page  # no inline style (CSP)


def test_the_timeline_covers_the_next_twelve_months(client_for, member, adopted_plan):
    board = client_for(member).get(reverse("strategy:dashboard")).context["board"]
    assert len(board.months) == 12
    assert board.months[0]["month"] == datetime.date(2026, 11, 1)
    february = next(m for m in board.months if m["month"] == datetime.date(2027, 2, 1))
    assert february["total"] == 1  # the on-track objective due 15 February 2027
    assert [i.title_en for i in board.upcoming] == ["Trust framework plan"]


def test_the_liaison_coverage_counts_gaps_per_council(client_for, member, adopted_plan, council):
    board = client_for(member).get(reverse("strategy:dashboard")).context["board"]
    [row] = [r for r in board.liaison if r["council"] == council]
    # The group reports to the council, but none of its co-chairs sits on it.
    assert (row["groups"], row["covered"], row["gaps"]) == (1, 0, 1)
    assert [gap["group"]["slug"] for gap in board.gaps] == ["digital-identity-wg"]


def test_filters_by_council_and_fiscal_year(client_for, member, adopted_plan, group, priority):
    from councils.tests.factories import CouncilFactory
    from workinggroups.tests.factories import GroupFactory

    other = GroupFactory(slug="other", councils=[CouncilFactory(code="pscioc")])
    late_goal = objective(other, priority, Objective.Status.NOT_STARTED)
    accepted_workplan(other, [late_goal])
    c = client_for(member)
    everything = c.get(reverse("strategy:dashboard")).context["board"].total
    assert everything["item_count"] == 3  # the adopted plan was built before `other` existed
    by_council = c.get(reverse("strategy:dashboard"), {"council": "pscioc"}).context["board"]
    assert by_council.total["item_count"] == 0
    assert [r["council"].code for r in by_council.liaison] == ["pscioc"]
    by_year = c.get(reverse("strategy:dashboard"), {"fiscal_year": "2026"}).context["board"]
    assert by_year.total["item_count"] == 3
    next_year = c.get(reverse("strategy:dashboard"), {"fiscal_year": "2027"}).context["board"]
    assert next_year.total["item_count"] == 0


def test_bad_filter_values_fall_back_to_the_defaults(client_for, member, adopted_plan):
    response = client_for(member).get(
        reverse("strategy:dashboard"), {"plan": "x", "council": "nope", "fiscal_year": "1999"}
    )
    assert response.status_code == 200
    assert response.context["plan"] == adopted_plan
    assert response.context["council"] is None and response.context["fiscal_year"] is None


def test_members_do_not_see_drafts_on_the_dashboard(client_for, member, secretariat, draft_plan):
    page = body(client_for(member).get(reverse("strategy:dashboard")))
    assert "No strategic plan has been adopted yet." in page and "Joint plan" not in page
    response = client_for(member).get(reverse("strategy:dashboard"), {"plan": draft_plan.pk})
    assert response.context["plan"] is None
    assert client_for(secretariat).get(reverse("strategy:dashboard")).context["plan"] == draft_plan


def test_the_csv_export_has_every_item_under_the_filters(client_for, member, adopted_plan):
    response = client_for(member).get(reverse("strategy:dashboard_csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment;" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Priority", "Group", "Kind", "Objective or deliverable"]
    assert sorted(r[3] for r in rows[1:]) == [
        "Pilot in two",
        "Pilot report",
        "Trust framework plan",
    ]
    assert {r[3]: r[6] for r in rows[1:]}["Pilot in two"] == "Late"
    empty = client_for(member).get(reverse("strategy:dashboard_csv"), {"fiscal_year": "2027"})
    assert len(list(csv.reader(io.StringIO(empty.content.decode("utf-8-sig"))))) == 1


def test_the_csv_export_neutralises_spreadsheet_formulas(client_for, member, adopted_plan):
    adopted_plan.items.filter(title_en="Pilot report").update(title_en="=HYPERLINK(1)")
    text = client_for(member).get(reverse("strategy:dashboard_csv")).content.decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in text


def test_the_csv_export_is_in_french_for_a_french_reader(client_for, member, adopted_plan):
    response = client_for(member).get("/fr/strategy/export.csv")
    text = response.content.decode("utf-8-sig")
    assert "Rapport du projet pilote" in text


# --- Plan pages -------------------------------------------------------------------------------


def test_plan_list_and_detail_show_progress_versions_and_history(client_for, member, adopted_plan):
    c = client_for(member)
    assert "Joint plan" in body(c.get(reverse("strategy:plan_list")))
    page = body(c.get(reverse("strategy:plan_detail", args=[adopted_plan.pk])))
    assert "Pilot in two" in page and "Late" in page
    assert "v1" in page and "Draft → Adopted" in page
    assert "Secretariat actions" not in page


def test_a_plan_without_items_is_listed_without_progress(client_for, secretariat, db):
    from strategy.tests.factories import StrategicPlanFactory

    StrategicPlanFactory(title_en="Empty plan")
    response = client_for(secretariat).get(reverse("strategy:plan_list"))
    assert response.status_code == 200 and "Empty plan" in body(response)


def test_a_draft_is_not_found_for_members_but_shown_to_council_cochairs(
    client_for, member, council_cochair, draft_plan
):
    url = reverse("strategy:plan_detail", args=[draft_plan.pk])
    assert client_for(member).get(url).status_code == 404
    assert client_for(council_cochair).get(url).status_code == 200
    assert "Joint plan" not in body(client_for(member).get(reverse("strategy:plan_list")))


def test_compare_shows_what_changed_since_the_adopted_version(client_for, member, adopted_plan):
    goal = adopted_plan.items.get(title_en="Trust framework plan").objective
    goal.status = Objective.Status.DONE
    goal.completed_on = datetime.date(2026, 11, 10)
    goal.save()
    page = body(client_for(member).get(reverse("strategy:plan_compare", args=[adopted_plan.pk])))
    assert "Changed: 1 item" in page and "Trust framework plan" in page
    assert "On track" in page and "Done" in page


def test_compare_says_when_there_is_no_version(client_for, secretariat, draft_plan):
    page = body(client_for(secretariat).get(reverse("strategy:plan_compare", args=[draft_plan.pk])))
    assert "there is no version to compare" in page


# --- Secretariat actions -------------------------------------------------------------------


def test_the_secretariat_creates_a_draft_from_the_workplans(client_for, secretariat, draft_plan):
    c = client_for(secretariat)
    assert c.get(reverse("strategy:plan_create")).status_code == 200
    response = c.post(
        reverse("strategy:plan_create"),
        {
            "title_en": "Next plan",
            "title_fr": "Prochain plan",
            "first_fiscal_year": "2026",
            "last_fiscal_year": "2028",
        },
    )
    plan = StrategicPlan.objects.get(title_en="Next plan")
    assert response.status_code == 302 and response["Location"].endswith(f"/plans/{plan.pk}/")
    assert plan.status == Status.DRAFT and plan.created_by == secretariat
    assert plan.items.count() == 3 and plan.council is None


def test_a_bad_span_is_shown_on_the_form_and_nothing_is_saved(client_for, secretariat, db):
    response = client_for(secretariat).post(
        reverse("strategy:plan_create"),
        {"title_en": "Too long", "first_fiscal_year": "2026", "last_fiscal_year": "2030"},
    )
    assert response.status_code == 200
    assert "spans two or three fiscal years" in body(response)
    assert not StrategicPlan.objects.exists()


def test_refresh_shows_a_preview_then_applies_on_post(client_for, secretariat, draft_plan, group):
    added = objective(group, None, Objective.Status.NOT_STARTED)
    added.title_en = "New deliverable"
    added.save()
    accepted_workplan(group, [added])
    c = client_for(secretariat)
    url = reverse("strategy:plan_refresh", args=[draft_plan.pk])
    preview = body(c.get(url))
    assert "Added: 1 item" in preview and "New deliverable" in preview
    assert draft_plan.items.count() == 3  # a GET changes nothing
    response = c.post(url)
    assert response.status_code == 302
    assert draft_plan.items.count() == 4
    page = body(c.get(response["Location"]))
    assert "1 added, 0 removed, 0 changed" in page and "Last refresh from the workplans" in page


def test_adopting_through_the_confirmation_page(client_for, secretariat, draft_plan):
    c = client_for(secretariat)
    url = reverse("strategy:plan_transition", args=[draft_plan.pk, "adopt"])
    page = body(c.get(url))
    assert "Adopting freezes this version" in page and "Confirm" in page
    draft_plan.refresh_from_db()
    assert draft_plan.status == Status.DRAFT
    response = c.post(url, {"reason": "Joint meeting"})
    assert response.status_code == 302
    draft_plan.refresh_from_db()
    assert draft_plan.status == Status.ADOPTED
    assert PlanVersion.objects.filter(plan=draft_plan, number=1).exists()
    assert PlanSnapshot.objects.filter(plan=draft_plan, kind="adoption").exists()


def test_reopening_without_a_reason_is_refused_on_the_field(client_for, secretariat, adopted_plan):
    url = reverse("strategy:plan_transition", args=[adopted_plan.pk, "reopen"])
    response = client_for(secretariat).post(url, {"reason": ""})
    assert response.status_code == 200 and "This field is required." in body(response)
    adopted_plan.refresh_from_db()
    assert adopted_plan.status == Status.ADOPTED


def test_a_refused_transition_says_why(client_for, secretariat, adopted_plan):
    c = client_for(secretariat)
    c.post(
        reverse("strategy:plan_transition", args=[adopted_plan.pk, "archive"]), {"reason": "Done"}
    )
    response = c.post(
        reverse("strategy:plan_transition", args=[adopted_plan.pk, "reopen"]),
        {"reason": "Again"},
        follow=True,
    )
    assert "A plan that is archived cannot become draft." in body(response)
    adopted_plan.refresh_from_db()
    assert adopted_plan.status == Status.ARCHIVED


def test_an_unknown_action_is_refused(client_for, secretariat, draft_plan):
    url = reverse("strategy:plan_transition", args=[draft_plan.pk, "delete"])
    assert client_for(secretariat).post(url).status_code == 403


def test_setting_a_weight_and_recording_progress(client_for, secretariat, draft_plan):
    c = client_for(secretariat)
    item = draft_plan.items.get(title_en="Pilot report")
    url = reverse("strategy:item_weight", args=[draft_plan.pk, item.pk])
    assert c.post(url, {"weight": "5"}).status_code == 302
    item.refresh_from_db()
    assert item.weight == 5
    c.post(url, {"weight": "500"})
    item.refresh_from_db()
    assert item.weight == 5
    c.post(reverse("strategy:plan_snapshot", args=[draft_plan.pk]))
    assert PlanSnapshot.objects.get(plan=draft_plan).taken_on == datetime.date(2026, 11, 15)


def action_requests(plan):
    item = plan.items.first()
    return [
        (
            reverse("strategy:plan_create"),
            {"title_en": "X", "first_fiscal_year": "2026", "last_fiscal_year": "2027"},
        ),
        (reverse("strategy:plan_refresh", args=[plan.pk]), {}),
        (reverse("strategy:plan_transition", args=[plan.pk, "adopt"]), {"reason": "x"}),
        (reverse("strategy:plan_transition", args=[plan.pk, "archive"]), {"reason": "x"}),
        (reverse("strategy:plan_snapshot", args=[plan.pk]), {}),
        (reverse("strategy:item_weight", args=[plan.pk, item.pk]), {"weight": "3"}),
    ]


@pytest.mark.parametrize("who", NOT_SECRETARIAT)
def test_every_action_is_refused_to_everyone_but_the_secretariat(
    client_for, personas, draft_plan, who
):
    c = client_for(personas[who])
    for url, data in action_requests(draft_plan):
        # Members do not even see a draft (404); co-chairs see it but may not change it (403).
        assert c.post(url, data).status_code in (403, 404), url
        assert c.get(url).status_code in (403, 404, 405), url
    draft_plan.refresh_from_db()
    assert draft_plan.status == Status.DRAFT
    assert StrategicPlan.objects.count() == 1
    assert set(draft_plan.items.values_list("weight", flat=True)) == {1}
    assert not PlanStatusChange.objects.exists() and not PlanSnapshot.objects.exists()


def test_actions_refuse_the_wrong_method(client_for, secretariat, draft_plan):
    c = client_for(secretariat)
    assert c.get(reverse("strategy:plan_snapshot", args=[draft_plan.pk])).status_code == 405
    item = draft_plan.items.first()
    assert c.get(reverse("strategy:item_weight", args=[draft_plan.pk, item.pk])).status_code == 405
    assert c.put(reverse("strategy:plan_refresh", args=[draft_plan.pk])).status_code == 405
    assert c.post(reverse("strategy:dashboard")).status_code == 405


def test_anonymous_actions_go_to_sign_in(client_for, draft_plan):
    for url, data in action_requests(draft_plan):
        response = client_for(None).post(url, data)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
