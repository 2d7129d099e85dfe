from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StrategyConfig(AppConfig):
    name = "strategy"
    verbose_name = _("Strategic plan")

    def ready(self):
        from core.links import register_viewer

        from .models import StrategicPlan
        from .permissions import can_view_plan

        register_viewer(StrategicPlan, can_view_plan)
