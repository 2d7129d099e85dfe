"""Publications in the Django admin, read-only: publishing and unpublishing are steps taken on
the portal's pages (the publication services), where the rule of what may be public holds."""

from django.contrib import admin

from core.admin import GovernanceInline, NoDeleteAdmin

from .models import Publication, PublicationStep


class ReadOnlyAdmin(NoDeleteAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class PublicationStepInline(GovernanceInline):
    model = PublicationStep
    fields = ("action", "by", "at", "reason")
    readonly_fields = fields
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Publication)
class PublicationAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "kind", "is_public", "published_at", "updated_at")
    list_filter = ("kind", "is_public")
    list_select_related = ("plan", "group", "funding_request", "decision__meeting", "meeting")
    inlines = [PublicationStepInline]


@admin.register(PublicationStep)
class PublicationStepAdmin(ReadOnlyAdmin):
    list_display = ("publication", "action", "by", "at")
    list_filter = ("action",)
    list_select_related = (
        "by",
        "publication__plan",
        "publication__group",
        "publication__funding_request",
        "publication__decision__meeting",
        "publication__meeting",
    )
