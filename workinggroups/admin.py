from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import GovernanceAdmin, GovernanceInline, NoDeleteAdmin, person, translated
from core.bilingual import translated_order

from .models import (
    Group,
    GroupLink,
    GroupMembership,
    GroupStatusChange,
    MandateReview,
    MandateVersion,
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
    """A back office: groups are created and edited on the portal's pages, where a change of
    mandate needs a reason and becomes a version. The mandate is read-only here."""

    list_display = (
        translated("name", _("name")),
        "kind",
        "status",
        "start_date",
        "end_date",
    )
    list_filter = ("kind", "status", "councils", "priorities")
    search_fields = ("slug", "name_en", "name_fr")
    prepopulated_fields = {"slug": ("name_en",)}
    filter_horizontal = ("councils", "priorities")
    readonly_fields = ("mandate_en", "mandate_fr")
    # Set on the meeting's page (a check-in's groups), not here.
    exclude = ("check_ins",)
    inlines = [GroupMembershipInline, ObjectiveInline]

    def get_ordering(self, request):
        return [translated_order("name"), "pk"]


@admin.register(MandateVersion)
class MandateVersionAdmin(NoDeleteAdmin):
    """Read-only: versions are made by the group pages (or recorded when a mandate changes
    anywhere else)."""

    list_display = ("group", "number", "origin", person("by", _("by")), "at")
    list_filter = ("origin",)
    list_select_related = ("group", "by")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(GroupMembership)
class GroupMembershipAdmin(GovernanceAdmin):
    list_display = (
        person("user", _("person")),
        "group",
        "role",
        "council",
        "start_date",
        "end_date",
    )
    list_filter = ("role", "council")
    search_fields = ("user__first_name", "user__last_name", "user__username")
    list_select_related = ("user", "group", "council")
    autocomplete_fields = ("user", "group")


@admin.register(Objective)
class ObjectiveAdmin(GovernanceAdmin):
    list_display = (
        translated("title", _("title")),
        "group",
        "priority",
        "due_date",
        "original_due_date",
        "status",
    )
    list_filter = ("status", "kind", "priority")
    search_fields = ("title_en", "title_fr", "group__name_en")
    list_select_related = ("group", "priority")
    autocomplete_fields = ("group",)


@admin.register(GroupStatusChange)
class GroupStatusChangeAdmin(NoDeleteAdmin):
    """Read-only: transitions are taken on the group's page, through the lifecycle service."""

    list_display = (
        "group",
        "old_status",
        "new_status",
        "old_kind",
        "new_kind",
        person("by", _("by")),
        "at",
    )
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
    list_display = ("group_a", "group_b", translated("note", _("note")))
    list_select_related = ("group_a", "group_b")


class MeasureGroupInline(GovernanceInline):
    model = MeasureGroup
    extra = 0
    autocomplete_fields = ("group",)
    readonly_fields = ("carried_out_at", "status_change")


@admin.register(Measure)
class MeasureAdmin(GovernanceAdmin):
    list_display = (
        "number",
        translated("title", _("title")),
        "type",
        "status",
        person("owner", _("owner")),
        "due_date",
    )
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
    list_display = (
        "objective",
        "old_status",
        "new_status",
        "new_due_date",
        person("by", _("by")),
        "at",
    )
    list_filter = ("new_status",)
    list_select_related = ("objective", "by")


@admin.register(ProgressReport)
class ProgressReportAdmin(ReadOnlyAdmin):
    list_display = ("group", "period_start", "period_end", "status", "submitted_at")
    list_filter = ("status",)
    list_select_related = ("group",)
