from django.contrib import admin

from .models import Notification, Observation, Preference, Reminder, SweepRun, WorkerHeartbeat


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = (
        "kind",
        "recipient",
        "subject_key",
        "due_date",
        "delivery",
        "claimed_at",
        "sent_at",
        "attempts",
        "failed_at",
    )
    list_filter = (
        "kind",
        "delivery",
        ("sent_at", admin.EmptyFieldListFilter),
        ("failed_at", admin.EmptyFieldListFilter),
    )
    search_fields = ("subject_key", "recipient__username", "recipient__email")
    list_select_related = ("recipient",)
    date_hierarchy = "claimed_at"
    # The log of what was claimed and sent: read it, do not rewrite it.
    readonly_fields = [f.name for f in Reminder._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("recipient", "kind", "text_en", "created_at", "read_at")
    list_filter = ("kind", ("read_at", admin.EmptyFieldListFilter))
    search_fields = ("recipient__username", "text_en", "text_fr")
    list_select_related = ("recipient",)
    raw_id_fields = ("recipient", "reminder")


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "delivery", "muted_kinds")
    list_filter = ("delivery",)
    search_fields = ("user__username",)
    raw_id_fields = ("user",)


@admin.register(Observation)
class ObservationAdmin(admin.ModelAdmin):
    list_display = ("kind", "subject_key", "first_seen", "last_seen")
    list_filter = ("kind",)


@admin.register(SweepRun)
class SweepRunAdmin(admin.ModelAdmin):
    """When each periodic task last ran (written by the tasks themselves: read-only)."""

    list_display = ("task", "requested_at", "started_at", "completed_at", "created_at")
    readonly_fields = ("task", "requested_at", "started_at", "completed_at", "created_at")

    def has_add_permission(self, request):
        return False


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ("hostname", "seen_at")
    readonly_fields = ("hostname", "seen_at")

    def has_add_permission(self, request):
        return False
