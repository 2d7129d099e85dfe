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


@pytest.mark.django_db(transaction=True)
def test_the_writer_changes_a_record_of_another_domain_each_time(capsys):
    """The "under writes" rows are honest only if the writer moves the readers' data
    versions, one domain after another (core.cache)."""
    from django.core.management import call_command

    from core.cache import FUNDING, GROUPS, MEETINGS, data_version
    from councils.tests.factories import ActionItemFactory, UserFactory
    from funding.tests.factories import FundingRequestFactory
    from workinggroups.tests.factories import ObjectiveFactory

    ActionItemFactory()
    objective = ObjectiveFactory()
    FundingRequestFactory(group=objective.group, created_by=UserFactory())
    before = {d: data_version(d) for d in (MEETINGS, GROUPS, FUNDING)}
    call_command("bench_writer", "--seconds", "0.25", "--interval", "0.05")
    out = capsys.readouterr().out
    assert out.startswith("ready\n")
    assert int(out.split()[1]) >= 3
    assert all(data_version(d) != version for d, version in before.items())


def test_the_load_reports_the_95th_percentile_of_its_latencies(live_server):
    from urllib.parse import urlsplit

    from portal.benchmark import load

    parts = urlsplit(live_server.url)
    result = load(parts.hostname, parts.port, "/healthz", "", concurrency=2, seconds=0.5)
    assert result["ok"] > 0 and result["errors"] == 0
    assert 0 < result["p95_ms"] < 5000
