from django import template
from django.utils.html import format_html
from django.utils.translation import pgettext

from people.selectors import person_status

register = template.Library()

# A person's status (people.selectors.person_status) as a badge: (colour, label).
_BADGES = {
    "inactive": ("secondary", lambda: pgettext("person status", "Inactive")),
    "invited": ("warning", lambda: pgettext("person status", "Invited")),
    "active": ("success", lambda: pgettext("person status", "Active")),
}


@register.filter
def status_badge(status):
    """`{{ status|status_badge }}`, or `{{ person|status_badge }}`: a filter, not an include,
    because the people list shows one per row and 25 includes were a sixth of the page (issue
    17)."""
    if not isinstance(status, str):
        status = person_status(status)
    colour, label = _BADGES.get(status, _BADGES["active"])
    return format_html('<span class="badge text-bg-{}">{}</span>', colour, label())
