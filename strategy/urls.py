from django.urls import path

from . import views

app_name = "strategy"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export.csv", views.dashboard_csv, name="dashboard_csv"),
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/refresh/", views.plan_refresh, name="plan_refresh"),
    path("plans/<int:pk>/compare/", views.plan_compare, name="plan_compare"),
    path("plans/<int:pk>/snapshot/", views.plan_snapshot, name="plan_snapshot"),
    path("plans/<int:pk>/items/<int:item_pk>/weight/", views.item_weight, name="item_weight"),
    path("plans/<int:pk>/<slug:action>/", views.plan_transition, name="plan_transition"),
]
