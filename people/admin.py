"""Invitations and account events in the back office: read-only (they are history; the
People area in the portal is where people are invited, edited, deactivated)."""

from django.contrib import admin

from core.admin import NoDeleteAdmin

from .models import Invitation, PersonEvent


class ReadOnlyAdmin(NoDeleteAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ("email", "person", "created_at", "created_by", "expires_at", "used_at")
    list_select_related = ("person", "created_by")
    search_fields = ("email", "person__first_name", "person__last_name")
    exclude = ("token_hash",)


@admin.register(PersonEvent)
class PersonEventAdmin(ReadOnlyAdmin):
    list_display = ("person", "kind", "on_date", "by", "at")
    list_filter = ("kind",)
    list_select_related = ("person", "by")
    search_fields = ("person__first_name", "person__last_name", "person__email")
