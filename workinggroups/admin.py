from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Group, GroupMembership, Objective


class GroupMembershipInline(admin.TabularInline):
    model = GroupMembership
    extra = 0
    autocomplete_fields = ("user",)


class ObjectiveInline(admin.TabularInline):
    model = Objective
    extra = 0
    fields = ("kind", "title_en", "title_fr", "priority", "due_date", "status")


@admin.register(Group)
class GroupAdmin(SimpleHistoryAdmin):
    list_display = ("name_en", "kind", "status", "start_date", "end_date")
    list_filter = ("kind", "status", "councils", "priorities")
    search_fields = ("slug", "name_en", "name_fr")
    prepopulated_fields = {"slug": ("name_en",)}
    filter_horizontal = ("councils", "priorities")
    inlines = [GroupMembershipInline, ObjectiveInline]


@admin.register(GroupMembership)
class GroupMembershipAdmin(SimpleHistoryAdmin):
    list_display = ("user", "group", "role", "council", "start_date", "end_date")
    list_filter = ("role", "council")
    list_select_related = ("user", "group", "council")
    autocomplete_fields = ("user", "group")


@admin.register(Objective)
class ObjectiveAdmin(SimpleHistoryAdmin):
    list_display = ("title_en", "group", "priority", "due_date", "status")
    list_filter = ("status", "kind", "priority")
    search_fields = ("title_en", "title_fr", "group__name_en")
    list_select_related = ("group", "priority")
    autocomplete_fields = ("group",)
