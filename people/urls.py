from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("people/", views.person_list, name="person_list"),
    path("people/invite/", views.person_invite, name="person_invite"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("people/<int:pk>/resend/", views.invitation_resend, name="invitation_resend"),
    path("people/<int:pk>/deactivate/", views.person_deactivate, name="person_deactivate"),
    path("people/<int:pk>/reactivate/", views.person_reactivate, name="person_reactivate"),
    path("accounts/welcome/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("accounts/welcome/<str:token>/renew/", views.invitation_renew, name="invitation_renew"),
]
