from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import Profile


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def ensure_profile(sender, instance, created, **kwargs):
    """Every person has a profile (language, jurisdiction, title) from the moment they exist."""
    if created and not kwargs.get("raw"):
        Profile.objects.get_or_create(user=instance)
