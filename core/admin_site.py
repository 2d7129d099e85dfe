"""The portal's admin site: Django's, with one correction that holds for every model admin,
the third-party ones (django-axes) included.

Django reads a change list's `?<date_hierarchy>__year=` (and `__month`, `__day`) with int() and
datetime(): a 20-digit year is an OverflowError, and year 9999 a ValueError raised outside its
try, both answered 500 (issue 14). Out-of-range or non-ASCII-digit values are refused as
incorrect lookup parameters, which the admin answers with its own "?e=1" page."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList

from .params import parse_int

# The upper bounds keep Django's "to" date (next day, month or year) within datetime's range.
DATE_PARTS = (("year", 1, 9998), ("month", 1, 12), ("day", 1, 31))


class DateHierarchyChangeList(ChangeList):
    def get_filters_params(self, params=None):
        lookup_params = super().get_filters_params(params)
        for part, low, high in DATE_PARTS if self.date_hierarchy else ():
            values = lookup_params.get(f"{self.date_hierarchy}__{part}")
            if values is None:
                continue
            value = values[-1] if isinstance(values, list) else values
            number = parse_int(value)
            if number is None or not low <= number <= high:
                raise IncorrectLookupParameters(f"{part} out of range: {value[:20]!r}")
        return lookup_params


class DateHierarchyMixin:
    def get_changelist(self, request, **kwargs):
        return DateHierarchyChangeList


class PortalAdminSite(admin.AdminSite):
    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if admin_class.date_hierarchy and not issubclass(admin_class, DateHierarchyMixin):
            admin_class = type(admin_class.__name__, (DateHierarchyMixin, admin_class), {})
        return super().register(model_or_iterable, admin_class, **options)


class PortalAdminConfig(AdminConfig):
    default_site = "core.admin_site.PortalAdminSite"
