"""/api/v1/: not under a language prefix (both languages are in every response)."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from . import views

app_name = "api"


class Router(DefaultRouter):
    include_format_suffixes = False


router = Router()
router.register("councils", views.CouncilViewSet, basename="council")
router.register("groups", views.GroupViewSet, basename="group")
router.register("objectives", views.ObjectiveViewSet, basename="objective")
router.register("plans", views.PlanViewSet, basename="plan")
router.register("meetings", views.MeetingViewSet, basename="meeting")
router.register("funding-requests", views.FundingRequestViewSet, basename="funding-request")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI from drf-spectacular-sidecar's files (served here, no CDN), its start-up
    # script a separate file: the portal's Content-Security-Policy allows no inline script.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api:schema", template_name="api/swagger_ui.html"
        ),
        name="docs",
    ),
    *router.urls,
]

# Anonymous callers get the published records: the portal's sign-in requirement
# (LoginRequiredMiddleware) does not apply here; each view chooses its rows.
for pattern in urlpatterns:
    pattern.callback = login_not_required(pattern.callback)
