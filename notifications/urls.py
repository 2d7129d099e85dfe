from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/read/", views.mark_read, name="mark_read"),
    path("read-all/", views.mark_all_read, name="mark_all_read"),
    path("preferences/", views.preferences, name="preferences"),
    path("reminders/", views.reminder_log, name="reminder_log"),
    path("reminders/failed/", views.failed_messages, name="failed_messages"),
    path("reminders/failed/<int:pk>/resend/", views.resend, name="resend"),
]
