"""Inside the language prefix. The provider's return addresses (oidc/callback/,
oidc/signed-out/) are outside it, in config/urls.py: a provider registers exact addresses."""

from django.urls import path

from . import views

app_name = "signin"
urlpatterns = [
    path("accounts/single-sign-on/<slug:key>/", views.sso_start, name="sso_start"),
    path("accounts/two-step/", views.second_factor, name="second_factor"),
    path("accounts/security/", views.security, name="security"),
    path("accounts/security/authenticator/", views.totp_enrol, name="totp_enrol"),
    path(
        "accounts/security/recovery-codes/",
        views.recovery_codes_renew,
        name="recovery_codes_renew",
    ),
    path("accounts/security/turn-off/", views.two_factor_turn_off, name="two_factor_turn_off"),
    path("people/sign-in/", views.people_signin, name="people_signin"),
    path("people/<int:pk>/sign-in/", views.person_signin, name="person_signin"),
    path(
        "people/<int:pk>/sign-in/links/<int:link_pk>/remove/",
        views.sso_link_remove,
        name="sso_link_remove",
    ),
    path(
        "people/<int:pk>/sign-in/second-factor/reset/",
        views.second_factor_reset,
        name="second_factor_reset",
    ),
]
