"""Issue 14: ids read from query strings, one rule (core/params.py), and NUL bytes refused."""

from decimal import Decimal

import pytest
from django.urls import reverse

from core.params import parse_id, parse_int


@pytest.mark.parametrize(
    "value, expected",
    [
        ("12", 12),
        ("²", None),
        ("١٢", None),
        ("", None),
        (None, None),
        (" 12", None),
        ("+1", None),
        ("0", None),
        ("9" * 40, None),
        ("9223372036854775807", 2**63 - 1),
    ],
)
def test_parse_id(value, expected):
    assert parse_id(value) == expected


def test_parse_int_keeps_zero_and_defaults():
    assert parse_int("0") == 0
    assert parse_int("²", 7) == 7


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name, query",
    [
        ("funding:request_list", "group=²"),
        ("funding:review_queue", "group=²"),
        ("funding:overview", "council=%00"),
        ("funding:overview_csv", "council=%00"),
        ("councils:meeting_list", "council=%00"),
    ],
)
def test_the_issue_examples_answer_4xx_or_a_page(client, secretariat, name, query):
    client.force_login(secretariat)
    response = client.get(f"{reverse(name)}?{query}")
    assert response.status_code < 500


def test_email_subjects_and_text_parts_are_never_html_escaped():
    """Issue 14: funding subjects showed &#x27; and &lt;; the HTML part stays escaped."""
    from types import SimpleNamespace

    from core.emails import render_email

    title = "Youth & elders' <pilot>"
    funding_request = SimpleNamespace(
        title=title,
        pk=1,
        group=SimpleNamespace(name="Elders & youth"),
        amount_requested=Decimal("12500.50"),
        fiscal_year=2026,
    )
    recipient = SimpleNamespace(get_full_name=lambda: "Ana", username="ana")
    subject, text, html = render_email(
        "funding-submitted", {"funding_request": funding_request, "recipient": recipient}, "en"
    )
    assert title in subject, subject
    assert "&#x27;" not in subject + text and "&lt;" not in subject + text
    assert "<pilot>" not in html
