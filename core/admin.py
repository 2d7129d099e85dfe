from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin


class NoDeleteMixin:
    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


class GovernanceAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    """Admin for governance records: every change kept in the history, nothing hard-deleted.

    Records are archived instead (a membership ends, a group is dissolved or retired, a
    priority is made inactive, a request is withdrawn)."""


class GovernanceInline(admin.TabularInline):
    """An inline that can add and change rows, never delete them."""

    can_delete = False

    def has_delete_permission(self, request, obj=None):
        return False


class NoDeleteAdmin(NoDeleteMixin, admin.ModelAdmin):
    """For records that are themselves history (status changes, versions, snapshots): they
    have no history of their own, and are never deleted."""


def translated(name, label, *, order=None):
    """A changelist column showing a bilingual field in the reader's language (with the other
    language when it is missing), sortable on the text the reader sees."""
    from core.bilingual import translated_order

    def column(obj):
        return getattr(obj, name)

    column.short_description = label
    column.admin_order_field = order or translated_order(name)
    return column


def person(field, label):
    """A changelist column naming a person by their full name, not their username."""

    def column(obj):
        user = getattr(obj, field)
        if user is None:
            return "—"
        return user.get_full_name() or user.get_username()

    column.short_description = label
    column.admin_order_field = f"{field}__last_name"
    return column
