from django import template
from django.urls import translate_url

from core.bilingual import current_language

register = template.Library()


@register.filter
def in_language(path):
    """A stored portal path (kept in English) in the reader's language."""
    return translate_url(path, current_language()) if path else ""
