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


# `{{ person|person_status }}`: the people list's kept rows are rendered from the records.
register.filter("person_status", person_status)


@register.filter
def status_badge(status):
    """`{{ person|person_status|status_badge }}`: a filter, not an include, because the people list
    shows one per row and 25 includes were a sixth of the page (issue 17)."""
    colour, label = _BADGES.get(status, _BADGES["active"])
    return format_html('<span class="badge text-bg-{}">{}</span>', colour, label())
