from django import template

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
def days_waiting(moment):
    """Whole days from `moment`'s local date to today's: a row that says it is kept for the
    day (core.pagination.kept_rows) shows no hours, which would be wrong by evening."""
    from django.utils import timezone

    return (timezone.localdate() - timezone.localdate(moment)).days if moment else 0


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def removed(value):
    """`{{ old|removed }}`: a value shown struck through and said to be removed."""
    from django.utils.html import conditional_escape
    from django.utils.safestring import mark_safe

    from core.textdiff import marked

    return mark_safe(marked("del", conditional_escape(value)))


@register.filter
def inserted(value):
    """`{{ new|inserted }}`: a value shown underlined and said to be inserted."""
    from django.utils.html import conditional_escape
    from django.utils.safestring import mark_safe

    from core.textdiff import marked

    return mark_safe(marked("ins", conditional_escape(value)))
