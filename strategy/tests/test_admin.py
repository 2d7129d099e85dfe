"""The Django admin shows the plans but never bypasses their rules."""

import pytest
from django.contrib import admin
from django.urls import reverse

from strategy.models import PlanItem, StrategicPlan

pytestmark = pytest.mark.django_db
STRATEGY_MODELS = [m for m in admin.site._registry if m._meta.app_label == "strategy"]


def test_every_strategy_admin_page_opens(admin_client, adopted_plan):
    from strategy.models import PlanSnapshot, PlanVersion

    objects = {
        StrategicPlan: adopted_plan,
        PlanItem: adopted_plan.items.first(),
        PlanVersion: adopted_plan.versions.first(),
        PlanSnapshot: adopted_plan.snapshots.first(),
        **{m: m.objects.first() for m in STRATEGY_MODELS},
    }
    for model in STRATEGY_MODELS:
        info = (model._meta.app_label, model._meta.model_name)
        assert admin_client.get(reverse("admin:{}_{}_changelist".format(*info))).status_code == 200
        obj = objects.get(model)
        if obj is not None:
            url = reverse("admin:{}_{}_change".format(*info), args=[obj.pk])
            assert admin_client.get(url).status_code == 200, url


def test_plans_are_not_added_and_adopted_ones_are_frozen_in_the_admin(admin_client, adopted_plan):
    assert admin_client.get(reverse("admin:strategy_strategicplan_add")).status_code == 403
    page = admin_client.get(
        reverse("admin:strategy_strategicplan_change", args=[adopted_plan.pk])
    ).content.decode()
    assert 'name="first_fiscal_year"' not in page and 'name="status"' not in page
    item = adopted_plan.items.first()
    page = admin_client.get(reverse("admin:strategy_planitem_change", args=[item.pk])).content
    assert b'name="weight"' not in page
