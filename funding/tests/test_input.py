"""Bad input gets a message on the field and saves nothing, not even half a request."""

from decimal import Decimal

import pytest
from django.urls import reverse

from funding.models import Attachment, FundingRequest, Status
from funding.tests.conftest import docx_bytes, odt_bytes, ole_bytes, pdf_bytes, upload


@pytest.fixture
def form_data(group, priority):
    return {
        "group": group.pk,
        "title_en": "Digital identity pilot",
        "title_fr": "",
        "summary_en": "Pilot verifiable credentials.",
        "summary_fr": "",
        "amount_requested": "25000.50",
        "fiscal_year": "2026-27",
        "priorities": [priority.pk],
    }


def create(client, data, files=None):
    return client.post(reverse("funding:request_create"), {**data, **(files or {})})


def test_a_valid_request_is_saved_as_a_draft_with_its_attachments(
    group_cochair, client_for, form_data, priority
):
    files = {"attachments": [upload("plan.pdf", pdf_bytes()), upload("budget.docx", docx_bytes())]}
    response = create(client_for(group_cochair), form_data, files)
    obj = FundingRequest.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/funding/{obj.pk}/")
    assert obj.status == Status.DRAFT
    assert obj.amount_requested == Decimal("25000.50") and obj.fiscal_year == 2026
    assert list(obj.priorities.all()) == [priority]
    assert sorted(a.original_name for a in obj.attachments.all()) == ["budget.docx", "plan.pdf"]


@pytest.mark.parametrize(
    ("language", "typed"),
    [
        ("en", "25000.50"),
        ("en", "$25,000.50"),
        ("en", " 25,000.5 "),
        ("fr", "25000,50"),
        ("fr", "25 000,50 $"),
        ("fr", "25\u00a0000,50\u00a0$"),
    ],
)
def test_amounts_are_read_as_people_write_them_in_each_language(
    group_cochair, client_for, form_data, language, typed
):
    c = client_for(group_cochair)
    response = c.post(
        f"/{language}/funding/new/",
        {**form_data, "amount_requested": typed, "fiscal_year": "2026-2027"},
    )
    assert response.status_code == 302
    assert FundingRequest.objects.get().amount_requested == Decimal("25000.50")


CONFIRM = "confirm"
MONEY_TABLE = [
    # language, typed, what happens: the amount saved at once, None (refused with an example),
    # or (CONFIRM, shown back in the box, saved when the person saves again)
    ("en", "$12,500.50", "12500.50"),
    ("en", "12500.50", "12500.50"),
    ("en", "12,500.50", "12500.50"),
    ("en", "12 500.50", "12500.50"),
    ("en", "12,500", "12500.00"),
    ("en", "12500", "12500.00"),
    ("en", "1.5", "1.50"),
    ("en", "12 500,50 $", (CONFIRM, "12,500.50", "12500.50")),
    ("en", "12\u00a0500,50", (CONFIRM, "12,500.50", "12500.50")),
    ("en", "12\u202f500,50", (CONFIRM, "12,500.50", "12500.50")),
    ("en", "12 500,50", (CONFIRM, "12,500.50", "12500.50")),
    ("en", "1,5", None),
    ("en", "12500,50", None),
    ("en", "12.500,50", None),
    ("en", "12,50.5", None),
    ("en", "1.505", None),
    ("en", "twelve", None),
    ("fr", "12 500,50 $", "12500.50"),
    ("fr", "12\u00a0500,50", "12500.50"),
    ("fr", "12\u202f500,50\u00a0$", "12500.50"),
    ("fr", "12500,50", "12500.50"),
    ("fr", "12500.50", "12500.50"),
    ("fr", "1,5", "1.50"),
    ("fr", "$12,500.50", (CONFIRM, "12\u00a0500,50", "12500.50")),
    ("fr", "12,500.50 $", (CONFIRM, "12\u00a0500,50", "12500.50")),
    ("fr", "12,500", None),
    ("fr", "12.500", None),
    ("fr", "12.500,50", None),
    ("fr", "douze", None),
]


def _amount_box(html):
    import re

    return re.search(r'<input[^>]*name="amount_requested"[^>]*value="([^"]*)"', html)[1]


@pytest.mark.parametrize(("language", "typed", "outcome"), MONEY_TABLE)
def test_the_money_table_in_both_languages(
    group_cochair, client_for, form_data, language, typed, outcome
):
    """Issue 14: `12 500,50` in English was saved as $1,250,050.00 and `1,5` as $15.00. Each
    input is saved, refused with an example, or shown back to be confirmed before saving."""
    client = client_for(group_cochair)
    data = {**form_data, "amount_requested": typed, "fiscal_year": "2026-2027"}
    response = client.post(f"/{language}/funding/new/", data)
    html = response.content.decode()
    if outcome is None:
        assert response.status_code == 400
        assert "12,500.50" in html or "12 500,50" in html  # the example
        assert not FundingRequest.objects.exists()
    elif isinstance(outcome, tuple):
        _, shown, saved = outcome
        assert response.status_code == 400
        assert not FundingRequest.objects.exists()  # nothing saved before the person agrees
        said = "$12,500.50" if language == "en" else "12\u00a0500,50\u00a0$"
        assert ("Read as " if language == "en" else "Lu comme ") + said in html
        assert _amount_box(html) == shown
        response = client.post(f"/{language}/funding/new/", {**data, "amount_requested": shown})
        assert response.status_code == 302
        assert FundingRequest.objects.get().amount_requested == Decimal(saved)
    else:
        assert response.status_code == 302
        assert FundingRequest.objects.get().amount_requested == Decimal(outcome)


def test_an_approved_amount_read_the_other_way_is_confirmed_before_the_decision(
    scheduled, in_session, secretariat, client_for
):
    """The decision's amount goes through the same field: shown back, then saved."""
    url = reverse("funding:request_decide", args=[scheduled.pk])
    data = {"version": scheduled.version, "outcome": "approved", "amount_approved": "1 000,50"}
    response = client_for(secretariat).post(url, data)
    assert response.status_code == 400
    assert "Read as $1,000.50" in response.content.decode()
    scheduled.refresh_from_db()
    assert scheduled.status == Status.SCHEDULED and scheduled.amount_approved is None
    response = client_for(secretariat).post(url, {**data, "amount_approved": "1,000.50"})
    assert response.status_code == 302
    scheduled.refresh_from_db()
    assert scheduled.status == Status.APPROVED
    assert scheduled.amount_approved == Decimal("1000.50")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("amount_requested", "-5", "greater than zero"),
        ("amount_requested", "0", "greater than zero"),
        ("amount_requested", "99999999", "at most"),
        ("amount_requested", "1e12", "Enter an amount"),
        ("amount_requested", "1,5", "could be read more than one way"),
        ("amount_requested", "12.345", "two decimals"),
        ("amount_requested", "lots", "Enter an amount"),
        ("amount_requested", "NaN", "Enter an amount"),
        ("fiscal_year", "2020-22", "April to March"),
        ("fiscal_year", "next year", "fiscal year such as"),
        ("fiscal_year", "1999-00", "between"),
        ("fiscal_year", "2090-91", "between"),
        ("priorities", [], "at least one priority"),
        ("title_en", "", "in English or in French"),
    ],
)
def test_bad_input_is_refused_on_the_field_and_nothing_is_saved(
    group_cochair, client_for, form_data, field, value, message, tmp_path, settings
):
    form_data[field] = value
    files = {"attachments": [upload("plan.pdf", pdf_bytes())]}
    response = create(client_for(group_cochair), form_data, files)
    assert response.status_code == 400
    form = response.context["form"]
    errors = " ".join(str(e) for e in form.errors.get(field, []))
    assert message in errors, form.errors
    # One clear message per problem: none from the model on top of the form's own.
    assert sum(len(messages) for messages in form.errors.values()) == 1, form.errors
    assert "Nothing was saved" in response.content.decode()
    assert not FundingRequest.objects.exists()
    assert not Attachment.objects.exists()
    media = settings.MEDIA_ROOT
    assert not media.exists() or not any(media.rglob("*.pdf"))


def test_a_bad_fiscal_year_in_french_gets_one_french_message_and_no_raw_django_one(
    group_cochair, client_for, form_data
):
    form_data["fiscal_year"] = "2020-22"
    client = client_for(group_cochair)
    response = client.post("/fr/funding/new/", form_data)
    assert response.status_code == 400
    assert response.context["form"].errors["fiscal_year"] == [
        "Un exercice financier va d’avril à mars\u00a0: 2020 est suivi de 2020-2021."
    ]
    page = response.content.decode()
    assert "valeur nulle" not in page and "cannot be null" not in page


@pytest.mark.parametrize(
    ("language", "one", "two"),
    [
        ("en", "the file you chose was not kept: plan.pdf", "files you chose were not kept"),
        ("fr", "le fichier choisi n’a pas été conservé", "les fichiers choisis n’ont pas"),
    ],
)
def test_chosen_files_dropped_because_of_an_error_are_said_so_beside_the_file_box(
    group_cochair, client_for, form_data, language, one, two
):
    form_data["amount_requested"] = "lots"
    client = client_for(group_cochair)
    url = f"/{language}/funding/new/"
    page = client.post(url, {**form_data, "attachments": [upload("plan.pdf", pdf_bytes())]})
    html = page.content.decode()
    assert page.status_code == 400 and one in html
    box = html[html.index('name="attachments"') :].split(">", 1)[0]
    note = html[html.index('id="id_attachments_helptext"') :].split("</div>", 1)[0]
    assert "id_attachments_helptext" in box and "plan.pdf" in note  # the box points to it
    files = [upload("plan.pdf", pdf_bytes()), upload("budget.docx", docx_bytes())]
    html = client.post(url, {**form_data, "attachments": files}).content.decode()
    assert two in html and "plan.pdf, budget.docx" in html
    form_data["amount_requested"] = "12"
    assert "not kept" not in client.post(url, form_data).content.decode()  # no file, no note


def test_a_group_the_person_does_not_cochair_is_refused(
    group_cochair, client_for, form_data, joint_group
):
    form_data["group"] = joint_group.pk
    response = create(client_for(group_cochair), form_data)
    assert response.status_code == 400 and "group" in response.context["form"].errors
    assert not FundingRequest.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("plan.pdf", b"<html><script>alert(1)</script></html>", "does not contain what its name"),
        ("plan.pdf", b"MZ\x90\x00" + b"\x00" * 100, "does not contain what its name"),
        ("budget.docx", b"%PDF-1.4 not a zip", "does not contain what its name"),
        ("budget.docx", odt_bytes(), "does not contain what its name"),
        ("notes.odt", docx_bytes(), "does not contain what its name"),
        ("old.doc", pdf_bytes(), "does not contain what its name"),
        ("run.exe", b"MZ\x90\x00", "not an accepted format"),
        ("page.html", b"<html></html>", "not an accepted format"),
        ("noextension", pdf_bytes(), "not an accepted format"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_disguised_or_unaccepted_files_are_refused(
    group_cochair, client_for, form_data, name, content, message
):
    response = create(
        client_for(group_cochair), form_data, {"attachments": [upload(name, content)]}
    )
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors["attachments"])
    assert not FundingRequest.objects.exists()


def test_an_oversized_file_is_refused(group_cochair, client_for, form_data, settings):
    settings.PORTAL_ATTACHMENT_MAX_BYTES = 2048
    big = pdf_bytes() + b"0" * 4096
    response = create(
        client_for(group_cochair), form_data, {"attachments": [upload("big.pdf", big)]}
    )
    assert response.status_code == 400
    assert "at most 2.0" in " ".join(response.context["form"].errors["attachments"])
    assert not FundingRequest.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("plan.pdf", pdf_bytes()),
        ("budget.docx", docx_bytes()),
        ("notes.odt", odt_bytes()),
        ("legacy.xls", ole_bytes()),
    ],
)
def test_each_accepted_format_is_stored_outside_the_web_root_under_a_generated_name(
    group_cochair, client_for, form_data, settings, name, content
):
    response = create(
        client_for(group_cochair), form_data, {"attachments": [upload(name, content)]}
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.original_name == name
    stored = settings.MEDIA_ROOT / attachment.file.name
    assert stored.read_bytes() == content
    assert attachment.file.name.startswith(f"funding/{attachment.request_id}/")
    stem, suffix = attachment.file.name.split("/")[-1].split(".")
    assert len(stem) == 32 and f".{suffix}" == name[-len(suffix) - 1 :]


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("../../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\windows\\evil.pdf", "evil.pdf"),
        ("/absolute/path/report.pdf", "report.pdf"),
        ("rapport d'étape.pdf", "rapport_détape.pdf"),
        (".hidden.pdf", "hidden.pdf"),
    ],
)
def test_uploaded_names_are_sanitised(group_cochair, client_for, form_data, given, kept):
    response = create(
        client_for(group_cochair), form_data, {"attachments": [upload(given, pdf_bytes())]}
    )
    assert response.status_code == 302
    assert Attachment.objects.get().original_name == kept


def test_editing_keeps_the_request_whole_when_a_file_is_bad(
    draft, group_cochair, client_for, priority
):
    url = reverse("funding:request_edit", args=[draft.pk])
    data = {
        "version": draft.version,
        "title_en": "A new title",
        "summary_en": "Pilot verifiable credentials.",
        "amount_requested": "30000",
        "fiscal_year": "2026-27",
        "priorities": [priority.pk],
        "attachments": [upload("fake.pdf", b"not a pdf at all")],
    }
    response = client_for(group_cochair).post(url, data)
    assert response.status_code == 400
    draft.refresh_from_db()
    assert draft.title_en == "Digital identity pilot" and draft.amount_requested == Decimal("25000")
    data["attachments"] = [upload("real.pdf", pdf_bytes())]
    response = client_for(group_cochair).post(url, data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title_en == "A new title" and draft.attachments.count() == 1
    # Removing it deletes the row and, once committed, the file.
    attachment = draft.attachments.get()
    data.update(version=draft.version, attachments=[], remove_attachments=[attachment.pk])
    response = client_for(group_cochair).post(url, data)
    assert response.status_code == 302
    assert not draft.attachments.exists()


def test_too_many_attachments_are_refused(draft, group_cochair, client_for, priority, monkeypatch):
    monkeypatch.setattr("funding.services.MAX_ATTACHMENTS", 1)
    url = reverse("funding:request_edit", args=[draft.pk])
    data = {
        "version": draft.version,
        "title_en": "Digital identity pilot",
        "summary_en": "x",
        "amount_requested": "30000",
        "fiscal_year": "2026-27",
        "priorities": [priority.pk],
        "attachments": [upload("plan.pdf", pdf_bytes()), upload("b.pdf", pdf_bytes())],
    }
    response = client_for(group_cochair).post(url, data)
    assert response.status_code == 400
    assert "at most 1 attachments" in " ".join(response.context["form"].errors["attachments"])
    draft.refresh_from_db()
    assert draft.amount_requested == Decimal("25000") and not draft.attachments.exists()


def test_decision_form_refuses_an_approved_amount_above_the_request(
    scheduled, secretariat, client_for
):
    url = reverse("funding:request_decide", args=[scheduled.pk])
    data = {"version": scheduled.version, "outcome": "approved", "amount_approved": "25000.01"}
    response = client_for(secretariat).post(url, data)
    assert response.status_code == 400
    assert "cannot exceed" in response.content.decode()
    data.update(amount_approved="", votes_for="-1")
    response = client_for(secretariat).post(url, data)
    errors = response.context["forms"]["decide"].errors
    assert "amount_approved" in errors and "votes_for" in errors
    scheduled.refresh_from_db()
    assert scheduled.status == Status.SCHEDULED


def test_recommendation_form_requires_a_comment_to_return(submitted, council_cochair, client_for):
    url = reverse("funding:request_recommend", args=[submitted.pk])
    response = client_for(council_cochair).post(
        url, {"version": submitted.version, "decision": "return", "comment": ""}
    )
    assert response.status_code == 400
    assert "Explain to the requesters why" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


def test_an_office_file_that_inflates_past_the_limit_is_refused(
    group_cochair, client_for, form_data, settings
):
    """Issue 14: an archive inside an office file stays bounded when it is read."""
    import io
    import zipfile

    settings.PORTAL_ATTACHMENT_MAX_INFLATED_BYTES = 1024 * 1024
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("word/embeddings/bomb.bin", b"\0" * (2 * 1024 * 1024))
    assert len(buffer.getvalue()) < 64 * 1024  # small upload, large inflated size
    files = {"attachments": [upload("budget.docx", buffer.getvalue())]}
    response = create(client_for(group_cochair), form_data, files)
    assert response.status_code == 400
    assert "expands to more than" in response.content.decode()
    assert not FundingRequest.objects.exists()


def lying_odt(inflated_bytes):
    """An OpenDocument file whose `mimetype` entry says it holds 46 bytes while its data
    inflates to `inflated_bytes`: the archive's directory lies about the bomb inside."""
    import io
    import struct
    import zipfile

    mimetype = b"application/vnd.oasis.opendocument.text"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", mimetype + b" " * (inflated_bytes - len(mimetype)))
        archive.writestr("content.xml", "<office:document-content/>")
    data = bytearray(buffer.getvalue())
    central = data.index(b"PK\x01\x02", len(data) - 400)  # the mimetype's directory entry
    struct.pack_into("<I", data, 22, len(mimetype))  # its local header's size
    struct.pack_into("<I", data, central + 24, len(mimetype))  # and its directory entry's
    return bytes(data)


def test_an_office_file_lying_about_its_inflated_size_is_read_with_bounded_memory(
    group_cochair, client_for, form_data
):
    """Issue 14: the sizes an archive declares may lie; reading it must not inflate the bomb."""
    import tracemalloc

    bomb = lying_odt(60 * 1024 * 1024)
    assert len(bomb) < 200 * 1024  # a small upload that inflates to 60 MB
    client = client_for(group_cochair)
    tracemalloc.start()
    try:
        response = create(client, form_data, {"attachments": [upload("plan.odt", bomb)]})
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert response.status_code == 400
    assert "plan.odt" in response.content.decode()
    assert not FundingRequest.objects.exists()
    assert peak < 20 * 1024 * 1024, f"{peak / 2**20:.0f} MiB allocated while reading it"
