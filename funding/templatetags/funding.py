from django import template
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext

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


def status_class(status):
    return STATUS_CLASSES.get(str(status), "text-bg-light border")


@register.filter
def request_status(request):
    """`{{ request|request_status }}`: a funding request's status as a coloured badge. A
    filter, not an include: the funding list and the review queue show one per row, and 25
    includes cost 1 ms of the rows' 6 (issue 17, eleventh round)."""
    return format_html(
        '<span class="badge {}">{}</span>',
        status_class(request.status),
        request.get_status_display(),
    )


@register.filter
def days_waiting(moment):
    """Whole days from `moment`'s local date to today's: a row that says it is kept for the
    day (core.pagination.kept_rows) shows no hours, which would be wrong by evening."""
    from django.utils import timezone

    return (timezone.localdate() - timezone.localdate(moment)).days if moment else 0


@register.filter
def waiting_for(moment):
    """ "for 3 days", or "since today": how long a request has waited since `moment`, in
    whole days (`days_waiting`), in the reader's language."""
    days = days_waiting(moment)
    if not days:
        return gettext("since today")
    return ngettext("for %(days)s day", "for %(days)s days", days) % {"days": localize(days)}


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
