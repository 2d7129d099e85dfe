import datetime

import pytest

from strategy.models import Status
from strategy.services import plan_create, plan_transition
from strategy.tests.factories import accepted_workplan, objective
from workinggroups.models import Objective

OS = Objective.Status


@pytest.fixture
def draft_plan(secretariat, group, priority):
    """A draft of the joint councils for 2026-27 and 2027-28, from one group's workplan:
    one objective done, one on track, one at risk and past due (late)."""
    goals = [
        objective(group, priority, OS.DONE, due=datetime.date(2026, 6, 30)),
        objective(group, priority, OS.ON_TRACK, due=datetime.date(2027, 2, 15)),
        objective(group, priority, OS.AT_RISK, due=datetime.date(2026, 10, 1)),
    ]
    for goal, title in zip(
        goals, ("Pilot report", "Trust framework plan", "Pilot in two"), strict=True
    ):
        goal.title_en = title
        goal.title_fr = {"Pilot report": "Rapport du projet pilote"}.get(title, "")
        goal.save()
    accepted_workplan(group, goals)
    plan, _ = plan_create(
        by=secretariat,
        title_en="Joint plan",
        title_fr="Plan conjoint",
        first_fiscal_year=2026,
        last_fiscal_year=2027,
    )
    return plan


@pytest.fixture
def adopted_plan(draft_plan, secretariat):
    return plan_transition(plan=draft_plan, by=secretariat, to=Status.ADOPTED)


@pytest.fixture(autouse=True)
def _board_built_on_every_request(settings):
    """These tests read the board from the response's context, so it is built each time;
    test_board_cache.py tests the cache itself."""
    settings.PORTAL_FRAGMENT_CACHE = False
