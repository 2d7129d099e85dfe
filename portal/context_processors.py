from django.conf import settings
from django.urls import NoReverseMatch
from django.utils.module_loading import import_string

from core.paths import portal_path
from councils.permissions import is_portal_reader


def main_menu(request):
    """The navigation menu, from PORTAL_MAIN_MENU; readers only (outsiders see their home)."""
    user = getattr(request, "user", None)
    if not user or not is_portal_reader(user):
        return {"main_menu": []}
    items = []
    for url_name, label, *allowed in settings.PORTAL_MAIN_MENU:
        if allowed and not import_string(allowed[0])(user):
            continue  # never offer a page that would answer 403
        try:
            url = portal_path(url_name)
        except NoReverseMatch:
            continue
        items.append({"url": url, "label": label, "current": False})
    # The entry whose URL is the longest prefix of this page is the current one ("Groups"
    # and "Group health" both start with /groups/; only one is current).
    matching = [item for item in items if request.path.startswith(item["url"])]
    if matching:
        max(matching, key=lambda item: len(item["url"]))["current"] = True
    return {"main_menu": items}
