import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from councils.models import Council, Priority

from .models import Group


class GroupFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Group.Kind.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Group.Status.choices)
    council = django_filters.ModelChoiceFilter(
        label=_("Reports to"), field_name="councils", queryset=Council.objects.all()
    )
    priority = django_filters.ModelChoiceFilter(
        label=_("Priority"),
        field_name="priorities",
        queryset=Priority.objects.filter(is_active=True),
    )

    class Meta:
        model = Group
        fields = ["q", "kind", "status", "council", "priority"]

    def search(self, queryset, name, value):
        value = value.strip()[:100]
        if not value:
            return queryset
        return queryset.filter(
            Q(name_en__icontains=value)
            | Q(name_fr__icontains=value)
            | Q(mandate_en__icontains=value)
            | Q(mandate_fr__icontains=value)
            | Q(slug__icontains=value)
        )
