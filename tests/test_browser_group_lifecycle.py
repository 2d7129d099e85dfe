"""The secretariat converts the Open Government WG into a community of practice through the
confirmation page, in Chromium, and sees measure 3 (which asked for it) done. Measure 3 asks
for two conversions (Open Government and GDPR), so the GDPR WG is converted first."""

import pytest

from tests.browser import assert_accessible, follow, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def convert(page, base_url, slug, reason):
    page.goto(f"{base_url}/en/groups/{slug}/")
    assert_accessible(page)
    follow(page, page.get_by_role("link", name="Convert to a community of practice"))
    assert (
        page.get_by_role("heading", level=1)
        .inner_text()
        .startswith("Convert to a community of practice")
    )
    assert_accessible(page)
    page.get_by_label("Reason").fill(reason)
    follow(page, page.get_by_role("button", name="Confirm: Convert to a community of practice"))


def test_secretariat_converts_open_government_and_sees_the_measure_done(
    live_server, page, demo_world
):
    from workinggroups.models import Group, Measure

    sign_in(page, live_server.url, "secretariat")
    # What waits on the secretariat, the health page and the meeting that asked for measure 3.
    for path, heading in (
        ("/en/", "Welcome, Sophie"),
        ("/en/groups/health/", "Group health"),
        ("/en/councils/meetings/", "Meetings of the councils"),
    ):
        page.goto(f"{live_server.url}{path}")
        assert page.get_by_role("heading", level=1).inner_text() == heading
        assert_accessible(page)
    follow(page, page.get_by_role("link", name="Joint councils meeting: strategic orientation"))
    assert page.get_by_role("heading", name="Questions for discussion").is_visible()
    assert_accessible(page)

    convert(page, live_server.url, "gdpr-wg", "Measure 3 of 27 February 2020")
    assert Group.objects.get(slug="gdpr-wg").kind == "cop"
    measure = Measure.objects.get(number=3)
    assert measure.status == "in_progress"

    convert(page, live_server.url, "open-government-wg", "Measure 3: its deliverables are done")
    assert "/en/groups/open-government-wg/" in page.url
    assert page.get_by_text("Community of practice").first.is_visible()
    assert_accessible(page)
    history = page.locator("section[aria-labelledby=history-h]")
    assert "converted from Working group to Community of practice" in history.inner_text()

    row = page.locator(f"#measure-{measure.pk}")
    assert "Done" in row.inner_text()
    follow(page, row.get_by_role("link").first)
    assert page.locator("#measure-status").inner_text() == "Done"
    assert_accessible(page)
    measure.refresh_from_db()
    assert measure.status == "done"
    group = Group.objects.get(slug="open-government-wg")
    assert (group.kind, group.status, group.end_date) == ("cop", "active", None)
