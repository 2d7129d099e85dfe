from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SigninConfig(AppConfig):
    name = "signin"
    verbose_name = _("Sign-in and security")

    def ready(self):
        from . import mail, signals  # noqa: F401

        mail.register()
