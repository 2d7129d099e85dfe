"""A group co-chair (English) marks an objective done with a note from the group page and files
the period's progress report; the secretariat (French) acknowledges it; a member (French) sees
the strategic-plan dashboard change. Axe runs on every page."""

import pytest

from tests.browser import assert_accessible, follow, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def plan_figure(page, base_url):
    page.goto(f"{base_url}/fr/strategy/")
    page.wait_for_load_state("networkidle")
    return float(page.locator("#plan-progress").get_attribute("value").replace(",", "."))


def test_cochair_marks_an_objective_done_and_a_member_sees_the_dashboard_change(
    live_server, page, browser, demo_world
):
    from strategy.models import PlanItem, Status
    from strategy.selectors import plan_items, rollup_total
    from workinggroups.models import ObjectiveUpdate

    item = (
        PlanItem.objects.filter(
            plan__status=Status.ADOPTED,
            objective__group__slug="digital-identity-wg",
            objective__status__in=["on_track", "at_risk", "not_started"],
        )
        .select_related("objective", "plan")
        .first()
    )
    goal = item.objective

    reader = browser.new_context()
    member = reader.new_page()
    sign_in(member, live_server.url, "member", language="fr")
    before = plan_figure(member, live_server.url)
    assert before == pytest.approx(rollup_total(plan_items(item.plan))["progress"], abs=0.05)
    assert_accessible(member)

    sign_in(page, live_server.url, "groupchair")
    page.goto(f"{live_server.url}/en/groups/digital-identity-wg/")
    assert_accessible(page)
    page.locator(f"#objective-{goal.pk} a").first.wait_for()
    page.get_by_text(f"Update “{goal.title_en}”").click()
    prefix = f"#id_objective-{goal.pk}"
    page.locator(f"{prefix}-status").select_option("done")
    page.locator(f"{prefix}-note_en").fill("Tabled and adopted at both councils.")
    follow(
        page,
        page.locator(f"form[action$='/objectives/{goal.pk}/update/']").get_by_role(
            "button", name="Record the update"
        ),
    )
    assert "update recorded" in page.locator(".alert").first.inner_text()
    assert_accessible(page)
    goal.refresh_from_db()
    assert goal.status == "done"
    assert ObjectiveUpdate.objects.get(objective=goal, new_status="done").note_en == (
        "Tabled and adopted at both councils."
    )
    page.goto(f"{live_server.url}/en/groups/objectives/{goal.pk}/")
    assert "Tabled and adopted at both councils." in page.locator("#timeline-h + ol").inner_text()
    assert_accessible(page)

    # The co-chair files the current period's report; the secretariat, in French, acknowledges
    # it.
    page.goto(f"{live_server.url}/en/groups/digital-identity-wg/reports/")
    assert_accessible(page)
    page.get_by_label("Reporting period").select_option(index=1)
    follow(page, page.get_by_role("button", name="Write or continue the report"))
    assert_accessible(page)
    page.get_by_label("Narrative (English)").fill("Pilots tabled; trust framework adopted.")
    for box in page.locator("input[name='confirmed']").all():
        box.check()
    follow(page, page.get_by_role("button", name="Submit to the secretariat"))
    assert page.locator("#report-status").inner_text() == "Submitted"
    assert_accessible(page)
    report_url = page.url.replace("/en/", "/fr/")

    office = browser.new_context()
    secretariat = office.new_page()
    sign_in(secretariat, live_server.url, "secretariat", language="fr")
    secretariat.goto(report_url)
    assert_accessible(secretariat)
    follow(secretariat, secretariat.get_by_role("button", name="Confirmer la réception du rapport"))
    assert secretariat.locator("#report-status").inner_text() == "Reçu"
    assert_accessible(secretariat)
    office.close()

    after = plan_figure(member, live_server.url)
    assert after > before
    assert after == pytest.approx(rollup_total(plan_items(item.plan))["progress"], abs=0.05)
    assert_accessible(member)
    reader.close()
