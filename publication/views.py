"""The secretariat's side: the list of what is public, and the page that publishes or
unpublishes one record (reached from the record's own page)."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from councils.permissions import is_secretariat

from . import selectors, services
from .forms import StepForm
from .models import FIELD_OF_KIND, Kind, Publication


def _secretariat_only(request):
    if not is_secretariat(request.user):
        raise PermissionDenied


def publication_list(request):
    _secretariat_only(request)
    paginator = Paginator(selectors.publications(), settings.PORTAL_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "publication/list.html",
        {
            "page_obj": page,
            "paginator": paginator,
            "is_paginated": page.has_other_pages(),
            "page_range": paginator.get_elided_page_range(page.number),
        },
    )


def record_url(kind, record):
    """The record's own page in the portal."""
    if kind == Kind.PLAN:
        return reverse("strategy:plan_detail", args=[record.pk])
    if kind == Kind.GROUP:
        return reverse("workinggroups:group_detail", args=[record.slug])
    if kind == Kind.FUNDING:
        return reverse("funding:request_detail", args=[record.pk])
    if kind == Kind.DECISION:
        return reverse("councils:meeting_detail", args=[record.meeting_id])
    return reverse("councils:meeting_detail", args=[record.pk])


def public_url(kind, record):
    """Where an anonymous reader finds the record once it is public."""
    if kind == Kind.PLAN:
        return reverse("public:plan", args=[record.pk])
    if kind == Kind.GROUP:
        return reverse("public:group", args=[record.slug])
    if kind == Kind.FUNDING:
        return reverse("public:funding")
    if kind == Kind.DECISION:
        return reverse("public:meeting", args=[record.meeting_id])
    return reverse("public:meeting", args=[record.pk])


@require_http_methods(["GET", "POST"])
def manage(request, kind, pk):
    _secretariat_only(request)
    if kind not in Kind.values:
        raise Http404
    model = services.MODEL_OF_KIND[kind]
    record = get_object_or_404(model, pk=pk)
    publication = (
        Publication.objects.filter(**{FIELD_OF_KIND[kind]: record})
        .prefetch_related("steps__by")
        .first()
    )
    is_public = bool(publication and publication.is_public)
    form = StepForm(request.POST or None, reason_required=is_public)
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        try:
            if is_public:
                services.publication_unpublish(record=record, by=request.user, reason=reason)
            else:
                services.publication_publish(record=record, by=request.user, reason=reason)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("The record is no longer public.")
                if is_public
                else _("The record is now public."),
            )
        return redirect("publication:manage", kind=kind, pk=pk)
    return render(
        request,
        "publication/manage.html",
        {
            "kind": Kind(kind),
            "record": record,
            "publication": publication,
            "is_public": is_public,
            "refusal": "" if is_public else services.refusal(kind, record),
            "form": form,
            "record_url": record_url(kind, record),
            "public_url": public_url(kind, record) if is_public else "",
        },
    )
