from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import GovernanceAdmin, GovernanceInline, person, translated

from .models import (
    ActionItem,
    AgendaItem,
    Attendee,
    CitizenOutcome,
    Council,
    CouncilMembership,
    Decision,
    Engagement,
    ExternalBody,
    Jurisdiction,
    JurisdictionPriority,
    Meeting,
    Priority,
    Profile,
)


@admin.register(Jurisdiction)
class JurisdictionAdmin(GovernanceAdmin):
    list_display = ("code", translated("name", _("name")), "kind")
    list_filter = ("kind",)
    search_fields = ("code", "name_en", "name_fr")


@admin.register(Profile)
class ProfileAdmin(GovernanceAdmin):
    list_display = (person("user", _("person")), "jurisdiction", "preferred_language")
    list_filter = ("preferred_language", "jurisdiction")
    search_fields = ("user__username", "user__first_name", "user__last_name")
    list_select_related = ("user", "jurisdiction")
    autocomplete_fields = ("user",)


@admin.register(Council)
class CouncilAdmin(GovernanceAdmin):
    list_display = ("code", "acronym_en", "acronym_fr", translated("name", _("name")))
    search_fields = ("code", "name_en", "name_fr")


@admin.register(CouncilMembership)
class CouncilMembershipAdmin(GovernanceAdmin):
    list_display = (
        person("user", _("person")),
        "council",
        "role",
        "jurisdiction",
        "start_date",
        "end_date",
    )
    list_filter = ("council", "role")
    search_fields = ("user__username", "user__first_name", "user__last_name")
    list_select_related = ("user", "council", "jurisdiction")
    autocomplete_fields = ("user",)


class CitizenOutcomeInline(GovernanceInline):
    model = CitizenOutcome
    extra = 0


@admin.register(Priority)
class PriorityAdmin(GovernanceAdmin):
    list_display = ("number", "code", "title_en", "title_fr", "is_active")
    search_fields = ("code", "title_en", "title_fr")
    inlines = [CitizenOutcomeInline]


@admin.register(CitizenOutcome)
class CitizenOutcomeAdmin(GovernanceAdmin):
    list_display = ("priority", "text_en", "text_fr")
    list_select_related = ("priority",)


@admin.register(JurisdictionPriority)
class JurisdictionPriorityAdmin(GovernanceAdmin):
    list_display = ("jurisdiction", "title_en", "theme")
    list_filter = ("theme", "jurisdiction__kind")
    list_select_related = ("jurisdiction", "theme")


class AgendaItemInline(GovernanceInline):
    model = AgendaItem
    fk_name = "meeting"
    extra = 0
    fields = ("order", "kind", "title_en", "title_fr", "presenter")


class AttendeeInline(GovernanceInline):
    model = Attendee
    extra = 0
    autocomplete_fields = ("user",)


class DecisionInline(GovernanceInline):
    model = Decision
    extra = 0
    fields = ("number", "agenda_item", "text_en", "text_fr")


@admin.register(Meeting)
class MeetingAdmin(GovernanceAdmin):
    list_display = (translated("title", _("title")), "starts_at", "status")
    list_filter = ("status", "councils")
    search_fields = ("title_en", "title_fr")
    inlines = [AgendaItemInline, AttendeeInline, DecisionInline]


@admin.register(ActionItem)
class ActionItemAdmin(GovernanceAdmin):
    list_display = (
        translated("title", _("title")),
        person("owner", _("owner")),
        "due_date",
        "status",
        "meeting",
    )
    list_filter = ("status",)
    search_fields = ("title_en", "title_fr")
    list_select_related = ("owner", "meeting")
    autocomplete_fields = ("owner",)


class EngagementInline(GovernanceInline):
    model = Engagement
    extra = 0
    fields = ("date", "meeting", "summary_en", "summary_fr", "recorded_by")


@admin.register(ExternalBody)
class ExternalBodyAdmin(GovernanceAdmin):
    list_display = (
        translated("name", _("name")),
        "relationship",
        person("liaison", _("liaison person")),
    )
    list_filter = ("relationship", "topics")
    search_fields = ("slug", "name_en", "name_fr")
    prepopulated_fields = {"slug": ("name_en",)}
    autocomplete_fields = ("liaison",)
    inlines = [EngagementInline]
