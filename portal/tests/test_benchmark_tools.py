"""The benchmark's own arithmetic and honesty (issue 17): rounds summarised as the median of
their medians with the spread between them, and a timed request that is not 200 reported."""

import pytest
from django.urls import reverse

from portal.benchmark import measure_round, summarise


def test_the_median_is_of_the_rounds_medians_and_the_spread_between_them():
    result = summarise([[10, 11, 30], [12, 12, 12], [9, 10, 90]])
    assert result["round_medians_ms"] == [11, 12, 10]
    assert result["median_ms"] == 11
    assert result["spread"] == pytest.approx(2 / 11)
    assert result["p95_ms"] == 90  # of every request, nearest rank: the 9th of 9


@pytest.mark.django_db
def test_a_round_reports_every_answer_that_is_not_200(client_for, member, outsider):
    url = reverse("workinggroups:group_list")
    good = measure_round(client_for(member), url, 3)
    assert good["bad_statuses"] == [] and len(good["timings"]) == 3 and good["queries"] > 0
    refused = measure_round(client_for(outsider), url, 3)
    assert refused["bad_statuses"] == [403] * 4  # the counted request and the 3 timed
