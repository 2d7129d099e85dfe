from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from .selectors import unread_count


def inbox(request):
    """The unread count for the "Inbox" entry of the main menu; counted only when shown."""
    user = getattr(request, "user", None)
    if not getattr(user, "is_authenticated", False):
        return {}
    return {
        "inbox_badge": SimpleLazyObject(
            lambda: {"url": reverse("notifications:inbox"), "count": unread_count(user)}
        )
    }
