"""The meeting package's pages: the secretariat's publishing page (a confirmation, then the
publication) and the download of one version in one language."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from core import pdf
from core.bilingual import LANGUAGES
from core.permissions import get_object_for_user
from councils.models import AgendaItem, Meeting

from . import package as packages
from .forms import PackagePublishForm
from .models import FundingRequest, MeetingPackage
from .permissions import can_publish_package, can_view_package


def _may_view(user, obj=None):
    return can_view_package(user, obj)


def _may_publish(user, obj=None):
    return can_publish_package(user)


def _next_version(meeting):
    last = meeting.packages.order_by("-version").values_list("version", flat=True).first()
    return (last or 0) + 1


@require_http_methods(["GET", "POST"])
def package_publish(request, meeting_pk):
    """GET: what the package will hold and a button; POST: publish it (a worker makes it)."""
    meeting = get_object_for_user(
        Meeting.objects.prefetch_related("councils"),
        request.user,
        can_view=_may_view,
        can_change=_may_publish,
        pk=meeting_pk,
    )
    next_version = _next_version(meeting)
    form = PackagePublishForm(request.POST or None, initial={"version": next_version})
    missing = packages.can_publish()
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid() and form.cleaned_data["version"] != next_version:
            messages.error(
                request,
                _(
                    "Version %(version)s of this package was published meanwhile. Check it "
                    "below, then publish again if something has changed since."
                )
                % {"version": next_version - 1},
            )
            form = PackagePublishForm(initial={"version": next_version})
            status = 409
        elif form.is_valid() and not missing:
            try:
                package = packages.package_publish(meeting=meeting, by=request.user)
            except packages.PackageError as error:
                messages.error(request, error.messages[0])
                status = 409
            else:
                messages.success(
                    request,
                    _(
                        "Version %(version)s of the package is being prepared; the members "
                        "are told by e-mail as soon as it is ready."
                    )
                    % {"version": package.version},
                )
                return redirect(
                    reverse("councils:meeting_detail", args=[meeting.pk]) + "#package-h"
                )
        elif missing:
            status = 503
    items = list(meeting.agenda_items.all())
    context = {
        "meeting": meeting,
        "form": form,
        "missing": missing,
        "next_version": next_version,
        "request_count": FundingRequest.objects.filter(meeting=meeting).count(),
        "question_count": sum(i.kind == AgendaItem.Kind.QUESTION for i in items),
        "item_count": sum(i.kind != AgendaItem.Kind.QUESTION for i in items),
        "minutes_count": sum(1 for i in items if i.minutes_of_id),
        "versions": list(meeting.packages.select_related("published_by")),
    }
    return render(request, "funding/package/publish.html", context, status=status)


@require_safe
def package_download(request, pk, language):
    """One version of a package in one language, to people who may see its meeting; with the
    headers every downloaded file carries (core.pdf.protect)."""
    package = get_object_for_user(
        MeetingPackage.objects.select_related("meeting"),
        request.user,
        can_view=_may_view,
        pk=pk,
    )
    if language not in LANGUAGES or not package.is_ready:
        raise Http404
    field = package.file_for(language)
    try:
        handle = field.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    return pdf.pdf_download(handle, packages.package_filename(package, language))
