"""A group co-chair starts a new workplan version, adds a deliverable and submits it; the
secretariat compares it with the accepted version and accepts it. Axe runs on every page."""

import pytest

from tests.browser import assert_accessible, follow, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_cochair_submits_a_new_version_and_the_secretariat_accepts_it(
    live_server, page, browser, demo_world
):
    from workinggroups.models import Workplan

    sign_in(page, live_server.url, "groupchair")
    page.goto(f"{live_server.url}/en/groups/digital-identity-wg/")
    follow(page, page.get_by_role("link", name="Start a new workplan version").first)
    assert_accessible(page)
    follow(page, page.get_by_role("button", name="Save"))
    assert "Draft workplan version 3" in page.get_by_role("heading", level=1).inner_text()
    assert_accessible(page)
    page.locator("#id_items-2-title_en").fill("Trust framework conformance checklist")
    page.locator("#id_items-2-due_date").fill("2027-02-28")
    follow(page, page.get_by_role("button", name="Save and submit to the secretariat"))
    assert page.locator("#workplan-status").inner_text() == "Submitted"
    assert_accessible(page)

    other = browser.new_context()
    secretariat = other.new_page()
    sign_in(secretariat, live_server.url, "secretariat")
    v3 = Workplan.objects.get(group__slug="digital-identity-wg", version=3)
    secretariat.goto(f"{live_server.url}/en/groups/workplans/{v3.pk}/")
    follow(secretariat, secretariat.get_by_role("link", name="Compare with version 2"))
    assert (
        "Trust framework conformance checklist" in secretariat.locator("tr.diff-added").inner_text()
    )
    assert_accessible(secretariat)
    secretariat.go_back()
    secretariat.wait_for_load_state("networkidle")
    assert_accessible(secretariat)
    follow(secretariat, secretariat.get_by_role("button", name="Accept this workplan"))
    assert secretariat.locator("#workplan-status").inner_text() == "Accepted"
    other.close()
    statuses = dict(
        Workplan.objects.filter(group__slug="digital-identity-wg").values_list("version", "status")
    )
    assert statuses == {1: "superseded", 2: "superseded", 3: "accepted"}
