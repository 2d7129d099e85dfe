from django.urls import path

from . import views

app_name = "councils"
urlpatterns = [
    path("", views.CouncilListView.as_view(), name="council_list"),
    path("jurisdictions/", views.JurisdictionListView.as_view(), name="jurisdiction_list"),
    path("priorities/", views.PriorityListView.as_view(), name="priority_list"),
    path("priorities/<slug:code>/", views.PriorityDetailView.as_view(), name="priority_detail"),
    path("<slug:code>/", views.CouncilDetailView.as_view(), name="council_detail"),
]
