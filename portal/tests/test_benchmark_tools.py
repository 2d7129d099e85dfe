"""The benchmark's own arithmetic and honesty (issue 17): rounds summarised as the median of
their medians with the spread between them, and a timed request that is not 200 reported."""

import pytest
from django.urls import reverse

from portal.benchmark import measure_round, summarise


def report_script():
    """scripts/benchmark.py, which writes the report: a script, not a package module."""
    import sys
    from pathlib import Path

    scripts = str(Path(__file__).resolve().parents[2] / "scripts")
    if scripts not in sys.path:
        sys.path.insert(0, scripts)
    import benchmark

    return benchmark


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


@pytest.mark.django_db
def test_a_profile_says_which_portal_function_ran_each_query_and_what_rendering_cost(
    client_for, member
):
    from portal.benchmark import profile_page

    url = reverse("workinggroups:group_list")
    counted = measure_round(client_for(member), url, 1)["queries"]
    profile = profile_page(client_for(member), url, repeat=3)
    assert profile["queries"] == counted
    callers = {c["caller"]: c for c in profile["sql_by_caller"]}
    # The role query is run by the portal's permission code, not by Django or the profiler.
    assert "workinggroups.permissions.load_roles" in callers
    assert not any(name.startswith("portal.benchmark") for name in callers)
    assert profile["render_ms"] > 0
    parts = profile["sql_ms"] + profile["render_ms"] + profile["other_ms"]
    assert parts == pytest.approx(profile["total_ms"])


def test_the_report_explains_each_missed_target_with_the_page_profile():
    explained = report_script().explained

    def page(name, median, sql_ms, caller):
        profile = {
            "total_ms": median,
            "sql_ms": sql_ms,
            "queries": 3,
            "render_ms": 1.0,
            "other_ms": median - sql_ms - 1.0,
            "sql_by_caller": [{"caller": caller, "ms": sql_ms, "queries": 3}],
        }
        return {"name": name, "persona": "member", "median_ms": median, "profile": profile}

    results = {
        scale: {
            "pages": [
                page("empty portal page (reference)", 3.0, 1.0, "workinggroups.permissions.x"),
                page("dashboard, cache off", 20.0 * scale, 18.0 * scale, "strategy.selectors.y"),
                page("groups list", 6.0, 1.0, "core.pagination.kept_rows"),
            ]
        }
        for scale in (1, 100)
    }
    checks = [
        ("dashboard, cache off: ≤ 5× the empty portal page", False, "666.7×"),
        ("dashboard, cache off: median growth ≤ 1.5×", False, "100.00×"),
        ("groups list: ≤ 3× the empty portal page", True, "2.0×"),
    ]
    text = "\n".join(explained(results, checks))
    assert "**empty portal page (reference)**" in text  # the yardstick, first
    line = next(line for line in text.splitlines() if "**dashboard, cache off**" in line)
    assert "`strategy.selectors.y` 1800.0 ms in 3" in line
    assert "≤ 5× the empty portal page (666.7×)" in line
    assert "At scale 1: profiled 20.0 ms" in line  # growth: the small scale too
    assert "groups list" not in text  # met: nothing to explain
    assert explained(results, [checks[2]]) == []


def test_the_report_gives_the_bare_view_growth_as_the_machines_drift():
    drift = report_script().drift

    def bare(median, spread):
        return {"name": "bare view (reference)", "median_ms": median, "spread": spread}

    results = {1: {"pages": [bare(1.6, 0.03)]}, 100: {"pages": [bare(2.8, 0.63)]}}
    text = drift(results)[0]
    assert "1.6 ms at scale 1 (spread 3%)" in text and "2.8 ms at scale 100 (spread 63%)" in text
    assert "1.75×" in text
    assert drift({100: results[100]}) == []  # one scale: no growth to read


def test_a_new_run_replaces_the_run_of_record_and_keeps_the_history_above_it():
    """`make benchmark` writes into docs/benchmarks.md, whose rounds' history is written by
    hand: only what follows the marker is the script's."""
    script = report_script()
    report = "# Benchmarks\n\nRun 2026-12-06.\n\n## Scale 1\n\n### Targets\n\n| a | b |\n"
    history = (
        "# Benchmarks\n\n## Thirteenth round\n\nKept: the rows as HTML, written "
        f"below `{script.RUN_OF_RECORD}` by the script.\n\n"
    )
    before = f"{history}{script.RUN_OF_RECORD}\n\n## The run of record\n\nRun 2026-12-01.\n"
    text = script.spliced(before, report)
    assert text.startswith(history + script.RUN_OF_RECORD + "\n")
    assert "2026-12-01" not in text and "Run 2026-12-06." in text
    assert "\n## The run of record\n" in text and "\n### Scale 1\n" in text
    assert "\n#### Targets\n" in text and text.count("# Benchmarks") == 1
    assert script.spliced(text, report) == text  # a second run: the same file, no pile-up
    assert script.spliced(None, report) == report  # a new file: the report alone
    assert script.spliced("# Old report\n", report) == report  # no marker: replaced whole


def test_the_run_of_make_benchmark_is_timed_against_15_minutes_and_by_phase():
    script = report_script()
    phases = {"data": 20.0, "pages": 300.0, "load": 240.0}
    results = {scale: {"phase_seconds": phases} for scale in (1, 100)}
    [(name, met, measured)] = script.run_time_check(results, 14.5 * 60)
    assert met and measured == "14.5 min" and "≤ 15 minutes" in name
    [(_, met, measured)] = script.run_time_check(results, 15.5 * 60)
    assert not met and measured == "15.5 min"
    assert script.run_time_check({1: {}, 1000: {}}, 40 * 60) == []  # benchmark-1000's own
    text = script.run_time(results, 14 * 60 + 5)
    assert text.startswith("The run took 14 min 05 s (scale 1: data 20 s, pages and sweep")
    assert "scale 100: data 20 s, pages and sweep 300 s, load 240 s" in text
