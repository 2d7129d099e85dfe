from django.contrib import admin

from core.admin import GovernanceAdmin, GovernanceInline, NoDeleteAdmin

from .models import (
    Group,
    GroupLink,
    GroupMembership,
    GroupStatusChange,
    MandateReview,
    Measure,
    MeasureGroup,
    Objective,
    ObjectiveUpdate,
    ProgressReport,
    Workplan,
    WorkplanItem,
)


class GroupMembershipInline(GovernanceInline):
    model = GroupMembership
    extra = 0
    autocomplete_fields = ("user",)


class ObjectiveInline(GovernanceInline):
    model = Objective
    extra = 0
    fields = ("kind", "title_en", "title_fr", "priority", "due_date", "status")


@admin.register(Group)
class GroupAdmin(GovernanceAdmin):
    list_display = ("name_en", "kind", "status", "start_date", "end_date")
    list_filter = ("kind", "status", "councils", "priorities")
    search_fields = ("slug", "name_en", "name_fr")
    prepopulated_fields = {"slug": ("name_en",)}
    filter_horizontal = ("councils", "priorities")
    inlines = [GroupMembershipInline, ObjectiveInline]


@admin.register(GroupMembership)
class GroupMembershipAdmin(GovernanceAdmin):
    list_display = ("user", "group", "role", "council", "start_date", "end_date")
    list_filter = ("role", "council")
    list_select_related = ("user", "group", "council")
    autocomplete_fields = ("user", "group")


@admin.register(Objective)
class ObjectiveAdmin(GovernanceAdmin):
    list_display = ("title_en", "group", "priority", "due_date", "original_due_date", "status")
    list_filter = ("status", "kind", "priority")
    search_fields = ("title_en", "title_fr", "group__name_en")
    list_select_related = ("group", "priority")
    autocomplete_fields = ("group",)


@admin.register(GroupStatusChange)
class GroupStatusChangeAdmin(NoDeleteAdmin):
    """Read-only: transitions are taken on the group's page, through the lifecycle service."""

    list_display = ("group", "old_status", "new_status", "old_kind", "new_kind", "by", "at")
    list_filter = ("new_status", "new_kind")
    list_select_related = ("group", "by")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(MandateReview)
class MandateReviewAdmin(GovernanceAdmin):
    list_display = ("group", "kind", "review_date", "outcome", "next_review_date")
    list_filter = ("kind", "outcome")
    list_select_related = ("group",)
    autocomplete_fields = ("group",)


@admin.register(GroupLink)
class GroupLinkAdmin(GovernanceAdmin):
    list_display = ("group_a", "group_b", "note_en")
    list_select_related = ("group_a", "group_b")


class MeasureGroupInline(GovernanceInline):
    model = MeasureGroup
    extra = 0
    autocomplete_fields = ("group",)
    readonly_fields = ("carried_out_at", "status_change")


@admin.register(Measure)
class MeasureAdmin(GovernanceAdmin):
    list_display = ("number", "title_en", "type", "status", "owner", "due_date")
    list_filter = ("type", "status")
    search_fields = ("title_en", "title_fr")
    list_select_related = ("owner",)
    inlines = [MeasureGroupInline]


class WorkplanItemInline(GovernanceInline):
    model = WorkplanItem
    extra = 0
    fields = ("kind", "title_en", "title_fr", "priority", "due_date", "objective")
    raw_id_fields = ("objective",)


@admin.register(Workplan)
class WorkplanAdmin(GovernanceAdmin):
    list_display = ("group", "version", "period_start", "period_end", "status")
    list_filter = ("status",)
    list_select_related = ("group",)
    inlines = [WorkplanItemInline]


class ReadOnlyAdmin(NoDeleteAdmin):
    """Records written by the progress-reporting services, shown for reference only: updates
    and reports are made on the group's pages, where their rules and history are kept."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ObjectiveUpdate)
class ObjectiveUpdateAdmin(ReadOnlyAdmin):
    list_display = ("objective", "old_status", "new_status", "new_due_date", "by", "at")
    list_filter = ("new_status",)
    list_select_related = ("objective", "by")


@admin.register(ProgressReport)
class ProgressReportAdmin(ReadOnlyAdmin):
    list_display = ("group", "period_start", "period_end", "status", "submitted_at")
    list_filter = ("status",)
    list_select_related = ("group",)
