from django.conf import settings
from django.urls import NoReverseMatch, reverse

from councils.permissions import is_portal_reader


def main_menu(request):
    """The navigation menu, from PORTAL_MAIN_MENU; readers only (outsiders see their home)."""
    user = getattr(request, "user", None)
    if not user or not is_portal_reader(user):
        return {"main_menu": []}
    items = []
    for url_name, label in settings.PORTAL_MAIN_MENU:
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        items.append({"url": url, "label": label, "current": request.path.startswith(url)})
    return {"main_menu": items}
