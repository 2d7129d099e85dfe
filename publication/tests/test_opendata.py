"""Every open-data download validates against its JSON schema, states when it was generated and
the portal's version, and holds the published records only."""

import csv
import io
import json

import jsonschema
import pytest
from django.conf import settings
from django.urls import reverse

from publication import opendata
from publication.services import publication_unpublish
from publication.tests.fuzz_world import build

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(personas, council, priority, group):
    return build(council=council, priority=priority, group=group, **personas)


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("dataset", sorted(opendata.DATASETS))
def test_every_json_download_validates_against_its_schema(published, client, dataset, language):
    schema = client.get(
        reverse("public:data_schema", args=[dataset]).replace("/en/", f"/{language}/")
    ).json()
    jsonschema.Draft202012Validator.check_schema(schema)
    url = reverse("public:data_file", args=[dataset, "json"]).replace("/en/", f"/{language}/")
    response = client.get(url)
    assert response["Content-Type"].startswith("application/json")
    document = response.json()
    jsonschema.validate(document, schema, format_checker=jsonschema.FormatChecker())
    assert document["records"], f"{dataset} is empty: the test would prove nothing"
    assert document["portal_version"] == settings.PORTAL_VERSION
    assert document["language"] == language
    assert document["generated_at"][:4] >= "2026"


@pytest.mark.parametrize("dataset", sorted(opendata.DATASETS))
def test_every_csv_download_has_the_dictionarys_fields_and_the_metadata(published, client, dataset):
    response = client.get(reverse("public:data_file", args=[dataset, "csv"]))
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    fields = [f.name for f in opendata.DATASETS[dataset]["fields"]]
    assert list(rows[0]) == [*fields, "generated_at", "portal_version"]
    assert {row["portal_version"] for row in rows} == {settings.PORTAL_VERSION}


def test_the_downloads_hold_the_published_records_and_follow_unpublishing(
    published, client, secretariat
):
    url = reverse("public:data_file", args=["funding", "json"])
    ids = [r["id"] for r in client.get(url).json()["records"]]
    assert ids == [published["public_funding"].pk]
    assert client.get(url).json()["records"][0]["amount_approved"] == "42000.00"
    publication_unpublish(record=published["public_funding"], by=secretariat, reason="Error")
    assert client.get(url).json()["records"] == []


def test_the_data_dictionary_names_every_field_in_both_languages(client):
    document = json.loads(client.get(reverse("public:data_dictionary", args=["json"])).content)
    named = {(f["dataset"], f["field"]) for f in document["fields"]}
    for name, dataset in opendata.DATASETS.items():
        assert {(name, f.name) for f in dataset["fields"]} <= named
    assert all(f["meaning_en"] and f["meaning_fr"] and f["type"] for f in document["fields"])
    assert "Open Government Licence" in document["licence"]["name_en"]
    page = client.get(reverse("public:data").replace("/en/", "/fr/")).content.decode()
    assert "Licence du gouvernement ouvert – Canada" in page


def test_an_unknown_dataset_or_format_is_not_found(client):
    assert client.get(reverse("public:data_file", args=["people", "json"])).status_code == 404
    assert client.get(reverse("public:data_file", args=["funding", "xml"])).status_code == 404
