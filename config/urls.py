from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from people import views as people_views
from portal import views as portal_views
from signin import views as signin_views

admin.site.site_header = _("Council governance portal — administration")
admin.site.site_title = _("Council portal administration")

urlpatterns = [
    path("i18n/setlang/", portal_views.set_language, name="set_language"),
    path("healthz", portal_views.healthz, name="healthz"),
    # Single sign-on return addresses, registered with each provider (docs/operations.md).
    path("oidc/callback/", signin_views.oidc_callback, name="oidc_callback"),
    path("oidc/signed-out/", signin_views.oidc_signed_out, name="oidc_signed_out"),
    # The read-only API: versioned, not under a language prefix (api/).
    path("api/v1/", include("api.urls")),
]

urlpatterns += i18n_patterns(
    path("", include("portal.urls")),
    path("accounts/login/", portal_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", signin_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        portal_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    # Forgot your password: Django's views, throttled, e-mail in the person's language (people/).
    path(
        "accounts/password/reset/",
        people_views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/password/reset/sent/",
        people_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        people_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        people_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    # People (the secretariat's area) and the invitee's link; there is no sign-up page.
    path("", include("people.urls")),
    path("", include("signin.urls")),
    path("accounts/api-tokens/", include("api.token_urls")),
    path("councils/", include("councils.urls")),
    path("groups/", include("workinggroups.urls")),
    path("funding/", include("funding.urls")),
    path("strategy/", include("strategy.urls")),
    path("inbox/", include("notifications.urls")),
    path("publication/", include("publication.urls")),
    # What the councils adopted and decided, for everyone, signed in or not (publication/).
    path("public/", include("publication.public_urls")),
    path("admin/", admin.site.urls),
)
