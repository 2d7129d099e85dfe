"""URLs for the benchmark only (DJANGO_ROOT_URLCONF=config.bench_urls): the project's URLs plus
two references through the same middleware: a bare view doing one query ("as fast as it gets")
and an empty portal page (the layout every page renders: header, menu, language toggle,
breadcrumbs and footer, with their context processors), the floor of any real page."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path

from config.urls import urlpatterns as project_urlpatterns
from funding.models import FundingRequest

# The admin reference lists as many rows a page as the portal's lists (issue 17: it listed
# 100 against the portal's 25).
admin.site._registry[FundingRequest].list_per_page = settings.PORTAL_PAGE_SIZE


def bare(request):
    return HttpResponse(str(get_user_model().objects.filter(pk=request.user.pk).count()))


def layout(request):
    return render(request, "base.html")


urlpatterns = [
    path("bench/bare/", bare, name="bench_bare"),
    path("bench/layout/", layout, name="bench_layout"),
    *project_urlpatterns,
]
