"""Writes for meetings, their agenda, attendees, decisions and action items, and external
bodies. Each checks who may write, validates the row, and saves it in one transaction."""

import copy
import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import workflow, written

from .models import (
    ActionItem,
    AgendaItem,
    Attendee,
    Council,
    CouncilMembership,
    InterestDeclaration,
    Meeting,
    MinutesErratum,
    MinutesStatus,
    Vote,
    person_name,
)
from .permissions import (
    can_manage_councils,
    can_manage_meetings,
    can_update_action_item,
    council_roles,
    is_secretariat,
)
from .selectors import declared_person_ids, meeting_quorum


def _save(obj, *, by, m2m=None):
    if not can_manage_meetings(by):
        raise PermissionDenied
    obj.full_clean()
    obj.save()
    for name, values in (m2m or {}).items():
        getattr(obj, name).set(values)
    return obj


def _check_in_groups_rule(meeting, groups):
    """A co-chairs' check-in is about at least one group; a council meeting about none."""
    if groups is None:
        return
    if meeting.kind == Meeting.Kind.CHECK_IN and not groups:
        raise ValidationError(
            {"groups": _("Choose the groups whose co-chairs this check-in meets.")}
        )
    if meeting.kind != Meeting.Kind.CHECK_IN and groups:
        raise ValidationError(
            {
                "groups": _(
                    "Groups are chosen for a co-chairs' check-in only: choose that kind of "
                    "meeting, or untick the groups."
                )
            }
        )


@transaction.atomic
def meeting_save(*, meeting, councils, by, groups=None):
    """Create or change a meeting. `groups`: a check-in's groups (None leaves them as they
    are); they are set through the groups' reverse relation, `councils` not knowing groups."""
    if not can_manage_meetings(by):
        raise PermissionDenied
    _check_in_groups_rule(meeting, groups)
    if meeting.pk:
        before = Meeting.objects.select_for_update().get(pk=meeting.pk)
        changed = (meeting.minutes_en, meeting.minutes_fr) != (before.minutes_en, before.minutes_fr)
        if before.minutes_locked and changed:
            raise ValidationError(
                {
                    "minutes_en": _(
                        "These minutes were approved and are locked: record a correction as "
                        "an erratum instead."
                    )
                }
            )
        # The minutes' approval is never undone by an edit of the meeting.
        meeting.minutes_status = before.minutes_status
        meeting.minutes_approved_by_id = before.minutes_approved_by_id
    m2m = {"councils": councils}
    if groups is not None:
        m2m["check_in_groups"] = groups
    return _save(meeting, by=by, m2m=m2m)


def _in_both_languages(message, **params):
    values = {}
    for lang in ("en", "fr"):
        with translation.override(lang):
            values[lang] = str(message) % {
                name: (value(lang) if callable(value) else value) for name, value in params.items()
            }
    return values


@transaction.atomic
def minutes_circulate(*, meeting, next_meeting, by):
    """Circulate a held meeting's draft minutes: they go on `next_meeting`'s agenda, where a
    decision on that line approves (and locks) them."""
    if not can_manage_meetings(by):
        raise PermissionDenied
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if locked.minutes_status != MinutesStatus.DRAFT:
        raise ValidationError(
            _("These minutes were already circulated: they are on a later meeting's agenda.")
        )
    if not (locked.minutes_en.strip() or locked.minutes_fr.strip()):
        raise ValidationError(_("Write the minutes before circulating them."))
    if not locked.is_open_for_decisions():
        raise ValidationError(_("Minutes are circulated once the meeting is held."))
    if next_meeting.pk == locked.pk or next_meeting.starts_at <= locked.starts_at:
        raise ValidationError({"next_meeting": _("Choose a later meeting.")})
    if next_meeting.status != Meeting.Status.PLANNED:
        raise ValidationError({"next_meeting": _("Choose a meeting that is still planned.")})
    if not locked.is_check_in and next_meeting.is_check_in:
        raise ValidationError(
            {"next_meeting": _("A council meeting's minutes are approved at a council meeting.")}
        )
    titles = _in_both_languages(
        gettext_lazy("Approval of the minutes of %(meeting)s"),
        meeting=lambda lang: getattr(locked, f"title_{lang}") or locked.title_en,
    )
    last = next_meeting.agenda_items.aggregate(last=Max("order"))["last"] or 0
    item = AgendaItem(
        meeting=next_meeting,
        order=last + 1,
        kind=AgendaItem.Kind.ITEM,
        title_en=titles["en"][:300],
        title_fr=titles["fr"][:300],
        minutes_of=locked,
    )
    item.full_clean()
    item.save()
    locked.minutes_status = MinutesStatus.CIRCULATED
    locked.save(update_fields=["minutes_status"])
    if settings.PORTAL_MINUTES_CIRCULATED_NOTICE:
        attendees = locked.attendees.filter(
            user__isnull=False, attendance=Attendee.Attendance.PRESENT
        ).values_list("user_id", flat=True)
        import_string(settings.PORTAL_MINUTES_CIRCULATED_NOTICE)(
            meeting=locked, approving_meeting=next_meeting, recipient_ids=list(attendees)
        )
    return item


@transaction.atomic
def minutes_draft_from_agenda(*, meeting, by):
    """Start the minutes from the agenda, in each language: each item with its outcome and its
    decisions, then the action items. Only over empty, unlocked minutes."""
    if not can_manage_meetings(by):
        raise PermissionDenied
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if locked.minutes_locked:
        raise ValidationError(_("These minutes are approved and locked."))
    if locked.minutes_en.strip() or locked.minutes_fr.strip():
        raise ValidationError(_("The minutes already have text: edit them instead."))
    items = list(locked.agenda_items.prefetch_related("decisions").order_by("order", "pk"))
    actions = list(locked.action_items.select_related("owner").order_by("due_date", "pk"))
    for lang in ("en", "fr"):
        with translation.override(lang):
            lines = []
            for number, item in enumerate(items, start=1):
                lines.append(f"{number}. {getattr(item, f'title_{lang}') or item.title_en}")
                outcome = getattr(item, f"outcome_{lang}")
                if outcome:
                    lines.append(outcome)
                for decision in item.decisions.all():
                    text = getattr(decision, f"text_{lang}") or decision.text_en
                    lines.append(
                        _("Decision %(number)s: %(text)s")
                        % {"number": decision.number, "text": text}
                    )
                lines.append("")
            if actions:
                lines.append(_("Action items:"))
                for action in actions:
                    owner = person_name(action.owner) if action.owner_id else "—"
                    lines.append(
                        f"- {getattr(action, f'title_{lang}') or action.title_en} ({owner})"
                    )
            setattr(locked, f"minutes_{lang}", "\n".join(lines).strip())
    locked.full_clean()
    locked.save(update_fields=["minutes_en", "minutes_fr"])
    return locked


def _approve_minutes(decision):
    """A decision on a minutes-approval line approves and locks those minutes."""
    item = decision.agenda_item
    if item is None or item.minutes_of_id is None:
        return
    minutes = Meeting.objects.select_for_update().get(pk=item.minutes_of_id)
    if minutes.minutes_locked:
        raise ValidationError(_("These minutes are already approved."))
    minutes.minutes_status = MinutesStatus.APPROVED
    minutes.minutes_approved_by = decision
    minutes.save(update_fields=["minutes_status", "minutes_approved_by"])


@transaction.atomic
def minutes_erratum_add(*, meeting, text, by):
    """Record a correction of approved minutes (which stay as approved)."""
    if not can_manage_meetings(by):
        raise PermissionDenied
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if not locked.minutes_locked:
        raise ValidationError(_("The minutes are not approved yet: correct the draft itself."))
    text = (text or "").strip()
    erratum = MinutesErratum(
        meeting=locked,
        text=text,
        text_lang=written.typed_language() if text else "",
        recorded_by=by,
        recorded_at=timezone.now(),
    )
    erratum.full_clean()
    erratum.save()
    return erratum


@transaction.atomic
def agenda_item_save(*, item, by):
    return _save(item, by=by)


@transaction.atomic
def attendee_save(*, attendee, by):
    """A member sits for the jurisdiction of their council seat on the meeting's day, unless
    the secretariat chose one."""
    if attendee.role == Attendee.Role.MEMBER and attendee.user_id and not attendee.jurisdiction_id:
        seat = (
            CouncilMembership.objects.active(attendee.meeting.day)
            .filter(
                user_id=attendee.user_id,
                role=CouncilMembership.Role.MEMBER,
                council__in=attendee.meeting.councils.all(),
                jurisdiction__isnull=False,
            )
            .order_by("council__code")
            .first()
        )
        attendee.jurisdiction_id = seat.jurisdiction_id if seat else None
        if attendee.jurisdiction_id is None and hasattr(attendee.user, "profile"):
            attendee.jurisdiction_id = attendee.user.profile.jurisdiction_id
    if attendee.role != Attendee.Role.MEMBER:
        attendee.jurisdiction = None
    return _save(attendee, by=by)


class DecisionRefused(ValidationError):
    """The meeting cannot decide this now; the message says why."""


def vote_close(
    *,
    meeting,
    by,
    agenda_item=None,
    votes_for=None,
    votes_against=None,
    votes_abstaining=None,
    subjects=(),
):
    """Check that `meeting` may decide now and close its vote, freezing who was eligible.

    Called inside the caller's transaction. The meeting row is locked, so of two people
    recording a decision on one item at once, the second sees the first's vote and is refused.
    Refuses (DecisionRefused) before the meeting's day, without quorum, or with more votes
    than members present and not recused. Without counts (a decision by consensus) the vote
    records no counts but still freezes the eligible voters."""
    if not is_secretariat(by):
        raise PermissionDenied
    locked = (
        Meeting.objects.select_for_update()
        .prefetch_related("councils", "attendees")
        .get(pk=meeting.pk)
    )
    if not locked.is_open_for_decisions():
        if locked.status == Meeting.Status.CANCELLED:
            message = _("This meeting was cancelled: it decides nothing.")
        else:
            message = _(
                "This meeting has not been held yet (it is on %(day)s). A decision is recorded "
                "once the meeting is held, or on its day."
            ) % {"day": date_format(locked.day, "DATE_FORMAT")}
        raise DecisionRefused(message, code="not_held")
    if agenda_item is not None and Vote.objects.filter(agenda_item=agenda_item).exists():
        raise DecisionRefused(
            _("The vote on this item is already closed: someone recorded it a moment ago."),
            code="closed",
        )
    quorum = meeting_quorum(locked)
    if not quorum.reached:
        counts = "; ".join(
            _("%(present)s of %(total)s jurisdictions, %(needed)s needed")
            % {"present": c.present, "total": c.total, "needed": c.needed}
            for c in quorum.checks
        )
        raise DecisionRefused(
            _(
                "The meeting has no quorum (%(counts)s). Record who attended as a member "
                "for a jurisdiction first."
            )
            % {"counts": counts or _("no member jurisdictions")},
            code="no_quorum",
        )
    recused = declared_person_ids([agenda_item, *subjects])
    eligible = [
        a.user_id
        for a in locked.attendees.all()
        if a.role == Attendee.Role.MEMBER
        and a.attendance == Attendee.Attendance.PRESENT
        and a.user_id
        and a.user_id not in recused
    ]
    counts = [votes_for or 0, votes_against or 0, votes_abstaining or 0]
    if sum(counts) > len(eligible):
        raise DecisionRefused(
            {
                "votes_for": _(
                    "%(cast)s votes were cast, but only %(eligible)s members present may vote "
                    "on this item (recused members do not vote)."
                )
                % {"cast": sum(counts), "eligible": len(eligible)}
            },
            code="too_many_votes",
        )
    vote = Vote(
        meeting=locked,
        agenda_item=agenda_item,
        votes_for=counts[0],
        votes_against=counts[1],
        votes_abstaining=counts[2],
        eligible_count=len(eligible),
        jurisdictions_present=min(c.present for c in quorum.checks),
        closed_at=timezone.now(),
        closed_by=by,
    )
    vote.full_clean()
    vote.save()
    vote.eligible_voters.set(eligible)
    return vote


@transaction.atomic
def decision_save(*, decision, by, votes=None):
    """A new decision closes its vote first (held meeting, quorum, possible counts); a
    correction of its wording later changes the text only."""
    if decision.pk is None:
        votes = votes or {}
        decision.vote = vote_close(
            meeting=decision.meeting,
            by=by,
            agenda_item=decision.agenda_item,
            votes_for=votes.get("votes_for"),
            votes_against=votes.get("votes_against"),
            votes_abstaining=votes.get("votes_abstaining"),
        )
        _save(decision, by=by)
        _approve_minutes(decision)
        return decision
    return _save(decision, by=by)


# --- Declared interests ---------------------------------------------------------------------


@transaction.atomic
def interest_declare(*, subject, person, statement, by):
    """`person` declares an interest in `subject` (a funding request or an agenda item); the
    secretariat may record it on their behalf. They are recused from it from now on."""
    if by.pk != person.pk and not is_secretariat(by):
        raise PermissionDenied
    roles = council_roles(person)
    if not (roles.member_of or roles.co_chair_of):
        raise ValidationError(
            {"person": _("Only a council member or co-chair declares an interest.")}
        )
    content_type = ContentType.objects.get_for_model(subject)
    # Lock the person's row: one declaration at a time per person (no duplicate active row).
    list(get_user_model().objects.select_for_update().filter(pk=person.pk).values("pk"))
    if InterestDeclaration.objects.filter(
        content_type=content_type, object_id=subject.pk, person=person, withdrawn_at=None
    ).exists():
        raise ValidationError(
            {
                "statement": _("%(person)s has already declared an interest in this item.")
                % {"person": person_name(person)}
            }
        )
    statement = (statement or "").strip()
    declaration = InterestDeclaration(
        person=person,
        content_type=content_type,
        object_id=subject.pk,
        statement=statement,
        statement_lang=written.typed_language() if statement else "",
        declared_by=by,
        declared_at=timezone.now(),
    )
    declaration.full_clean()
    declaration.save()
    return declaration


@transaction.atomic
def interest_withdraw(*, declaration, reason, by):
    """Withdraw a declaration, with a reason; the row and its first step stay."""
    locked = InterestDeclaration.objects.select_for_update().get(pk=declaration.pk)
    if by.pk != locked.person_id and not is_secretariat(by):
        raise PermissionDenied
    if locked.withdrawn_at is not None:
        raise ValidationError(_("This declaration was already withdrawn."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the declaration is withdrawn.")})
    locked.withdrawn_at = timezone.now()
    locked.withdrawn_by = by
    locked.withdrawal_reason = reason
    locked.withdrawal_reason_lang = written.typed_language()
    locked.full_clean()
    locked.save()
    return locked


@transaction.atomic
def council_quorum_save(*, council, by):
    """The council's quorum rule (the secretariat's)."""
    if not can_manage_councils(by):
        raise PermissionDenied
    if council.quorum_rule != "count":
        council.quorum_count = None
    council.full_clean()
    council.save(update_fields=["quorum_rule", "quorum_count", "joint_quorum_rule"])
    return council


@transaction.atomic
def action_item_save(*, item, by):
    return _save(item, by=by)


@transaction.atomic
def external_body_save(*, body, topics, by):
    return _save(body, by=by, m2m={"topics": topics})


@transaction.atomic
def engagement_save(*, engagement, by):
    if engagement.recorded_by_id is None:
        engagement.recorded_by = by
    return _save(engagement, by=by)


@transaction.atomic
def meeting_part_delete(*, obj, by):
    """Remove an agenda item, an attendee or a decision (history keeps the deleted row)."""
    if not can_manage_meetings(by):
        raise PermissionDenied
    obj.delete()


@transaction.atomic
def action_item_set_status(*, item, status, by):
    """The owner or the secretariat moves an action item along (open, in progress, done,
    cancelled); done stamps the completion date."""
    if not can_update_action_item(by, item):
        raise PermissionDenied
    locked = ActionItem.objects.select_for_update().get(pk=item.pk)
    locked.status = status
    locked.full_clean()
    locked.save()
    item.refresh_from_db()
    return locked


# --- Council memberships --------------------------------------------------------------------


def lock_councils(council_ids) -> None:
    """Lock the councils' rows, in a fixed order (no deadlock between two changes). Every
    change that can move a group's liaison on a council (a group or council membership, the
    councils a group reports to) takes this lock first, so such changes on one council are
    served one after the other and each sees the one before."""
    ids = sorted({pk for pk in council_ids if pk})
    if ids:
        list(Council.objects.select_for_update().filter(pk__in=ids).order_by("pk").values("pk"))


def _day_after(day):
    return day + datetime.timedelta(days=1) if day else None


def _liaison_check(membership, old, days):
    """The check of settings.PORTAL_LIAISON_CHECK (an app higher up knows what a liaison is),
    armed before the change; None when no app registered one."""
    if not settings.PORTAL_LIAISON_CHECK:
        return None
    council_ids = {membership.council_id} | ({old.council_id} if old else set())
    return import_string(settings.PORTAL_LIAISON_CHECK)(
        user_ids={membership.user_id}, council_ids=council_ids, days=days
    )


def _refuse_overlap(membership):
    """One person holds one role on one council once at a time."""
    clash = (
        CouncilMembership.objects.filter(
            council_id=membership.council_id, user_id=membership.user_id, role=membership.role
        )
        .exclude(pk=membership.pk)
        .filter_by_days([membership.start_date, membership.end_date or datetime.date.max])
        .first()
    )
    if clash:
        raise ValidationError({"user": overlap_message(clash, _("this role on this council"))})


def overlap_message(clash, what):
    """ "<person> already holds <what> from <start> (to <end>)." for a clashing term."""
    values = {
        "person": person_name(clash.user),
        "what": what,
        "start": date_format(clash.start_date, "SHORT_DATE_FORMAT"),
    }
    if clash.end_date:
        values["end"] = date_format(clash.end_date, "SHORT_DATE_FORMAT")
        return _("%(person)s already holds %(what)s from %(start)s to %(end)s.") % values
    return _("%(person)s already holds %(what)s from %(start)s.") % values


def _save_membership(membership, *, old, reason, confirmed):
    dates = [membership.start_date, _day_after(membership.end_date)]
    if old:
        dates += [old.start_date, _day_after(old.end_date)]
    today = timezone.localdate()
    days = {today} | {d for d in dates if d and d > today}
    check = _liaison_check(membership, old, days)
    membership.change_reason = (reason or "").strip()
    membership.revision = old.revision + 1 if old else 0
    membership.full_clean()
    _refuse_overlap(membership)
    membership.save()
    if check:
        check(reason=reason, confirmed=confirmed)
    return membership


@transaction.atomic
def council_membership_save(*, membership, by, seen=None, reason="", confirmed=()):
    """Add a council membership (no pk yet) or change one: role, jurisdiction, term.

    The council's row is locked first (`lock_councils`) and the membership's `revision`
    checked against `seen`, so of two people changing it at once one wins and the other is
    told. A change that leaves a group with nobody on a council it reports to (a co-chair's
    seat is their group's liaison) is refused with `NeedsConfirmation` unless the gaps it
    opens were confirmed with a reason."""
    if not can_manage_councils(by):
        raise PermissionDenied
    old = None
    council_ids = {membership.council_id}
    if membership.pk:
        council_ids |= set(
            CouncilMembership.objects.filter(pk=membership.pk).values_list("council_id", flat=True)
        )
    lock_councils(council_ids)
    if membership.pk:
        old = workflow.lock(CouncilMembership, membership.pk)
        workflow.check_seen(old, seen)
        membership.user_id = old.user_id  # the person of a term never changes
    return _save_membership(membership, old=old, reason=reason, confirmed=confirmed)


@transaction.atomic
def council_membership_end(*, membership, by, end_date, seen=None, reason="", confirmed=()):
    """End a term on `end_date` (its last day): the record and its history stay."""
    if not can_manage_councils(by):
        raise PermissionDenied
    lock_councils({membership.council_id})
    old = workflow.lock(CouncilMembership, membership.pk)
    workflow.check_seen(old, seen)
    refuse_ended(old)
    changed = copy.copy(old)
    changed.end_date = end_date
    return _save_membership(changed, old=old, reason=reason, confirmed=confirmed)


def refuse_ended(old):
    """A term whose last day has passed is over: ending it again is refused (someone else
    ended it, or it ended on its own)."""
    if old.end_date and old.end_date < timezone.localdate():
        raise workflow.StepRefused(
            _("This term already ended on %(date)s.")
            % {"date": date_format(old.end_date, "DATE_FORMAT")},
            code="ended",
        )
