"""What the workflow writes in a request's history reads in the reader's language, and what a
person typed keeps the language they typed it in (core.written)."""

import importlib
import re
from decimal import Decimal

from django.apps import apps
from django.urls import reverse
from django.utils import translation

from councils.tests.factories import hold_with_quorum
from funding import services
from funding.models import Status, StatusChange


def _history(client, obj, language):
    page = client.get(f"/{language}/funding/{obj.pk}/").content.decode()
    return page.split('id="history-h"', 1)[1].split("</section>", 1)[0]


def _walk_the_whole_workflow(submitted, group_cochair, council_cochair, secretariat, meeting):
    """Submitted, first recommendation (returned), resubmitted, endorsed, scheduled, decided."""
    obj, _ = services.recommendation_record(
        request=submitted,
        by=council_cochair,
        decision="return",
        comment="Add the budget lines.",  # typed on an English page
        expected_version=submitted.version,
    )
    obj = services.funding_request_submit(
        request=obj, by=group_cochair, expected_version=obj.version
    )
    obj, _ = services.recommendation_record(
        request=obj,
        by=council_cochair,
        decision="endorse",
        comment="",
        expected_version=obj.version,
    )
    obj = services.funding_request_schedule(
        request=obj, by=secretariat, meeting=meeting, expected_version=obj.version
    )
    hold_with_quorum(meeting)  # held, with quorum: the members may decide
    with translation.override("fr"):  # the secretariat records the decision from a French page
        obj = services.funding_request_record_decision(
            request=obj,
            by=secretariat,
            outcome=Status.APPROVED,
            amount_approved=Decimal("20000"),
            note="Approuvée à l’unanimité.",
            expected_version=obj.version,
        )
    return obj


def test_every_sentence_the_workflow_writes_is_shown_in_french_on_a_french_page(
    submitted, group_cochair, council_cochair, secretariat, meeting, client_for
):
    obj = _walk_the_whole_workflow(submitted, group_cochair, council_cochair, secretariat, meeting)
    keys = list(obj.status_changes.order_by("at", "pk").values_list("reason_key", flat=True))
    assert keys == [
        "funding.submitted",
        "funding.first_recommendation",
        "",  # returned: the co-chair's typed comment only
        "funding.resubmitted",
        "funding.first_recommendation",
        "",  # endorsed: no comment typed
        "funding.scheduled",
        "funding.decided_at",
    ]
    client = client_for(group_cochair)
    french = _history(client, obj, "fr")
    for sentence in (
        "Soumise.",
        "La première recommandation a été consignée.",
        "Soumise de nouveau (version 2).",
        f"Inscrite à l’ordre du jour de {meeting.title_fr} (",
        f"À {meeting.title_fr} (",
    ):
        assert sentence in french, sentence
    for english in ("Submitted.", "recommendation was recorded", "Resubmitted", "Placed on", "At "):
        assert english not in french, english
    english = _history(client, obj, "en")
    for sentence in (
        "Submitted.",
        "The first recommendation was recorded.",
        "Resubmitted as revision 2.",
        f"Placed on the agenda of {meeting.title_en} (",
        f"At {meeting.title_en} (",
    ):
        assert sentence in english, sentence


def test_what_a_person_typed_is_marked_with_its_language_on_a_page_in_the_other(
    submitted, group_cochair, council_cochair, secretariat, meeting, client_for
):
    obj = _walk_the_whole_workflow(submitted, group_cochair, council_cochair, secretariat, meeting)
    client = client_for(group_cochair)
    french = client.get(f"/fr/funding/{obj.pk}/").content.decode()
    english = client.get(f"/en/funding/{obj.pk}/").content.decode()
    # The co-chair's comment, typed in English: marked on the French page only.
    assert '<span lang="en">Add the budget lines.</span>' in french
    assert "Add the budget lines." in english and 'lang="en">Add the budget' not in english
    # The decision note, typed in French: marked on the English page only.
    assert re.search(r'<span lang="fr">Approuvée à l’unanimité\.</span>', english)
    assert 'lang="fr">Approuvée' not in french and "Approuvée à l’unanimité." in french
    decided = obj.status_changes.get(new_status=Status.APPROVED)
    assert (decided.reason, decided.reason_lang) == ("Approuvée à l’unanimité.", "fr")
    obj.refresh_from_db()
    assert obj.decision_note_lang == "fr"


def _migration():
    return importlib.import_module("funding.migrations.0004_system_text_keys")


def test_the_data_migration_turns_the_sentences_already_stored_into_keys(
    in_state, group_cochair, meeting
):
    obj = in_state(Status.APPROVED)
    with translation.override("en"):
        label_en = str(meeting)
    with translation.override("fr"):
        label_fr = str(meeting)
    stored = {
        "Submitted.": ("funding.submitted", {}, ""),
        "Soumise.": ("funding.submitted", {}, ""),
        "Resubmitted as revision 3.": ("funding.resubmitted", {"number": 3}, ""),
        "Soumise de nouveau (version 2).": ("funding.resubmitted", {"number": 2}, ""),
        "The first recommendation was recorded.": ("funding.first_recommendation", {}, ""),
        f"Placed on the agenda of {label_en}.": (
            "funding.scheduled",
            {"meeting": {"en": label_en, "fr": label_fr}},
            "",
        ),
        f"Inscrite à l'ordre du jour de {label_fr}.": (
            "funding.scheduled",
            {"meeting": {"en": label_en, "fr": label_fr}},
            "",
        ),
        f"At {label_en}. Unanimous.": (
            "funding.decided_at",
            {"meeting": {"en": label_en, "fr": label_fr}},
            "Unanimous.",
        ),
        "No longer needed.": ("", {}, "No longer needed."),  # typed: left alone
    }
    rows = {
        text: StatusChange.objects.create(
            request=obj, old_status="draft", new_status="submitted", by=group_cochair, reason=text
        )
        for text in stored
    }
    _migration().to_keys(apps, None)
    for text, (key, params, rest) in stored.items():
        row = rows[text]
        row.refresh_from_db()
        assert (row.reason_key, row.reason_params, row.reason) == (key, params, rest), text
    _migration().to_sentences(apps, None)
    rows["Resubmitted as revision 3."].refresh_from_db()
    assert rows["Resubmitted as revision 3."].reason == "Resubmitted as revision 3."
    rows[f"At {label_en}. Unanimous."].refresh_from_db()
    assert rows[f"At {label_en}. Unanimous."].reason == f"At {label_en}. Unanimous."


def test_a_key_since_removed_from_the_code_reads_as_the_bare_status_change(
    submitted, group_cochair, client_for
):
    submitted.status_changes.update(reason_key="funding.gone")
    page = client_for(group_cochair).get(reverse("funding:request_detail", args=[submitted.pk]))
    assert page.status_code == 200
