from django.urls import path

from . import views

app_name = "councils"
urlpatterns = [
    path("", views.CouncilListView.as_view(), name="council_list"),
    path("jurisdictions/", views.JurisdictionListView.as_view(), name="jurisdiction_list"),
    path("people/search/", views.person_search, name="person_search"),
    path("priorities/", views.PriorityListView.as_view(), name="priority_list"),
    path("priorities/<slug:code>/", views.PriorityDetailView.as_view(), name="priority_detail"),
    path("meetings/", views.MeetingListView.as_view(), name="meeting_list"),
    path("meetings/new/", views.meeting_edit, name="meeting_create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/meeting.ics", views.meeting_ics, name="meeting_ics"),
    path(
        "meetings/<int:meeting_pk>/agenda/new/",
        views.agenda_item_edit,
        name="agenda_item_create",
    ),
    path("meetings/agenda/<int:pk>/edit/", views.agenda_item_edit, name="agenda_item_edit"),
    path("meetings/<int:meeting_pk>/attendees/new/", views.attendee_edit, name="attendee_create"),
    path("meetings/attendees/<int:pk>/edit/", views.attendee_edit, name="attendee_edit"),
    path("meetings/<int:meeting_pk>/decisions/new/", views.decision_edit, name="decision_create"),
    path("meetings/decisions/<int:pk>/edit/", views.decision_edit, name="decision_edit"),
    path(
        "meetings/agenda/<int:pk>/declare/",
        views.agenda_item_declare,
        name="agenda_item_declare",
    ),
    path(
        "meetings/<int:pk>/minutes/draft/",
        views.minutes_draft_view,
        name="minutes_draft",
    ),
    path(
        "meetings/<int:pk>/minutes/circulate/",
        views.minutes_circulate_view,
        name="minutes_circulate",
    ),
    path(
        "meetings/<int:pk>/minutes/errata/new/",
        views.minutes_erratum_create,
        name="minutes_erratum_create",
    ),
    path(
        "meetings/<int:pk>/minutes/<str:language>.pdf",
        views.minutes_pdf,
        name="minutes_pdf",
    ),
    path(
        "declarations/<int:pk>/withdraw/",
        views.declaration_withdraw,
        name="declaration_withdraw",
    ),
    path(
        "meetings/<str:part>/<int:pk>/remove/",
        views.meeting_part_remove,
        name="meeting_part_remove",
    ),
    path("action-items/", views.ActionItemListView.as_view(), name="action_item_list"),
    path("action-items/new/", views.action_item_edit, name="action_item_create"),
    path("action-items/<int:pk>/edit/", views.action_item_edit, name="action_item_edit"),
    path("action-items/<int:pk>/status/", views.action_item_status, name="action_item_status"),
    path("external-bodies/", views.ExternalBodyListView.as_view(), name="external_body_list"),
    path("external-bodies/new/", views.external_body_edit, name="external_body_create"),
    path("external-bodies/<slug:slug>/", views.external_body_detail, name="external_body_detail"),
    path("external-bodies/<slug:slug>/edit/", views.external_body_edit, name="external_body_edit"),
    path(
        "external-bodies/<slug:slug>/engagements/new/",
        views.engagement_add,
        name="engagement_create",
    ),
    path(
        "memberships/<int:pk>/edit/",
        views.council_membership_edit,
        name="council_membership_edit",
    ),
    path(
        "memberships/<int:pk>/end/",
        views.council_membership_end,
        name="council_membership_end",
    ),
    path("<slug:code>/", views.CouncilDetailView.as_view(), name="council_detail"),
    path("<slug:code>/members/", views.council_members, name="council_members"),
    path("<slug:code>/quorum/", views.council_quorum, name="council_quorum"),
    path(
        "<slug:code>/members/new/",
        views.council_membership_create,
        name="council_membership_create",
    ),
]
