"""core.pagination: a figure is kept per the rows a query selects (not its order, its selected
fields or its annotations), and a list's rows queryset is built only when the rows are
rendered (issue 17: both were most of the time of a list otherwise served from the cache)."""

import pytest
from django.db.models.functions import Upper

from core.pagination import cached_by_sql, kept_rows

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cache_on")]


def test_a_figure_is_shared_by_queries_of_the_same_rows_only(group):
    from workinggroups.models import Group
    from workinggroups.tests.factories import GroupFactory

    GroupFactory(name_en="Another group", name_fr="Un autre groupe")
    computed = []

    def figure(queryset):
        return cached_by_sql(
            "test-count",
            queryset,
            lambda: computed.append(1) or queryset.count(),
            domains=("groups",),
        )

    assert figure(Group.objects.order_by("name_en")) == 2
    # Another order, other fields, an annotation: the same rows, the figure kept.
    assert figure(Group.objects.order_by("-pk").select_related("parent")) == 2
    assert figure(Group.objects.annotate(shown=Upper("name_en")).only("slug")) == 2
    assert len(computed) == 1
    # Other rows: its own figure.
    assert figure(Group.objects.filter(slug=group.slug)) == 1
    assert figure(Group.objects.filter(slug="nothing-here")) == 0
    assert len(computed) == 3
    assert figure(Group.objects.none()) == 0  # no SQL at all: computed, never kept


def test_the_rows_queryset_is_built_only_when_the_rows_are_rendered(group):
    from workinggroups.models import Group
    from workinggroups.selectors import group_list_queryset

    built = []

    def rows():
        built.append(1)
        return group_list_queryset()

    page = Group.objects.order_by("pk")[:25]
    first = kept_rows(
        "test-rows", rows, page, "workinggroups/partials/group_rows.html", domains=("groups",)
    )
    again = kept_rows(
        "test-rows", rows, page, "workinggroups/partials/group_rows.html", domains=("groups",)
    )
    assert group.name_en in first and first == again
    assert len(built) == 1  # the second time the rows were kept
