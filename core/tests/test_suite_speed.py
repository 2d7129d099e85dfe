"""The suite does not depend on the machine's speed (issue 14): a loaded 2-core machine made
Hypothesis's "input generation is slow" check fail a property test once."""

from hypothesis import HealthCheck, settings


def test_hypothesis_runs_without_a_deadline_or_too_slow_checks():
    assert settings.default.deadline is None
    assert HealthCheck.too_slow in settings.default.suppress_health_check
