from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = _("People")

    def ready(self):
        from django.contrib.auth import get_user_model

        from core.links import register_viewer

        from . import mail
        from .permissions import can_manage_people

        register_viewer(get_user_model(), lambda user, person: can_manage_people(user))
        mail.register()
