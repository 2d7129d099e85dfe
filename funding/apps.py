from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    name = "funding"
    verbose_name = _("Funding requests")

    def ready(self):
        from core.links import register_viewer

        from . import notices, package
        from .models import FundingRequest
        from .permissions import can_view_request

        register_viewer(FundingRequest, can_view_request)
        notices.register()
        package.register()
