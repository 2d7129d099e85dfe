from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StrategyConfig(AppConfig):
    name = "strategy"
    verbose_name = _("Strategic plan")

    def ready(self):
        from .services import connect_signals

        connect_signals()
