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
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
