from django.urls import path

from . import views

app_name = "workinggroups"
urlpatterns = [
    path("", views.GroupListView.as_view(), name="group_list"),
    path("<slug:slug>/", views.GroupDetailView.as_view(), name="group_detail"),
]
