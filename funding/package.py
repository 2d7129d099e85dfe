"""The meeting package (board book): what it holds, how it is published and made, who is told.

Publishing (`package_publish`) writes a pending version row in the request's transaction and
hands its id to a worker after the commit; a broker that is down fails nothing, as the
unfinished-packages sweep makes any package still pending a few minutes later. The worker
(`package_generate`) renders the portal's own template once per language (WeasyPrint), stores
both PDFs like attachments (private storage, served only through the download view), marks
the version ready and tells the members of the meeting's councils, by e-mail and inbox, in
their language. Each version stays: republishing after a change adds the next one.

A planned meeting with no package `PORTAL_PACKAGE_REMINDER_DAYS` days before it gets the
secretariat a reminder, claimed once per meeting and day of the meeting (a moved meeting is a
new due date) like every other reminder.
"""

import datetime
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import DatabaseError, transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import pdf
from core.bilingual import LANGUAGES
from councils.models import AgendaItem, CouncilMembership, Meeting
from notifications import kinds
from notifications import services as outbox
from workinggroups.models import Group, Objective
from workinggroups.selectors import liaison_by_council

from .models import FundingRequest, MeetingPackage, Recommendation

log = logging.getLogger(__name__)

READY = "meeting_package_ready"
DUE = "meeting_package_due"
# A package still pending this long after it was published is made by the sweep.
STALE_AFTER = datetime.timedelta(minutes=3)
TEMPLATE = "funding/package/book.html"

KINDS = (
    kinds.ReminderKind(
        READY, gettext_lazy("Meeting package published"), essential=True, template="package-ready"
    ),
    kinds.ReminderKind(
        DUE, gettext_lazy("Meeting package not yet published"), template="package-due"
    ),
)


def register():
    for kind in KINDS:
        kinds.register(kind)


class PackageError(ValidationError):
    """Publishing refused, with the message to show."""


# --- Content -------------------------------------------------------------------------------


def _requests(meeting):
    """The funding requests on the meeting, in agenda order, each with the co-chairs'
    recommendations on its current revision (`current_recommendations`)."""
    requests = list(
        FundingRequest.objects.filter(meeting=meeting)
        .select_related("group", "agenda_item")
        .prefetch_related(
            "priorities",
            Prefetch(
                "recommendations",
                queryset=Recommendation.objects.select_related("reviewer").order_by(
                    "created_at", "pk"
                ),
            ),
        )
    )
    for r in requests:
        r.current_recommendations = [x for x in r.recommendations.all() if x.revision == r.revision]
    return sorted(requests, key=lambda r: (r.agenda_item.order if r.agenda_item else 999, r.pk))


def _group_status(groups, day):
    """Each group's objectives (late ones marked) and liaison on each council it reports to."""
    groups = list(
        Group.objects.filter(pk__in=[g.pk for g in groups])
        .prefetch_related(
            "councils",
            Prefetch(
                "objectives",
                queryset=Objective.objects.exclude(status=Objective.Status.CANCELLED).order_by(
                    "due_date", "pk"
                ),
            ),
        )
        .order_by("name_en", "pk")
    )
    rows = []
    for group in groups:
        objectives = list(group.objectives.all())
        late = [
            o
            for o in objectives
            if o.due_date and o.due_date < day and o.status != Objective.Status.DONE
        ]
        rows.append(
            {
                "group": group,
                "objectives": objectives,
                "late": late,
                "done": sum(o.status == Objective.Status.DONE for o in objectives),
                "liaison": liaison_by_council(group),
            }
        )
    return rows


def package_context(meeting, *, version=None) -> dict:
    """Everything the package shows, language-neutral (the template picks each text)."""
    meeting = (
        Meeting.objects.prefetch_related(
            "councils",
            Prefetch(
                "agenda_items",
                queryset=AgendaItem.objects.select_related("minutes_of").order_by("order", "pk"),
            ),
        )
    ).get(pk=meeting.pk)
    items = list(meeting.agenda_items.all())
    requests = _requests(meeting)
    return {
        "meeting": meeting,
        "version": version,
        "agenda": [i for i in items if i.kind != AgendaItem.Kind.QUESTION],
        "questions": [i for i in items if i.kind == AgendaItem.Kind.QUESTION],
        "requests": requests,
        "groups": _group_status({r.group for r in requests}, timezone.localdate()),
        "minutes_for_approval": [i.minutes_of for i in items if i.minutes_of_id],
        "made_at": timezone.now(),
    }


FILE_STEMS = {"en": "meeting-package", "fr": "dossier-de-reunion"}


def package_filename(package, language) -> str:
    return f"{FILE_STEMS[language]}-{package.meeting.day:%Y-%m-%d}-v{package.version}.pdf"


# --- Publishing and making -------------------------------------------------------------------


def can_publish() -> str:
    """ "" when a package can be published on this server, else why not (the reader's words)."""
    return pdf.unavailable()


@transaction.atomic
def package_publish(*, meeting, by) -> MeetingPackage:
    """The next version of `meeting`'s package, pending; a worker makes it after the commit.
    Two publications at once get versions n and n + 1 (the meeting row is the lock)."""
    missing = can_publish()
    if missing:
        raise PackageError(missing)
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if locked.status == Meeting.Status.CANCELLED:
        raise PackageError(_("This meeting is cancelled: it has no package."))
    last = locked.packages.order_by("-version").values_list("version", flat=True).first() or 0
    package = MeetingPackage(meeting=locked, version=last + 1, published_by=by)
    package.full_clean(exclude=["file_en", "file_fr"])
    package.save()

    def hand_over():
        _enqueue(package.pk)

    transaction.on_commit(hand_over, robust=True)
    return package


def _enqueue(package_id: int) -> None:
    """Never raises: with the broker down the unfinished-packages sweep makes it later."""
    from .tasks import generate_meeting_package  # tasks import this module

    if outbox.broker_paused():
        return
    try:
        generate_meeting_package.delay(package_id)
    except Exception as error:
        log.warning("Broker unreachable (%r): package %s waits for the sweep.", error, package_id)


def package_generate(package_id: int, *, notify: bool = True) -> bool:
    """Make a pending package: both PDFs, then ready (and the notices, unless `notify` is
    false: the demo), in one transaction that holds its row, so a second worker skips it.
    Returns True when this call made it."""
    with transaction.atomic():
        package = (
            MeetingPackage.objects.select_for_update(skip_locked=True)
            .select_related("meeting")
            .filter(pk=package_id, status=MeetingPackage.Status.PENDING)
            .first()
        )
        if package is None:
            return False
        try:
            context = package_context(package.meeting, version=package.version)
            files = {lang: pdf.render_pdf(TEMPLATE, context, language=lang) for lang in LANGUAGES}
        except pdf.PdfUnavailable as error:
            return _failed(package, f"WeasyPrint unavailable: {error.detail}")
        except DatabaseError:
            raise
        except Exception as error:  # a template or a font: retrying would fail the same way
            log.exception("Could not make meeting package %s.", package_id)
            return _failed(package, repr(error))
        for lang, content in files.items():
            package.file_for(lang).save(f"{lang}.pdf", ContentFile(content), save=False)
        package.status = MeetingPackage.Status.READY
        package.ready_at = timezone.now()
        package.failure = ""
        package.save(update_fields=["status", "ready_at", "failure", "file_en", "file_fr"])
        if notify:
            _tell_members(package)
    return True


def _failed(package, problem) -> bool:
    package.status = MeetingPackage.Status.FAILED
    package.failure = problem[:500]
    package.save(update_fields=["status", "failure"])
    return False


def generate_pending(now=None) -> list[int]:
    """The packages published more than STALE_AFTER ago and still pending (their worker
    never ran): made now, one by one."""
    now = now or timezone.now()
    ids = list(
        MeetingPackage.objects.filter(
            status=MeetingPackage.Status.PENDING, published_at__lte=now - STALE_AFTER
        )
        .order_by("published_at", "pk")
        .values_list("pk", flat=True)
    )
    return [pk for pk in ids if package_generate(pk)]


# --- Notices -----------------------------------------------------------------------------------


def _meeting_snapshot(meeting) -> dict:
    return {
        "pk": meeting.pk,
        "title": outbox.bilingual(meeting, "title"),
        "starts_date": timezone.localdate(meeting.starts_at).isoformat(),
    }


def council_people(meeting, roles=None):
    """The ids of the people with a current role on the meeting's councils (all roles, or
    `roles`), each once."""
    qs = CouncilMembership.objects.active().filter(
        council__in=meeting.councils.all(), user__is_active=True
    )
    if roles:
        qs = qs.filter(role__in=roles)
    return sorted(set(qs.values_list("user_id", flat=True)))


def _tell_members(package) -> list[int]:
    """Everyone on the meeting's councils is told the package is ready: a row in the outbox
    and the inbox each, in this transaction; the workers e-mail it in their language."""
    meeting = package.meeting
    context = {
        "meeting": _meeting_snapshot(meeting),
        "version": package.version,
        "url": outbox.url_for("councils:meeting_detail", meeting.pk) + "#package-h",
    }
    today = timezone.localdate()
    return outbox.remind(
        outbox.due(pk, READY, package, today, context) for pk in council_people(meeting)
    )


def package_dues(now=None):
    """The secretariat of each planned meeting within PORTAL_PACKAGE_REMINDER_DAYS days that
    has no package (one being made counts as published; a failed one does not)."""
    today = timezone.localdate(now)
    days = settings.PORTAL_PACKAGE_REMINDER_DAYS
    start = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    end = start + datetime.timedelta(days=days + 1)
    meetings = (
        Meeting.objects.filter(
            status=Meeting.Status.PLANNED, starts_at__gte=start, starts_at__lt=end
        )
        .exclude(packages__status__in=[MeetingPackage.Status.PENDING, MeetingPackage.Status.READY])
        .prefetch_related("councils")
        .distinct()
    )
    items = []
    for meeting in meetings:
        context = {
            "meeting": _meeting_snapshot(meeting),
            "url": outbox.url_for("councils:meeting_detail", meeting.pk) + "#package-h",
        }
        secretariat = council_people(meeting, roles=[CouncilMembership.Role.SECRETARIAT])
        items += [outbox.due(pk, DUE, meeting, meeting.day, context) for pk in secretariat]
    return items


def remind_packages_due(now=None) -> list[int]:
    return outbox.remind(package_dues(now))
