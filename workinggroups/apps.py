from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkingGroupsConfig(AppConfig):
    name = "workinggroups"
    verbose_name = _("Working groups and communities of practice")

    def ready(self):
        from core.links import register_viewer
        from councils.permissions import is_portal_reader

        from . import mandates  # noqa: F401 - connects the mandate's outside-change receiver
        from .models import Group, Measure, Objective, ProgressReport, Workplan
        from .permissions import can_view_group, can_view_progress_report, can_view_workplan

        register_viewer(Group, can_view_group)
        register_viewer(Workplan, can_view_workplan)
        register_viewer(Measure, lambda user, measure: is_portal_reader(user))
        register_viewer(Objective, lambda user, objective: is_portal_reader(user))
        register_viewer(ProgressReport, can_view_progress_report)
