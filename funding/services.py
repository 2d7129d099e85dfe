"""Every write to a funding request goes through here.

Each service locks the request row (`select_for_update`) and compares the version the person
read with the current one, so of two people acting at once exactly one wins; the other gets a
`StaleRequest` and the view gives them back what they typed.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import written
from councils.models import AgendaItem, CouncilMembership, Meeting
from councils.permissions import is_secretariat
from councils.services import vote_close
from notifications import services as outbox
from workinggroups.models import GroupMembership

from . import notices
from .models import (
    DECIDED_AT_TEXT,
    EDITABLE,
    FIRST_RECOMMENDATION_TEXT,
    MAX_ATTACHMENTS,
    MOVED_TEXT,
    RESUBMITTED_TEXT,
    SCHEDULED_TEXT,
    SUBMITTED_TEXT,
    TRANSITIONS,
    UNDER_REVIEW,
    UNSCHEDULED_TEXT,
    Actor,
    Attachment,
    FundingRequest,
    Recommendation,
    Revision,
    Status,
    StatusChange,
)
from .permissions import can_review_request, is_recused, is_requester, reviewing_councils
from .review import review_state

# The review's outcomes, each with the notice the requesters get.
REVIEW_OUTCOMES = {
    Status.ENDORSED: notices.ENDORSED,
    Status.RETURNED: notices.RETURNED,
    Status.DECLINED: notices.DECLINED,
}


class WorkflowError(Exception):
    """A refusal with a message meant for the person who asked."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class StaleRequest(WorkflowError):
    """The request changed since the person loaded the page they acted from."""


def _lock(request, expected_version) -> FundingRequest:
    locked = FundingRequest.objects.select_for_update().get(pk=request.pk)
    if expected_version is not None and locked.version != int(expected_version):
        raise StaleRequest(
            _(
                "Someone else changed this request while you had it open (it is now “%(status)s”). "
                "Nothing of yours was saved: read the current version below, then try again — "
                "what you typed is still in the form."
            )
            % {"status": locked.get_status_display()}
        )
    return locked


def actor_roles(user, request) -> set:
    """The roles of the transition table that `user` holds for this request."""
    roles = set()
    if is_requester(user, request):
        roles.add(Actor.REQUESTER)
    if is_secretariat(user):
        roles.add(Actor.SECRETARIAT)
    if reviewing_councils(user, request) and not is_recused(user, request):
        roles.add(Actor.REVIEWER)
    return roles


def _check_allowed(locked, *, to, by):
    """Refuse, with the table's words, a step the table does not allow this person."""
    allowed = TRANSITIONS.get(locked.status, {})
    if to not in allowed:
        raise WorkflowError(
            _("A request that is “%(old)s” cannot become “%(new)s”.")
            % {"old": locked.get_status_display(), "new": Status(to).label}
        )
    if allowed[to] not in actor_roles(by, locked):
        raise WorkflowError(
            _("Only %(actor)s can make a request “%(new)s”.")
            % {"actor": Actor(allowed[to]).label, "new": Status(to).label}
        )


def _transition(locked, *, to, by, reason="", reason_lang=None, key="", params=None):
    """Apply one row of TRANSITIONS to a locked request; the caller saves nothing else.

    `reason` is what the person typed (in `reason_lang`, by default the page's language);
    `key`/`params` are what the workflow says itself, stored as a key (core.written)."""
    _check_allowed(locked, to=to, by=by)
    old = locked.status
    locked.status = to
    locked.version += 1
    locked.full_clean()
    locked.save()
    StatusChange.objects.create(
        request=locked,
        old_status=old,
        new_status=to,
        by=by,
        at=timezone.now(),
        reason=reason,
        reason_lang=(reason_lang or written.typed_language()) if reason else "",
        reason_key=key,
        reason_params=params or {},
        revision=locked.revision,
    )
    return locked


@transaction.atomic
def funding_request_transition(*, request, to, by, reason="", expected_version=None):
    """The generic transition, for the steps that carry no data of their own."""
    locked = _lock(request, expected_version)
    return _transition(locked, to=to, by=by, reason=reason)


# --- Content -----------------------------------------------------------------------------------


def _store_attachments(request, uploads, by):
    """Save checked files; if one fails, remove the ones already written (no orphans)."""
    written = []
    try:
        for checked in uploads:
            attachment = Attachment(
                request=request,
                original_name=checked.original_name,
                kind=checked.kind,
                content_type=checked.content_type,
                size=checked.size,
                uploaded_by=by,
            )
            checked.upload.seek(0)
            attachment.file.save(checked.original_name, checked.upload, save=False)
            written.append(attachment.file.name)
            attachment.full_clean()
            attachment.save()
    except Exception:
        for name in written:
            Attachment.file.field.storage.delete(name)
        raise


def _check_attachment_count(request, adding, removing=0):
    total = request.attachments.count() - removing + adding
    if total > MAX_ATTACHMENTS:
        raise ValidationError(
            {
                "attachments": _("A request may have at most %(max)s attachments.")
                % {"max": MAX_ATTACHMENTS}
            }
        )


@transaction.atomic
def funding_request_create(*, group, by, data, priorities, attachments=()):
    if group.pk not in _cochaired_group_ids(by):
        raise WorkflowError(_("Only a co-chair of the group can request funding for it."))
    request = FundingRequest(group=group, created_by=by, **data)
    request.full_clean()
    request.save()
    if not priorities:
        raise ValidationError({"priorities": _("Choose at least one priority.")})
    request.priorities.set(priorities)
    _check_attachment_count(request, len(attachments))
    _store_attachments(request, attachments, by)
    return request


@transaction.atomic
def funding_request_update(
    *, request, by, expected_version, data, priorities, attachments=(), remove=()
):
    locked = _lock(request, expected_version)
    if locked.status not in EDITABLE:
        raise WorkflowError(
            _("A request that is “%(status)s” is frozen: it changes only through its review.")
            % {"status": locked.get_status_display()}
        )
    if not is_requester(by, locked):
        raise WorkflowError(_("Only the requesting group's co-chairs can change this request."))
    for name, value in data.items():
        setattr(locked, name, value)
    locked.version += 1
    locked.full_clean()
    locked.save()
    if not priorities:
        raise ValidationError({"priorities": _("Choose at least one priority.")})
    locked.priorities.set(priorities)
    to_remove = list(locked.attachments.filter(pk__in=[a.pk for a in remove]))
    _check_attachment_count(locked, len(attachments), len(to_remove))
    names = [a.file.name for a in to_remove]
    for attachment in to_remove:
        attachment.delete()
    storage = Attachment.file.field.storage

    def delete_removed_files():
        for name in names:
            storage.delete(name)

    # After the commit, and robust: a file that cannot be deleted is logged, never a 500 for a
    # request whose rows are already saved.
    transaction.on_commit(delete_removed_files, robust=True)
    _store_attachments(locked, attachments, by)
    return locked


def _cochaired_group_ids(user):
    return set(
        GroupMembership.objects.active()
        .filter(user=user, role=GroupMembership.Role.CO_CHAIR)
        .values_list("group_id", flat=True)
    )


# --- Workflow ----------------------------------------------------------------------------------


@transaction.atomic
def funding_request_submit(*, request, by, expected_version, reason=""):
    locked = _lock(request, expected_version)
    _check_allowed(locked, to=Status.SUBMITTED, by=by)  # before submitted_by is set to `by`
    if not locked.group.councils.exists():
        raise WorkflowError(
            _(
                "“%(group)s” reports to no council, so no co-chair could review this request. "
                "Ask the secretariat to record the councils the group reports to."
            )
            % {"group": locked.group.name}
        )
    priorities = list(locked.priorities.all())
    if not priorities:
        raise WorkflowError(_("Choose at least one priority before submitting."))
    locked.full_clean()
    resubmission = locked.status == Status.RETURNED
    locked.revision += 1
    locked.submitted_by = by
    locked.submitted_at = timezone.now()
    if resubmission:
        key, params = RESUBMITTED_TEXT, {"number": locked.revision}
    else:
        key, params = SUBMITTED_TEXT, {}
    _transition(locked, to=Status.SUBMITTED, by=by, reason=reason, key=key, params=params)
    Revision.objects.create(
        request=locked,
        number=locked.revision,
        content=locked.content_snapshot(priorities=priorities),
        submitted_by=by,
        submitted_at=locked.submitted_at,
    )
    state = review_state(locked)
    reviewers = [u for c in state.councils for u in c.reviewers]
    _notify(_unique(reviewers), notices.SUBMITTED, locked, resubmission=resubmission)
    _record_for_requesters(locked)
    return locked


@transaction.atomic
def funding_request_withdraw(*, request, by, expected_version, reason=""):
    locked = _lock(request, expected_version)
    _transition(locked, to=Status.WITHDRAWN, by=by, reason=reason)
    _record_for_requesters(locked)
    return locked


@transaction.atomic
def recommendation_record(*, request, by, decision, comment, expected_version):
    """Record a co-chair's recommendation and apply the endorsement rule."""
    locked = _lock(request, expected_version)
    if locked.status not in UNDER_REVIEW:
        raise WorkflowError(
            _("This request is no longer under review: it is “%(status)s”.")
            % {"status": locked.get_status_display()}
        )
    if not reviewing_councils(by, locked):
        raise WorkflowError(
            _("Only the co-chairs of the councils the group reports to review its requests.")
        )
    if is_recused(by, locked) or not can_review_request(by, locked):
        raise WorkflowError(
            _(
                "You are recused from this request: you co-chair or belong to the requesting "
                "group, or you created or submitted the request."
            )
        )
    if Recommendation.objects.filter(
        request=locked, revision=locked.revision, reviewer=by
    ).exists():
        raise WorkflowError(_("You have already recorded your recommendation on this version."))
    recommendation = Recommendation(
        request=locked,
        revision=locked.revision,
        reviewer=by,
        decision=decision,
        comment=(comment or "").strip(),
        comment_lang=written.typed_language() if (comment or "").strip() else "",
        created_at=timezone.now(),
    )
    recommendation.full_clean()
    recommendation.save()
    if locked.status == Status.SUBMITTED:
        _transition(locked, to=Status.IN_REVIEW, by=by, key=FIRST_RECOMMENDATION_TEXT)
    outcome = review_state(locked).outcome
    if outcome is None:
        locked.version += 1  # the next person to act must have seen this recommendation
        locked.save(update_fields=["version", "updated_at"])
        return locked, recommendation
    _transition(
        locked,
        to=outcome,
        by=by,
        reason=recommendation.comment,
        reason_lang=recommendation.comment_lang,
    )
    _notify(requesters(locked), REVIEW_OUTCOMES[outcome], locked, recommendation=recommendation)
    return locked, recommendation


def _check_meeting(locked, meeting):
    if meeting.status != Meeting.Status.PLANNED:
        raise ValidationError({"meeting": _("Choose a meeting that is still planned.")})
    if meeting.kind != Meeting.Kind.COUNCIL:
        raise ValidationError(
            {"meeting": _("A co-chairs' check-in decides no funding: choose a council meeting.")}
        )
    group_councils = set(locked.group.councils.values_list("pk", flat=True))
    if not group_councils & set(meeting.councils.values_list("pk", flat=True)):
        raise ValidationError(
            {"meeting": _("Choose a meeting of a council the requesting group reports to.")}
        )


def _agenda_title(locked, lang):
    with translation.override(lang):
        title = getattr(locked, f"title_{lang}") or locked.title_en or locked.title_fr
        return _("Funding request: %(title)s") % {"title": title}


def _put_on_agenda(locked, meeting):
    """The request's line on the meeting's agenda, last in order; moved, not copied, when the
    request moves to another meeting."""
    last = meeting.agenda_items.aggregate(last=Max("order"))["last"] or 0
    item = locked.agenda_item or AgendaItem(kind=AgendaItem.Kind.ITEM)
    item.meeting = meeting
    item.order = last + 1
    item.title_en = _agenda_title(locked, "en")[:300]
    item.title_fr = _agenda_title(locked, "fr")[:300]
    item.full_clean()
    item.save()
    locked.agenda_item = item


@transaction.atomic
def funding_request_schedule(*, request, by, meeting, expected_version, reason=""):
    """Put an endorsed request on a planned meeting: it gets its line on the agenda, which
    the meeting page shows with the co-chairs' recommendations."""
    locked = _lock(request, expected_version)
    _check_allowed(locked, to=Status.SCHEDULED, by=by)
    _check_meeting(locked, meeting)
    locked.meeting = meeting
    _put_on_agenda(locked, meeting)
    _transition(
        locked,
        to=Status.SCHEDULED,
        by=by,
        reason=reason,
        key=SCHEDULED_TEXT,
        params={"meeting": _meeting_label(meeting)},
    )
    _notify(requesters(locked), notices.SCHEDULED, locked, meeting=meeting)
    return locked


@transaction.atomic
def funding_request_reschedule(*, request, by, meeting, reason, expected_version):
    """Move a scheduled request to another meeting (`meeting`), or take it off the agenda
    (`meeting=None`: it is endorsed again). Either way a recorded step, with its reason."""
    locked = _lock(request, expected_version)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the request leaves this meeting's agenda.")})
    if locked.status != Status.SCHEDULED or locked.meeting is None:
        raise WorkflowError(
            _(
                "Only a scheduled request can be moved or taken off the agenda; "
                "this one is “%(status)s”."
            )
            % {"status": locked.get_status_display()}
        )
    if not is_secretariat(by):
        raise WorkflowError(_("Only the secretariat changes a meeting's agenda."))
    old = locked.meeting
    if meeting is None:
        item = locked.agenda_item
        locked.meeting = None
        locked.agenda_item = None
        _transition(
            locked,
            to=Status.ENDORSED,
            by=by,
            reason=reason,
            key=UNSCHEDULED_TEXT,
            params={"meeting": _meeting_label(old)},
        )
        if item is not None and not item.votes.exists():
            item.delete()  # the agenda line goes; its history and the status change remain
        return locked
    if meeting.pk == old.pk:
        raise ValidationError({"meeting": _("The request is already on this meeting's agenda.")})
    _check_meeting(locked, meeting)
    locked.meeting = meeting
    _put_on_agenda(locked, meeting)
    locked.version += 1
    locked.full_clean()
    locked.save()
    StatusChange.objects.create(
        request=locked,
        old_status=Status.SCHEDULED,
        new_status=Status.SCHEDULED,
        by=by,
        at=timezone.now(),
        reason=reason,
        reason_lang=written.typed_language(),
        reason_key=MOVED_TEXT,
        reason_params={"old": _meeting_label(old), "meeting": _meeting_label(meeting)},
        revision=locked.revision,
    )
    _notify(requesters(locked), notices.SCHEDULED, locked, meeting=meeting)
    return locked


DECISIONS = (Status.APPROVED, Status.NOT_APPROVED, Status.DEFERRED)


@transaction.atomic
def funding_request_record_decision(
    *,
    request,
    by,
    outcome,
    expected_version,
    amount_approved=None,
    votes_for=None,
    votes_against=None,
    votes_abstaining=None,
    note="",
):
    locked = _lock(request, expected_version)
    if outcome not in DECISIONS:
        raise ValidationError({"outcome": _("Choose approved, not approved or deferred.")})
    _check_allowed(locked, to=outcome, by=by)
    if outcome == Status.APPROVED:
        if amount_approved is None:
            raise ValidationError({"amount_approved": _("Enter the amount the members approved.")})
        if amount_approved > locked.amount_requested:
            raise ValidationError(
                {"amount_approved": _("The approved amount cannot exceed the amount requested.")}
            )
        locked.amount_approved = amount_approved
    else:
        locked.amount_approved = None
    meeting = locked.meeting
    if meeting is None:
        raise WorkflowError(
            _("Schedule the request on a meeting first: the members decide it there.")
        )
    # Held (or today), quorum, possible counts; the eligible voters are frozen with the vote.
    locked.vote = vote_close(
        meeting=meeting,
        by=by,
        agenda_item=locked.agenda_item,
        votes_for=votes_for,
        votes_against=votes_against,
        votes_abstaining=votes_abstaining,
        subjects=[locked],
    )
    locked.votes_for, locked.votes_against = votes_for, votes_against
    locked.votes_abstaining = votes_abstaining
    locked.decision_note = note or ""
    locked.decision_note_lang = written.typed_language() if locked.decision_note else ""
    if outcome == Status.DEFERRED:
        # To be scheduled again: the agenda line and its vote stay with this meeting, and the
        # status change names it.
        locked.meeting = None
        locked.agenda_item = None
    else:
        locked.decided_at = meeting.starts_at  # the meeting's date, not the day it was typed
    _transition(
        locked,
        to=outcome,
        by=by,
        reason=locked.decision_note,
        key=DECIDED_AT_TEXT if meeting is not None else "",
        params={"meeting": _meeting_label(meeting)} if meeting is not None else None,
    )
    recipients = requesters(locked) + council_cochairs(locked)
    _notify(_unique(recipients), notices.DECISION, locked, meeting=meeting)
    return locked


def _meeting_label(meeting):
    """The meeting as a status change names it, in both languages (core.written)."""
    return written.in_both_languages(lambda: str(meeting))


# --- Who hears about it ------------------------------------------------------------------------


def _unique(users):
    seen, people = set(), []
    for user in users:
        if user.pk not in seen:
            seen.add(user.pk)
            people.append(user)
    return people


def requesters(request):
    """The person who submitted the request and the group's current co-chairs."""
    people = [
        m.user
        for m in GroupMembership.objects.active()
        .filter(group_id=request.group_id, role=GroupMembership.Role.CO_CHAIR)
        .select_related("user__profile")
    ]
    if request.submitted_by_id:
        people.insert(0, request.submitted_by)
    return _unique(people)


def council_cochairs(request):
    return _unique(
        m.user
        for m in CouncilMembership.objects.active()
        .filter(council__groups=request.group_id, role=CouncilMembership.Role.CO_CHAIR)
        .select_related("user__profile")
    )


def _notify(users, kind, locked, **about):
    """A notice to each person: a row in the outbox and an entry in their inbox, written in
    this transaction (so a rolled-back change tells nobody, and a committed one cannot lose
    its notices); the workers e-mail it after the commit. The web request never talks to the
    mail server (notifications.services)."""
    context = notices.context(locked, **about)
    today = timezone.localdate()
    outbox.remind(
        outbox.due(user.pk, kind, locked, today, context, key_parts=("v", locked.version))
        for user in users
    )


def _record_for_requesters(locked):
    """The requesting group's co-chairs (the one who acted included) find the request's new
    status in their inbox; no e-mail, as they made the change themselves or share the work."""
    outbox.post_to_inbox(
        [user.pk for user in requesters(locked)], notices.STATUS, notices.context(locked)
    )
