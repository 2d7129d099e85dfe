"""The filters the funding rows use instead of an include and a plural block per row (issue
17, eleventh round): the same words and markup, in both languages."""

import datetime

import pytest
from django.utils import timezone, translation

from funding.models import FundingRequest, Status
from funding.templatetags.funding import STATUS_CLASSES, request_status, waiting_for


@pytest.mark.parametrize(
    ("language", "days", "said"),
    [
        ("en", 0, "since today"),
        ("en", 1, "for 1 day"),
        ("en", 2, "for 2 days"),
        ("fr", 0, "depuis aujourd’hui"),
        ("fr", 1, "depuis 1 jour"),
        ("fr", 12, "depuis 12 jours"),
    ],
)
def test_how_long_a_request_has_waited(language, days, said):
    moment = timezone.now() - datetime.timedelta(days=days)
    with translation.override(language):
        assert waiting_for(moment) == said


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_status_badge_says_the_status_in_its_colour(language):
    with translation.override(language):
        for status in Status:
            badge = request_status(FundingRequest(status=status))
            assert badge == f'<span class="badge {STATUS_CLASSES[status]}">{status.label}</span>'
    with translation.override("fr"):
        assert "Approuvée" in request_status(FundingRequest(status=Status.APPROVED))
