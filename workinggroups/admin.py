from django.contrib import admin

from core.admin import GovernanceAdmin, GovernanceInline

from .models import Group, GroupMembership, Objective


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
    list_display = ("title_en", "group", "priority", "due_date", "status")
    list_filter = ("status", "kind", "priority")
    search_fields = ("title_en", "title_fr", "group__name_en")
    list_select_related = ("group", "priority")
    autocomplete_fields = ("group",)
