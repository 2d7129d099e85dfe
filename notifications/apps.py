import io

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def create_schedules(sender, using="default", **kwargs):
    """After every `migrate`, the periodic schedules exist: a production start that follows the
    README (migrate, then beat) gets them, not only `make run`. Idempotent, and an admin's edit
    is kept (setup_schedules without --reset)."""
    from django.core.management import call_command

    if using != "default":
        return
    call_command("setup_schedules", stdout=io.StringIO())


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Reminders and notifications")

    def ready(self):
        from . import meetings  # noqa: F401 - registers the meetings' notice kinds

        post_migrate.connect(create_schedules, sender=self, dispatch_uid="portal-schedules")

        from celery.signals import task_postrun

        from .sweeps import worker_heartbeat

        task_postrun.connect(worker_heartbeat, weak=False, dispatch_uid="portal-worker-heartbeat")
