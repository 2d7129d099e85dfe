import django_filters
from django.db.models import F, Max, Min, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.bilingual import translated_order
from core.fiscal import fiscal_year_label
from councils.models import Council, Priority
from workinggroups.models import Group

from .models import FundingRequest, Status


def fiscal_year_choices():
    """Every fiscal year from the first request's to the last's, newest first. MIN and MAX are
    read off the (fiscal_year, status) index; a DISTINCT would scan every request."""
    span = FundingRequest.objects.aggregate(first=Min("fiscal_year"), last=Max("fiscal_year"))
    if span["first"] is None:
        return []
    return [(year, fiscal_year_label(year)) for year in range(span["last"], span["first"] - 1, -1)]


class _FundingFilterBase(django_filters.FilterSet):
    SORTS = {}
    DEFAULT_SORT = ""

    priority = django_filters.ModelChoiceFilter(
        label=_("Priority"),
        field_name="priorities",
        queryset=Priority.objects.order_by("number"),
        empty_label=pgettext_lazy("filter", "All"),
    )
    # A text field, not a list: with thousands of groups a <select> is unusable and costs
    # hundreds of milliseconds to render on every page of the list.
    group = django_filters.CharFilter(
        label=_("Group"),
        method="filter_group",
        help_text=_("Part of the group's name, in English or French."),
    )
    council = django_filters.ModelChoiceFilter(
        label=_("Council"),
        method="filter_council",
        queryset=Council.objects.all(),
        empty_label=pgettext_lazy("filter", "All"),
    )
    fiscal_year = django_filters.ChoiceFilter(
        label=_("Fiscal year"),
        choices=fiscal_year_choices,
        empty_label=pgettext_lazy("filter", "All"),
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"), method="sort_by", choices=[], empty_label=None
    )

    def __init__(self, data=None, *args, **kwargs):
        if data is not None:
            data = data.copy()
            if not data.get("sort"):
                data["sort"] = self.DEFAULT_SORT
        super().__init__(data, *args, **kwargs)
        self.filters["sort"].extra["choices"] = [
            (k, label) for k, (label, _o) in self.SORTS.items()
        ]

    def filter_group(self, queryset, name, value):
        value = value.strip()[:100]
        if not value:
            return queryset
        if value.isdigit():  # links to one group's requests carry its id
            return queryset.filter(group_id=int(value))
        return queryset.filter(
            Q(group__name_en__icontains=value) | Q(group__name_fr__icontains=value)
        )

    def filter_council(self, queryset, name, value):
        return queryset.filter(group__in=Group.objects.filter(councils=value))

    def sort_by(self, queryset, name, value):
        _label, ordering = self.SORTS.get(value, self.SORTS[self.DEFAULT_SORT])
        return queryset.order_by(*ordering(), "pk")

    @property
    def qs(self):
        queryset = super().qs
        if "sort" not in getattr(self.form, "cleaned_data", {}):
            queryset = self.sort_by(queryset, "sort", self.DEFAULT_SORT)
        return queryset


class RequestFilter(_FundingFilterBase):
    SORTS = {
        "recent": (_("Most recently changed"), lambda: [F("updated_at").desc()]),
        "oldest": (_("Oldest submission first"), lambda: [F("submitted_at").asc(nulls_last=True)]),
        "amount_desc": (_("Largest amount first"), lambda: [F("amount_requested").desc()]),
        "amount_asc": (_("Smallest amount first"), lambda: [F("amount_requested").asc()]),
        "fiscal_year": (_("Fiscal year"), lambda: [F("fiscal_year").desc()]),
        "group": (_("Group"), lambda: [translated_order("group__name")]),
        "title": (_("Title"), lambda: [translated_order("title")]),
    }
    DEFAULT_SORT = "recent"

    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Status.choices, empty_label=pgettext_lazy("filter", "All")
    )

    class Meta:
        model = FundingRequest
        fields = ["q", "status", "group", "priority", "council", "fiscal_year", "sort"]

    def search(self, queryset, name, value):
        value = value.strip()[:100]
        if not value:
            return queryset
        return queryset.filter(
            Q(title_en__icontains=value)
            | Q(title_fr__icontains=value)
            | Q(summary_en__icontains=value)
            | Q(summary_fr__icontains=value)
            | Q(group__name_en__icontains=value)
            | Q(group__name_fr__icontains=value)
        )


class QueueFilter(_FundingFilterBase):
    SORTS = {
        "waiting": (_("Waiting longest first"), lambda: [F("submitted_at").asc()]),
        "recent": (_("Most recent first"), lambda: [F("submitted_at").desc()]),
        "amount_desc": (_("Largest amount first"), lambda: [F("amount_requested").desc()]),
        "amount_asc": (_("Smallest amount first"), lambda: [F("amount_requested").asc()]),
        "group": (_("Group"), lambda: [translated_order("group__name")]),
    }
    DEFAULT_SORT = "waiting"

    class Meta:
        model = FundingRequest
        fields = ["group", "council", "priority", "fiscal_year", "sort"]
