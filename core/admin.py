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
