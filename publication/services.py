"""Publishing and unpublishing, one record at a time, by the secretariat only.

Only what the councils adopted or decided may be published (`refusal` says why anything else
is refused). Both steps lock the record's row first, so two people publishing the same record
at once are served one after the other: the second finds it public and is refused; the
one-to-one columns of `Publication` make a second row impossible in any case.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import written
from core.workflow import StepRefused
from councils.models import Decision, Meeting, MinutesStatus
from councils.permissions import is_secretariat
from funding.models import FundingRequest
from funding.models import Status as FundingStatus
from strategy.models import Status as PlanStatus
from strategy.models import StrategicPlan
from workinggroups.models import Group

from .models import FIELD_OF_KIND, Kind, Publication, PublicationStep

MODEL_OF_KIND = {
    Kind.PLAN: StrategicPlan,
    Kind.GROUP: Group,
    Kind.FUNDING: FundingRequest,
    Kind.DECISION: Decision,
    Kind.MINUTES: Meeting,
}


def kind_of(record) -> str:
    for kind, model in MODEL_OF_KIND.items():
        if isinstance(record, model):
            return kind
    raise TypeError(f"{type(record).__name__} records are never published")


def refusal(kind, record) -> str:
    """Why `record` may not be published now, or "" when it may."""
    if kind == Kind.PLAN:
        if record.status != PlanStatus.ADOPTED:
            return _("Only an adopted strategic plan can be published; this one is “%(s)s”.") % {
                "s": record.get_status_display()
            }
    elif kind == Kind.GROUP:
        if record.status != Group.Status.ACTIVE:
            return _(
                "Only the mandate of an active group can be published; this group is “%(s)s”."
            ) % {"s": record.get_status_display()}
    elif kind == Kind.FUNDING:
        if record.status != FundingStatus.APPROVED:
            return _(
                "Only a funding request the members approved can be published; this one is "
                "“%(s)s”. A decision not to fund is published, if at all, as the meeting's "
                "decision."
            ) % {"s": record.get_status_display()}
        if record.meeting is None or record.meeting.status != Meeting.Status.HELD:
            return _("The meeting that approved this request is not marked as held yet.")
    elif kind == Kind.DECISION:
        if record.meeting.status != Meeting.Status.HELD:
            return _("Only a decision of a held meeting can be published.")
    elif kind == Kind.MINUTES:
        if record.status != Meeting.Status.HELD:
            return _("Only the minutes of a held meeting can be published.")
        if record.minutes_status != MinutesStatus.APPROVED:
            return _("Only approved minutes can be published; these are “%(s)s”.") % {
                "s": record.get_minutes_status_display()
            }
    return ""


def _check(by):
    if not is_secretariat(by):
        raise PermissionDenied(_("Only the secretariat publishes records."))


def _locked(kind, record):
    model = MODEL_OF_KIND[kind]
    related = {
        Kind.FUNDING: ("meeting",),
        Kind.DECISION: ("meeting",),
    }.get(kind, ())
    queryset = model.objects.select_for_update()
    if related:
        queryset = queryset.select_related(*related).select_for_update(of=("self",))
    return queryset.get(pk=record.pk)


@transaction.atomic
def publication_publish(*, record, by, reason=""):
    """Make `record` public (its kind is taken from its model), or refuse with why."""
    _check(by)
    kind = kind_of(record)
    record = _locked(kind, record)
    why_not = refusal(kind, record)
    if why_not:
        raise StepRefused(why_not, code="not_publishable")
    publication, _created = Publication.objects.get_or_create(
        **{FIELD_OF_KIND[kind]: record}, defaults={"kind": kind}
    )
    if publication.is_public:
        raise StepRefused(_("This record is already public."), code="already_public")
    now = timezone.now()
    publication.is_public = True
    publication.published_at = now
    publication.full_clean()
    publication.save()
    _step(publication, PublicationStep.Action.PUBLISH, by, now, reason)
    return publication


@transaction.atomic
def publication_unpublish(*, record, by, reason):
    """Take `record` off the public pages; the reason is required."""
    _check(by)
    reason = (reason or "").strip()
    if not reason:
        raise StepRefused(_("Say why the record is taken off the public pages."), code="reason")
    kind = kind_of(record)
    record = _locked(kind, record)
    publication = Publication.objects.filter(**{FIELD_OF_KIND[kind]: record}).first()
    if publication is None or not publication.is_public:
        raise StepRefused(_("This record is not public."), code="not_public")
    now = timezone.now()
    publication.is_public = False
    publication.save()
    _step(publication, PublicationStep.Action.UNPUBLISH, by, now, reason)
    return publication


def _step(publication, action, by, at, reason):
    reason = (reason or "").strip()
    step = PublicationStep(
        publication=publication,
        action=action,
        by=by,
        at=at,
        reason=reason,
        reason_lang=written.typed_language() if reason else "",
    )
    step.full_clean()
    step.save()
    return step
