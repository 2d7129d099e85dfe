from django.urls import path

from . import public_views as views

app_name = "public"
urlpatterns = [
    path("", views.index, name="index"),
    path("plans/<int:pk>/", views.plan, name="plan"),
    path("groups/", views.groups, name="groups"),
    path("groups/<slug:slug>/", views.group, name="group"),
    path("funding/", views.funding, name="funding"),
    path("meetings/", views.meetings, name="meetings"),
    path("meetings/<int:pk>/", views.meeting, name="meeting"),
]
