"""Issue 18's journey, in Chromium with axe on every page: the secretariat publishes the
adopted joint plan and an approved funding decision from their own pages; an anonymous reader,
in French, finds both on the public pages and downloads the open data."""

import json
from pathlib import Path

import pytest

from tests.browser import assert_accessible, follow, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def publish_from(page, url, reason):
    page.goto(url)
    follow(page, page.get_by_role("link", name="Publication…").first)
    assert page.get_by_role("heading", level=1).inner_text() == "Publish this record"
    assert_accessible(page)
    page.get_by_label("Reason").fill(reason)
    follow(page, page.get_by_role("button", name="Confirm: publish"))
    assert page.get_by_text("The record is now public.").is_visible()
    assert_accessible(page)


def test_the_secretariat_publishes_and_an_anonymous_reader_finds_it_in_french(
    live_server, page, browser, demo_world
):
    from funding.models import FundingRequest
    from publication.models import Publication
    from strategy.models import StrategicPlan

    plan = StrategicPlan.objects.get(title_en="Joint councils strategic plan", status="adopted")
    funding = FundingRequest.objects.get(title_en="Shared open data inventory platform")
    assert funding.status == "approved"

    sign_in(page, live_server.url, "secretariat")
    publish_from(page, f"{live_server.url}/en/strategy/plans/{plan.pk}/", "Adopted by the councils")
    publish_from(page, f"{live_server.url}/en/funding/{funding.pk}/", "Approved in October 2026")
    assert set(Publication.objects.filter(is_public=True).values_list("kind", flat=True)) == {
        "plan",
        "funding",
    }
    page.goto(f"{live_server.url}/en/publication/")
    assert "Approved in October 2026" in page.locator("main").inner_text()
    assert_accessible(page)

    reader = browser.new_context(locale="fr-CA").new_page()
    reader.goto(f"{live_server.url}/fr/public/")
    assert reader.get_by_role("heading", level=1).inner_text() == (
        "Information ouverte des conseils mixtes"
    )
    assert_accessible(reader)
    follow(reader, reader.get_by_role("link", name="Plan stratégique des conseils mixtes"))
    assert reader.get_by_role("heading", name="Avancement par priorité").is_visible()
    assert_accessible(reader)

    reader.goto(f"{live_server.url}/fr/public/")
    follow(reader, reader.get_by_role("link", name="Financement approuvé"))
    table = reader.locator("main table").inner_text()
    assert "Plateforme commune d’inventaire" in table or "Plateforme commune d'inventaire" in table
    assert "50\u00a0000,00\u00a0$" in table or "50 000,00 $" in table
    assert_accessible(reader)

    for path, heading in (
        ("/fr/public/groups/", "Mandats des groupes"),
        ("/fr/public/meetings/", "Réunions\u00a0: procès-verbaux et décisions"),
    ):
        reader.goto(f"{live_server.url}{path}")
        assert reader.get_by_role("heading", level=1).inner_text() == heading
        assert_accessible(reader)

    reader.goto(f"{live_server.url}/fr/public/")
    follow(reader, reader.get_by_role("link", name="Données ouvertes"))
    assert_accessible(reader)
    with reader.expect_download() as download:
        reader.get_by_role("link", name="JSON — Financement approuvé", exact=True).click()
    document = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert document["language"] == "fr"
    assert [r["id"] for r in document["records"]] == [funding.pk]
    assert document["records"][0]["amount_approved"] == "50000.00"
    assert document["licence"]["name"] == "Licence du gouvernement ouvert – Canada"
