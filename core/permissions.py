"""The one way views load an object for a person: 404 to those who may not see it, 403 to
those who may see it but not change it. Callers pass plain `can_*` functions."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404


def get_object_for_user(queryset, user, *, can_view, can_change=None, **lookup):
    obj = get_object_or_404(queryset, **lookup)
    if not can_view(user, obj):
        raise Http404
    if can_change is not None and not can_change(user, obj):
        raise PermissionDenied
    return obj
