from django.urls import path

from . import package_views, views

app_name = "funding"
urlpatterns = [
    path("", views.request_list, name="request_list"),
    path("new/", views.request_create, name="request_create"),
    path("review-queue/", views.review_queue, name="review_queue"),
    path("overview/", views.overview, name="overview"),
    path("overview.csv", views.overview_csv, name="overview_csv"),
    path("<int:pk>/", views.request_detail, name="request_detail"),
    path("<int:pk>/edit/", views.request_edit, name="request_edit"),
    path("<int:pk>/submit/", views.request_submit, name="request_submit"),
    path("<int:pk>/withdraw/", views.request_withdraw, name="request_withdraw"),
    path("<int:pk>/recommend/", views.request_recommend, name="request_recommend"),
    path("<int:pk>/schedule/", views.request_schedule, name="request_schedule"),
    path("<int:pk>/reschedule/", views.request_reschedule, name="request_reschedule"),
    path("<int:pk>/declare/", views.request_declare, name="request_declare"),
    path("<int:pk>/decision/", views.request_decide, name="request_decide"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path(
        "meetings/<int:meeting_pk>/package/",
        package_views.package_publish,
        name="package_publish",
    ),
    path(
        "packages/<int:pk>/<str:language>.pdf",
        package_views.package_download,
        name="package_download",
    ),
]
