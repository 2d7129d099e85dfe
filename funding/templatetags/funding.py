from django import template
from django.utils.html import format_html, linebreaks
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from core.bilingual import LocalizedText, current_language
from core.templatetags.portal import bi

register = template.Library()

STATUS_CLASSES = {
    "draft": "text-bg-light border",
    "submitted": "text-bg-info",
    "in_review": "text-bg-info",
    "endorsed": "text-bg-primary",
    "returned": "text-bg-warning",
    "declined": "text-bg-danger",
    "scheduled": "text-bg-primary",
    "approved": "text-bg-success",
    "not_approved": "text-bg-danger",
    "deferred": "text-bg-secondary",
    "withdrawn": "text-bg-secondary",
}


@register.filter
def status_class(status):
    return STATUS_CLASSES.get(str(status), "text-bg-light border")


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def bi_block(value):
    """Bilingual text kept in paragraphs, with the missing-translation note (as `bi`)."""
    if not isinstance(value, LocalizedText):
        value = LocalizedText(value or "", current_language())
    if not value:
        return bi(value)
    body = mark_safe(linebreaks(value, autoescape=True))
    if not value.is_fallback:
        return body
    note = _("Available in French only") if value.lang == "fr" else _("Available in English only")
    return format_html(
        '<div lang="{}">{}</div><span class="badge text-bg-light border translation-missing">'
        "{}</span>",
        value.lang,
        body,
        note,
    )
