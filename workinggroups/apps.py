from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkingGroupsConfig(AppConfig):
    name = "workinggroups"
    verbose_name = _("Working groups and communities of practice")
