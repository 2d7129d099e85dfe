"""A member opens the dashboard in French in Chromium and reads a priority's progress."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_reads_a_priority_progress_in_french(
    live_server, page, member, adopted_plan, priority
):
    sign_in(page, live_server.url, member.username, password="correct-horse-battery")
    page.goto(f"{live_server.url}/fr/strategy/")
    page.wait_for_load_state("networkidle")

    assert page.locator("html").get_attribute("lang") == "fr"
    expect(page.get_by_role("heading", level=1)).to_have_text("Tableau de bord du plan stratégique")
    heading = page.get_by_role("heading", level=3, name="Identité numérique")
    expect(heading).to_be_visible()
    # One objective done of three counted: 33 %, written the French way (a space before %).
    progress = page.locator(f"#priority-{priority.pk}-progress")
    expect(progress).to_be_visible()
    expect(progress).to_have_text(re.compile(r"^33\s%\s+réalisé$"))
    expect(page.get_by_role("progressbar", name=re.compile("Identité numérique"))).to_be_visible()
    # The chart is drawn (Chart.js ran under the CSP) and its table is beside it.
    expect(page.locator("#chart-progress")).to_have_attribute("style", re.compile("height"))
    expect(
        page.get_by_role("table", name="Avancement et objectifs par état, par priorité")
    ).to_be_visible()

    assert_accessible(page)
