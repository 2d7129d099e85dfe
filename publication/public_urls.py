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
    path("data/", views.data, name="data"),
    path("data/dictionary.<str:fmt>", views.data_dictionary, name="data_dictionary"),
    path("data/<slug:dataset>.schema.json", views.data_schema, name="data_schema"),
    path("data/<slug:dataset>.<str:fmt>", views.data_file, name="data_file"),
]
