"""The Django admin for plans: content and weights are editable; status only through the
plan pages (the transition service), so the table of transitions is never bypassed."""

from django.contrib import admin

from core.admin import GovernanceAdmin, GovernanceInline, NoDeleteAdmin

from .models import (
    PlanItem,
    PlanRefresh,
    PlanSnapshot,
    PlanSnapshotRow,
    PlanStatusChange,
    PlanVersion,
    PlanVersionItem,
    Status,
    StrategicPlan,
)


class PlanItemInline(GovernanceInline):
    model = PlanItem
    extra = 0
    fields = ("priority", "title_en", "title_fr", "due_date", "weight", "objective")
    readonly_fields = ("priority", "title_en", "title_fr", "due_date", "objective")
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status != Status.DRAFT:
            return (*self.readonly_fields, "weight")  # an adopted version is frozen
        return self.readonly_fields


class PlanStatusChangeInline(GovernanceInline):
    model = PlanStatusChange
    extra = 0
    fields = ("at", "old_status", "new_status", "by", "reason")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(StrategicPlan)
class StrategicPlanAdmin(GovernanceAdmin):
    list_display = ("title_en", "council", "first_fiscal_year", "last_fiscal_year", "status")
    list_filter = ("status", "council")
    search_fields = ("title_en", "title_fr")
    readonly_fields = ("status", "adopted_at", "created_by", "created_at", "updated_at")
    inlines = [PlanItemInline, PlanStatusChangeInline]

    def has_add_permission(self, request):
        return False  # plans are created on the portal's page, filled from the workplans

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if obj is not None and obj.status != Status.DRAFT:
            fields = (*fields, "council", "first_fiscal_year", "last_fiscal_year")
        return fields


@admin.register(PlanItem)
class PlanItemAdmin(GovernanceAdmin):
    list_display = ("title_en", "plan", "priority", "due_date", "weight")
    list_filter = ("plan", "priority")
    search_fields = ("title_en", "title_fr")
    list_select_related = ("plan", "priority")
    readonly_fields = ("plan", "objective", "workplan_item")

    def has_add_permission(self, request):
        return False  # items come from the workplans (refresh), never by hand

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if obj is not None and obj.plan.status != Status.DRAFT:
            fields = (*fields, "weight")  # an adopted version is frozen
        return fields


class PlanVersionItemInline(GovernanceInline):
    model = PlanVersionItem
    extra = 0
    fields = ("priority", "title_en", "due_date", "weight", "state")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PlanVersion)
class PlanVersionAdmin(NoDeleteAdmin):
    list_display = ("plan", "number", "adopted_at", "adopted_by")
    list_select_related = ("plan", "adopted_by")
    readonly_fields = ("plan", "number", "adopted_at", "adopted_by")
    inlines = [PlanVersionItemInline]


class PlanSnapshotRowInline(GovernanceInline):
    model = PlanSnapshotRow
    extra = 0
    fields = ("priority", "is_plan_total", "progress", "done", "late", "total_weight")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PlanSnapshot)
class PlanSnapshotAdmin(NoDeleteAdmin):
    list_display = ("plan", "taken_on", "kind")
    list_filter = ("kind", "plan")
    readonly_fields = ("plan", "taken_on", "kind")
    inlines = [PlanSnapshotRowInline]


@admin.register(PlanRefresh)
class PlanRefreshAdmin(NoDeleteAdmin):
    list_display = ("plan", "at", "by")
    readonly_fields = ("plan", "at", "by", "changes")
