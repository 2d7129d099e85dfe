from django import template

from core.bilingual import current_language
from core.paths import localized_url

register = template.Library()


@register.filter
def in_language(path):
    """A stored portal path (kept in English) in the reader's language: its prefix swapped
    (core.paths.localized_url), not resolved and reversed again for every row of the inbox
    and of home (issue 17)."""
    return localized_url(path, current_language()) if path else ""
