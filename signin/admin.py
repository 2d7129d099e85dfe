from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import SecurityEvent, SingleSignOnLink


@admin.register(SingleSignOnLink)
class SingleSignOnLinkAdmin(SimpleHistoryAdmin):
    """Links are made by a first single sign-on and removed from the person's sign-in page
    (recorded there); the admin shows them and their history."""

    list_display = ("user", "provider", "email", "linked_at", "last_used_at")
    list_filter = ("provider",)
    search_fields = ("user__username", "user__last_name", "email", "subject")
    readonly_fields = [f.name for f in SingleSignOnLink._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    """The record of sign-in changes: read only."""

    list_display = ("at", "user", "kind", "by", "detail")
    list_filter = ("kind",)
    search_fields = ("user__username", "user__last_name")
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
