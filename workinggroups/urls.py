from django.urls import path

from . import progress_views, views

app_name = "workinggroups"
urlpatterns = [
    path("", views.GroupListView.as_view(), name="group_list"),
    path("health/", views.health, name="health"),
    path("measures/", views.MeasureListView.as_view(), name="measure_list"),
    path("measures/new/", views.measure_edit, name="measure_create"),
    path("measures/<int:pk>/", views.measure_detail, name="measure_detail"),
    path("measures/<int:pk>/edit/", views.measure_edit, name="measure_edit"),
    path("measures/<int:pk>/status/", views.measure_status, name="measure_status"),
    path("workplans/<int:pk>/", views.workplan_detail, name="workplan_detail"),
    path("workplans/<int:pk>/edit/", views.workplan_edit, name="workplan_edit"),
    path("workplans/<int:pk>/submit/", views.workplan_submit_view, name="workplan_submit"),
    path("workplans/<int:pk>/discard/", views.workplan_discard_view, name="workplan_discard"),
    path("workplans/<int:pk>/accept/", views.workplan_accept_view, name="workplan_accept"),
    path("workplans/<int:pk>/return/", views.workplan_return_view, name="workplan_return"),
    path("objectives/<int:pk>/", progress_views.objective_detail, name="objective_detail"),
    path("objectives/<int:pk>/update/", progress_views.objective_update, name="objective_update"),
    path("reports/<int:pk>/", progress_views.report_detail, name="report_detail"),
    path(
        "reports/<int:pk>/acknowledge/",
        progress_views.report_acknowledge,
        name="report_acknowledge",
    ),
    path("reports/<int:pk>/return/", progress_views.report_return, name="report_return"),
    path("links/<int:pk>/remove/", views.link_delete, name="link_delete"),
    path("calendar/", views.calendar_page, name="calendar"),
    path("calendar/new/", views.calendar_new, name="calendar_new"),
    path("calendar/revoke/", views.calendar_revoke, name="calendar_revoke"),
    path("calendar/feed/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("<slug:slug>/", views.GroupDetailView.as_view(), name="group_detail"),
    path("<slug:slug>/lifecycle/<str:to>/", views.group_transition_view, name="transition"),
    path("<slug:slug>/reviews/new/", views.review_create, name="review_create"),
    path("<slug:slug>/links/new/", views.link_create, name="link_create"),
    path("<slug:slug>/workplans/", views.workplan_list, name="workplan_list"),
    path("<slug:slug>/workplans/new/", views.workplan_new, name="workplan_new"),
    path("<slug:slug>/reports/", progress_views.report_list, name="report_list"),
    path("<slug:slug>/reports/new/", progress_views.report_start, name="report_start"),
    path("<slug:slug>/workplans/compare/", views.workplan_compare, name="workplan_compare"),
]
