"""The meeting package's pages in Chromium, with axe, in English and French: the winter 2027
meeting's page (its package section, with the demo's version 1) and the secretariat's
publishing page."""

import pytest

from councils.models import Meeting
from tests.browser import axe_violations, describe, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_package_pages_pass_axe_in_both_languages(demo_world, live_server, page):
    meeting = Meeting.objects.get(title_en__icontains="winter 2027")
    sign_in(page, live_server.url, "secretariat")
    problems = []
    for language in ("en", "fr"):
        for path in (
            f"/{language}/councils/meetings/{meeting.pk}/",
            f"/{language}/funding/meetings/{meeting.pk}/package/",
        ):
            response = page.goto(live_server.url + path)
            assert response.status == 200, path
            assert page.locator("h1").count() == 1
            violations = axe_violations(page)
            if violations:
                problems.append(f"{path}:\n{describe(violations)}")
        section = page.goto(live_server.url + f"/{language}/councils/meetings/{meeting.pk}/")
        assert section.status == 200
        versions = page.locator("#package-h + ul.package-versions a")
        assert versions.count() == 2  # version 1, in English and in French
    assert not problems, "\n".join(problems)
