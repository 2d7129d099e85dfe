"""Lists that do not count every row on every view (issue 17: the lists' COUNT(*) took 4–16 ms
at scale 100 and 19–45 ms at scale 1,000, on every page of every list), nor render rows that
have not changed."""

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.utils.functional import cached_property

from core.cache import cached_fragment, cached_value


class CachedCountPaginator(Paginator):
    """Counts the rows once per data version of `domains` (core.cache), keyed by the count
    query's SQL and parameters: every filter, and everything that decides what this reader
    may see, is in the SQL, so two readers share a count only when they count the same rows.
    `domains` must name every domain the query reads."""

    def __init__(self, object_list, per_page, *, domains, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.domains = tuple(domains)

    @cached_property
    def count(self):
        queryset = self.object_list
        return cached_by_sql("list-count", queryset, queryset.count, domains=self.domains)


def cached_by_sql(name, queryset, compute, *, domains):
    """`compute()`, a figure of `queryset` (its count, an aggregate), kept per data version of
    `domains` (core.cache) and keyed by the queryset's SQL and parameters: every filter, and
    everything that decides what a reader may see, is in the SQL, so two readers share it
    only when they read the same rows. `domains` must name every domain the query reads."""
    try:
        sql, params = queryset.query.chain().get_compiler(queryset.db).as_sql()
    except EmptyResultSet:
        return compute()
    key = (queryset.model._meta.label_lower, sql, tuple(map(repr, params)))
    return cached_value(name, key, compute, domains=domains)


def kept_rows(name, queryset, object_list, template, *, domains):
    """A list page's rows as HTML (`template`, given `object_list`), kept per the ids on the
    page (in their order), language, day and data version of `domains`, everything a row
    shows: the page's query reads only the ids, and the rows are rendered once for whoever
    may see those records. Only for rows that show nothing that depends on their reader.

    Rendered from those very ids (`queryset`, the reader's, narrowed to them), never from a
    second run of the page's query, which a change committed in between could turn into
    other rows kept under these ids. Empty when the page has none. Rendering 25 rows was
    most of a list's cost (issue 17)."""
    ids = tuple(object_list.values_list("pk", flat=True))
    if not ids:
        return ""

    def render():
        order = {pk: i for i, pk in enumerate(ids)}
        rows = sorted(queryset.filter(pk__in=ids), key=lambda r: order[r.pk])
        return render_to_string(template, {"object_list": rows})

    return cached_fragment(name, ids, render, domains=domains)
