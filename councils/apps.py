from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CouncilsConfig(AppConfig):
    name = "councils"
    verbose_name = _("Councils")

    def ready(self):
        from core.links import register_viewer

        from . import signals  # noqa: F401
        from .models import ActionItem, Council, ExternalBody, Meeting, Priority
        from .permissions import can_view_meetings, is_portal_reader

        for model in (Council, Priority):
            register_viewer(model, lambda user, obj: is_portal_reader(user))
        for model in (Meeting, ActionItem, ExternalBody):
            register_viewer(model, lambda user, obj: can_view_meetings(user))
