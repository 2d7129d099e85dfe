from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from .selectors import UNREAD_CAP, unread_count


def inbox(request):
    """The unread count for the "Inbox" entry of the main menu; counted only when shown."""
    user = getattr(request, "user", None)
    if not getattr(user, "is_authenticated", False):
        return {}
    return {"inbox_badge": SimpleLazyObject(lambda: _badge(user))}


def _badge(user):
    count = unread_count(user)  # counted up to UNREAD_CAP: beyond, the badge says "99+"
    return {
        "url": reverse("notifications:inbox"),
        "count": count,
        "more": count >= UNREAD_CAP,
        "at_most": UNREAD_CAP - 1,
    }
