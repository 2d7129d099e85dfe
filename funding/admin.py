"""The admin reads requests and their trail (with simple-history's history pages). Nothing is
changed here: every change goes through the portal's services, which check the transition
table, lock the row and record who did what."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import GovernanceInline

from .models import (
    Attachment,
    FundingRequest,
    MeetingPackage,
    Recommendation,
    Revision,
    StatusChange,
)


class ReadOnlyAdminMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Recommendation)
class RecommendationAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ("request", "reviewer", "decision", "revision", "created_at")
    list_filter = ("decision",)
    list_select_related = ("request", "reviewer")
    readonly_fields = ("request", "revision", "reviewer", "decision", "comment", "created_at")


@admin.register(MeetingPackage)
class MeetingPackageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read only: a package is published from the meeting page and made by a worker."""

    list_display = ("meeting", "version", "status", "published_by", "published_at", "ready_at")
    list_filter = ("status",)
    list_select_related = ("meeting", "published_by")
    readonly_fields = (
        "meeting",
        "version",
        "status",
        "failure",
        "file_en",
        "file_fr",
        "published_by",
        "published_at",
        "ready_at",
    )


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ("original_name", "request", "kind", "size", "uploaded_at")
    list_filter = ("kind",)
    list_select_related = ("request",)
    readonly_fields = (
        "request",
        "file",
        "original_name",
        "kind",
        "content_type",
        "size",
        "uploaded_by",
        "uploaded_at",
    )


@admin.register(Revision)
class RevisionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("request", "number", "submitted_by", "submitted_at")
    readonly_fields = ("request", "number", "content", "submitted_by", "submitted_at")


class StatusChangeInline(GovernanceInline):
    model = StatusChange
    extra = 0
    can_delete = False
    readonly_fields = ("old_status", "new_status", "by", "at", "reason", "revision")

    def has_add_permission(self, request, obj=None):
        return False


class RecommendationInline(GovernanceInline):
    model = Recommendation
    extra = 0
    can_delete = False
    readonly_fields = ("revision", "reviewer", "decision", "comment", "created_at")

    def has_add_permission(self, request, obj=None):
        return False


class AttachmentInline(GovernanceInline):
    model = Attachment
    extra = 0
    can_delete = False
    fields = ("original_name", "kind", "size", "uploaded_by", "uploaded_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(FundingRequest)
class FundingRequestAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ("title_en", "group", "fiscal_year", "amount_requested", "status", "updated_at")
    list_filter = ("status", "fiscal_year", "priorities", "group__councils")
    search_fields = ("title_en", "title_fr", "group__name_en", "group__name_fr")
    list_select_related = ("group",)
    autocomplete_fields = ("group",)
    filter_horizontal = ("priorities",)
    readonly_fields = (
        "status",
        "meeting",
        "amount_approved",
        "created_by",
        "submitted_by",
        "submitted_at",
        "revision",
        "version",
        "decided_at",
        "votes_for",
        "votes_against",
        "votes_abstaining",
        "created_at",
        "updated_at",
    )
    inlines = [RecommendationInline, AttachmentInline, StatusChangeInline]
