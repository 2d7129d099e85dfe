"""Who reads the dashboard and the plans, who sees drafts, who changes plans: per persona."""

import pytest

from strategy.permissions import (
    can_manage_plans,
    can_view_dashboard,
    can_view_drafts,
    can_view_plan,
)
from strategy.tests.factories import StrategicPlanFactory

pytestmark = pytest.mark.django_db

# persona: (dashboard, drafts, manage)
EXPECTED = {
    "anonymous": (False, False, False),
    "outsider": (False, False, False),
    "member": (True, False, False),
    "group_cochair": (True, False, False),
    "council_cochair": (True, True, False),
    "secretariat": (True, True, True),
}


@pytest.mark.parametrize("who", EXPECTED)
def test_each_persona_reads_and_changes_what_it_should(personas, who):
    from django.contrib.auth.models import AnonymousUser

    user = personas[who] or AnonymousUser()
    dashboard, drafts, manage = EXPECTED[who]
    assert can_view_dashboard(user) is dashboard
    assert can_view_drafts(user) is drafts
    assert can_manage_plans(user) is manage
    draft = StrategicPlanFactory(status="draft")
    adopted = StrategicPlanFactory(status="adopted", first_fiscal_year=2028, last_fiscal_year=2029)
    assert can_view_plan(user, adopted) is dashboard
    assert can_view_plan(user, draft) is (dashboard and drafts)
