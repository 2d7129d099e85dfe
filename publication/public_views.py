"""The public pages: what the councils adopted and decided, for anyone, signed in or not.

Every page reads through `selectors` (published and still adoptable, nothing else) and is
rendered once per data version, language, day and page number (`core.cache`): a publication
step, like any change of the governance data, replaces the version, so no reader sees a
record after it was unpublished. Nothing here depends on who reads it.
"""

import json

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.cache import DOMAINS, cached_value
from core.params import parse_int
from councils.models import Priority
from strategy import selectors as plan_selectors
from strategy.models import ProgressState

from . import opendata, selectors


def _page(queryset, number, size=None):
    paginator = Paginator(queryset, size or settings.PORTAL_PAGE_SIZE)
    page = paginator.get_page(number)
    return {
        "page_obj": page,
        "paginator": paginator,
        "is_paginated": page.has_other_pages(),
        "page_range": list(paginator.get_elided_page_range(page.number)),
    }


def _show(request, name, parts, template, build):
    """Render `template` with `build()` once per data version and `parts`; 404 passes through."""
    page = parse_int(request.GET.get("page")) or 1

    def compute():
        context = build(page)
        return {
            "title": str(context["title"]),
            "body": render_to_string(template, context, request=request),
        }

    # A public page reads published records of every domain, and what is published.
    cached = cached_value(f"public:{name}", (*parts, page), compute, domains=DOMAINS)
    return render(request, "publication/public/page.html", cached)


@login_not_required
@require_GET
def index(request):
    def build(page):
        return {
            "title": _("Open information of the joint councils"),
            "plans": list(selectors.published_plans()),
            "group_count": selectors.published_groups().count(),
            "funding_count": selectors.published_decisions().count(),
            "meeting_count": selectors.published_meetings().count(),
        }

    return _show(request, "index", (), "publication/public/index.html", build)


@login_not_required
@require_GET
def plan(request, pk):
    def build(page):
        the_plan = selectors.published_plans().filter(pk=pk).first()
        if the_plan is None:
            raise Http404
        items = plan_selectors.plan_items(the_plan)
        rollups = plan_selectors.rollup_by_priority(items)
        priorities = [
            {"priority": p, "rollup": rollups[p.pk]}
            for p in Priority.objects.filter(pk__in=[k for k in rollups if k]).order_by("number")
        ]
        listed = items.select_related("objective__group", "priority").order_by(
            "priority__number", "due", "pk"
        )
        return {
            "title": the_plan.title,
            "plan": the_plan,
            "total": plan_selectors.rollup_total(items),
            "priorities": priorities,
            "states": ProgressState,
            **_page(listed, page, 50),
        }

    return _show(request, "plan", (pk,), "publication/public/plan.html", build)


@login_not_required
@require_GET
def groups(request):
    def build(page):
        return {"title": _("Group mandates"), **_page(selectors.published_groups(), page)}

    return _show(request, "groups", (), "publication/public/groups.html", build)


@login_not_required
@require_GET
def group(request, slug):
    def build(page):
        the_group = selectors.published_groups().filter(slug=slug).first()
        if the_group is None:
            raise Http404
        return {"title": the_group.name, "group": the_group}

    return _show(request, "group", (slug,), "publication/public/group.html", build)


@login_not_required
@require_GET
def funding(request):
    def build(page):
        return {"title": _("Approved funding"), **_page(selectors.published_decisions(), page)}

    return _show(request, "funding", (), "publication/public/funding.html", build)


@login_not_required
@require_GET
def meetings(request):
    def build(page):
        return {
            "title": _("Meetings: minutes and decisions"),
            **_page(selectors.published_meetings(), page),
        }

    return _show(request, "meetings", (), "publication/public/meetings.html", build)


@login_not_required
@require_GET
def meeting(request, pk):
    def build(page):
        the_meeting = selectors.published_meetings().filter(pk=pk).first()
        if the_meeting is None:
            raise Http404
        return {
            "title": the_meeting.title,
            "meeting": the_meeting,
            "minutes_public": selectors.is_minutes_public(the_meeting),
            "decisions": list(selectors.published_meeting_decisions().filter(meeting=the_meeting)),
            "funding": list(selectors.published_decisions().filter(meeting=the_meeting)),
        }

    return _show(request, "meeting", (pk,), "publication/public/meeting.html", build)


# --- Open data ----------------------------------------------------------------------------------

CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json; charset=utf-8"}


def _download(request, name, fmt, produce):
    if fmt not in CONTENT_TYPES:
        raise Http404
    body = cached_value(f"public:data:{name}", (fmt,), produce, domains=DOMAINS)
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    language = translation.get_language()
    response["Content-Disposition"] = f'attachment; filename="councils-{name}-{language}.{fmt}"'
    return response


@login_not_required
@require_GET
def data(request):
    def build(page):
        return {
            "title": _("Open data"),
            "datasets": opendata.dictionary(),
            "meta_fields": opendata.META_FIELDS,
            "licence_name": opendata.LICENCE[f"name_{translation.get_language()}"],
            "licence_url": opendata.LICENCE[f"url_{translation.get_language()}"],
            "version": settings.PORTAL_VERSION,
        }

    return _show(request, "data", (), "publication/public/data.html", build)


@login_not_required
@require_GET
def data_file(request, dataset, fmt):
    if dataset not in opendata.DATASETS:
        raise Http404
    produce = opendata.as_csv if fmt == "csv" else opendata.as_json
    return _download(request, dataset, fmt, lambda: produce(dataset))


@login_not_required
@require_GET
def data_schema(request, dataset):
    if dataset not in opendata.DATASETS:
        raise Http404
    return _download(
        request,
        f"{dataset}.schema",
        "json",
        lambda: json.dumps(opendata.schema(dataset), ensure_ascii=False, indent=1),
    )


@login_not_required
@require_GET
def data_dictionary(request, fmt):
    produce = opendata.dictionary_csv if fmt == "csv" else opendata.dictionary_json
    return _download(request, "dictionary", fmt, produce)
