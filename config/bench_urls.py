"""URLs for the benchmark only (DJANGO_ROOT_URLCONF=config.bench_urls): the project's URLs plus
a bare view doing one query through the same middleware, the reference for "as fast as it gets"."""

from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as project_urlpatterns


def bare(request):
    return HttpResponse(str(get_user_model().objects.filter(pk=request.user.pk).count()))


urlpatterns = [path("bench/bare/", bare, name="bench_bare"), *project_urlpatterns]
