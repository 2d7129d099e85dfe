"""Strategic-plan objects for the cross-cutting tests (permission matrix, fuzzer, CSRF)."""

from strategy.services import plan_create
from strategy.tests.factories import PlanItemFactory
from workinggroups.tests.factories import ObjectiveFactory


def build(**world):
    plan, _ = plan_create(
        by=world["secretariat"],
        title_en="Joint plan",
        title_fr="Plan conjoint",
        first_fiscal_year=2026,
        last_fiscal_year=2027,
    )
    item = PlanItemFactory(
        plan=plan, objective=ObjectiveFactory(group=world["group"], priority=world["priority"])
    )
    return {"plan": plan, "plan_item": item}
