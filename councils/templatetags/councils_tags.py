"""Template helpers of the councils and groups pages."""

from django import template
from django.utils.html import format_html, linebreaks
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from core.bilingual import LocalizedText, current_language
from core.templatetags.portal import bi

register = template.Library()


@register.filter
def bi_block(value):
    """Bilingual text in paragraphs, a fallback marked with its `lang` and a visible note.

    Like `bi:"block"`, whose paragraphs currently come out escaped (its `linebreaks` result
    is not marked safe); this one escapes the text once and keeps the paragraph tags."""
    if not isinstance(value, LocalizedText):
        value = LocalizedText(value or "", current_language())
    if not value:
        return bi(value)
    # linebreaks(autoescape=True) escapes the text itself; only its <p> and <br> are markup.
    body = mark_safe(linebreaks(value, autoescape=True))
    if not value.is_fallback:
        return body
    note = _("Available in French only") if value.lang == "fr" else _("Available in English only")
    return format_html(
        '<div lang="{}">{}</div> <span class="badge text-bg-light border translation-missing">'
        "{}</span>",
        value.lang,
        body,
        note,
    )
