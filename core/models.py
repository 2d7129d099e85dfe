from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modified"), auto_now=True)

    class Meta:
        abstract = True


def stamp_completion(obj, done_status):
    """Keep `completed_on` in step with `status`: stamped (today) when it becomes done, cleared
    when it is anything else; a date already set on a done record is kept."""
    if obj.status == done_status and not obj.completed_on:
        obj.completed_on = timezone.localdate()
    if obj.status != done_status:
        obj.completed_on = None
