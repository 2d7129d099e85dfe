"""What the groups' rules make due, as reminders: who is reminded of what, and when.

Each `*_dues(day)` reads the rules (rules.py) in a constant number of queries per batch of
subjects and returns `notifications.services.Due` items; each `remind_*(day)` hands them to
`notifications.services.remind`, which claims each one exactly once. `digest_items` feeds the
weekly digest and `forecast` the secretariat's list of reminders coming up.

Decisions:
- Deadlines: an open objective or deliverable due within 30 days gets the reminder of the
  tightest window it is in (30, 7 or 1 day; due today counts as 1), once per window and due
  date; the day after its deadline it gets the "missed" one. A sweep that did not run for a
  few days catches up with the current window rather than sending the skipped ones.
- Dissolution review: once per group and reason date (its end date when past it, otherwise
  the day its last objective was completed). Usefulness review: once per review date.
- Liaison gaps: a gap counts as persisting once every daily sweep has seen it for at least
  PORTAL_LIAISON_GAP_DAYS days (default 7); a gap that closes, even for one sweep, starts
  over. Then the secretariat of that council is reminded once per gap.
- Terms ending: a group or council membership whose last day is within 30 days is reminded
  to the secretariat of the councils concerned, once per term and last day (a term extended
  is reminded again before its new end).
"""

import datetime
from collections import defaultdict

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, CharField, Exists, F, Max, OuterRef, Q, Value, When
from django.utils import translation
from django.utils.translation import gettext as _

from core.bilingual import LANGUAGES
from councils.models import ActionItem, CouncilMembership, person_name
from notifications import kinds
from notifications.models import Observation, Reminder
from notifications.services import (
    Due,
    bilingual,
    due,
    due_about,
    observe,
    remind,
    subject_key,
    url_for,
)

from . import progress, rules
from .models import Group, GroupMembership, Objective, Workplan
from .rules import _today

DEADLINE_WINDOWS = ((1, kinds.DEADLINE_1), (7, kinds.DEADLINE_7), (30, kinds.DEADLINE_30))
REVIEW_REASON_PAST_END = "past_end_date"
REVIEW_REASON_MET = "objectives_met"


def _batches(queryset, size=None):
    """Keyset pagination by primary key: each batch is one query, none holds the whole set."""
    size = size or settings.PORTAL_REMINDER_BATCH_SIZE
    last = 0
    while True:
        batch = list(queryset.filter(pk__gt=last).order_by("pk")[:size])
        if batch:
            yield batch
        if len(batch) < size:
            return
        last = batch[-1].pk


def _not_reminded(model, kind_expression, date_field):
    """Subjects without a reminder of this kind for this date yet (for anyone): those already
    reminded drop out of the sweep, so its work follows what is new, not what piled up."""
    return ~Exists(
        Reminder.objects.filter(
            content_type=ContentType.objects.get_for_model(model),
            object_id=OuterRef("pk"),
            kind=kind_expression,
            due_date=OuterRef(date_field),
        )
    )


def group_people(group_ids, roles=(GroupMembership.Role.CO_CHAIR,)) -> dict[int, list[int]]:
    """{group id: [user ids]} of the groups' current co-chairs (or other roles): one query."""
    people = defaultdict(list)
    rows = (
        GroupMembership.objects.active()
        .filter(group_id__in=group_ids, role__in=roles, user__is_active=True)
        .order_by("user_id")
        .values_list("group_id", "user_id")
    )
    for group_id, user_id in rows:
        people[group_id].append(user_id)
    return people


def people_by_role(group_ids, roles) -> dict[str, dict[int, list[int]]]:
    """{role: {group id: [user ids]}} of the groups' current members in these roles: what
    group_people gives for each role, in one query for all of them."""
    people = {role: defaultdict(list) for role in roles}
    rows = (
        GroupMembership.objects.active()
        .filter(group_id__in=group_ids, role__in=roles, user__is_active=True)
        .order_by("user_id")
        .values_list("role", "group_id", "user_id")
    )
    for role, group_id, user_id in rows:
        people[role][group_id].append(user_id)
    return people


def council_people(council_ids, roles) -> dict[int, list[int]]:
    """{council id: [user ids]} of the councils' current co-chairs or secretariat: one query."""
    people = defaultdict(list)
    rows = (
        CouncilMembership.objects.active()
        .filter(council_id__in=council_ids, role__in=roles, user__is_active=True)
        .order_by("user_id")
        .values_list("council_id", "user_id")
    )
    for council_id, user_id in rows:
        people[council_id].append(user_id)
    return people


def council_people_by_group(group_ids, roles) -> dict[int, list[int]]:
    """{group id: [user ids]}: people with these roles on the councils each group reports
    to. Two queries."""
    councils_of = defaultdict(list)
    for group_id, council_id in Group.councils.through.objects.filter(
        group_id__in=group_ids
    ).values_list("group_id", "council_id"):
        councils_of[group_id].append(council_id)
    by_council = council_people({c for cs in councils_of.values() for c in cs}, roles)
    return {
        group_id: sorted({u for c in councils for u in by_council.get(c, [])})
        for group_id, councils in councils_of.items()
    }


OVERSEERS = (CouncilMembership.Role.CO_CHAIR, CouncilMembership.Role.SECRETARIAT)


def _group_context(group, prefix=""):
    """What a reminder says about a group: from a Group, or from a row of values that has the
    group's fields under `prefix` (e.g. "group_slug", "group_name_en")."""
    return {
        "group": bilingual(group, f"{prefix}name"),
        "url": url_for("workinggroups:group_detail", getattr(group, f"{prefix}slug")),
    }


# --- Deadlines of objectives and deliverables -----------------------------------------------


def _deadline_objectives(day):
    horizon = day + datetime.timedelta(days=DEADLINE_WINDOWS[-1][0])
    coming = Objective.objects.filter(
        rules.OPEN, due_date__gte=day, due_date__lte=horizon, group__in=Group.objects.current()
    )
    when = [When(due_date__lt=day, then=Value(kinds.OVERDUE))]
    when += [
        When(due_date__lte=day + datetime.timedelta(days=window), then=Value(kind))
        for window, kind in DEADLINE_WINDOWS
    ]
    return (
        (rules.overdue_objectives(day) | coming)
        .annotate(
            reminder_kind=Case(*when, output_field=CharField()),
            group_slug=F("group__slug"),
            group_name_en=F("group__name_en"),
            group_name_fr=F("group__name_fr"),
        )
        .filter(_not_reminded(Objective, OuterRef("reminder_kind"), "due_date"))
        # Rows of what the reminder says, not model instances: a first sweep may read every
        # objective, and building an Objective and its Group took half of reading them.
        .values_list(
            "pk",
            "group_id",
            "kind",
            "title_en",
            "title_fr",
            "due_date",
            "reminder_kind",
            "group_slug",
            "group_name_en",
            "group_name_fr",
            named=True,
        )
    )


def deadline_dues(day=None):
    """Objectives and deliverables due in 30, 7 and 1 days → the group's co-chairs; missed
    ones → the co-chairs and the group's council representatives. Yields one list per batch."""
    day = _today(day)
    roles = GroupMembership.Role
    group_contexts = {}  # once a group: reversing its URL is the costly part
    for batch in _batches(_deadline_objectives(day)):
        group_ids = {o.group_id for o in batch}
        people = people_by_role(group_ids, (roles.CO_CHAIR, roles.REPRESENTATIVE))
        cochairs, representatives = people[roles.CO_CHAIR], people[roles.REPRESENTATIVE]
        dues = []
        for objective in batch:
            kind = objective.reminder_kind
            recipients = list(cochairs.get(objective.group_id, []))
            if kind == kinds.OVERDUE:
                recipients += representatives.get(objective.group_id, [])
            if objective.group_id not in group_contexts:
                group_contexts[objective.group_id] = _group_context(objective, prefix="group_")
            context = {
                **group_contexts[objective.group_id],
                "objective": bilingual(objective, "title"),
                "is_deliverable": objective.kind == Objective.Kind.DELIVERABLE,
                "due_date": objective.due_date.isoformat(),
                "days_left": (objective.due_date - day).days,
            }
            dues += [
                due_about(Objective, objective.pk, u, kind, objective.due_date, context)
                for u in recipients
            ]
        yield dues


def remind_deadlines(day=None) -> list[int]:
    return [pk for dues in deadline_dues(day) for pk in remind(dues)]


# --- Workplans not submitted ----------------------------------------------------------------


def workplan_dues(day=None):
    """Draft or returned workplans past their due date → the group's co-chairs."""
    day = _today(day)
    workplans = (
        rules.workplans_not_submitted(day)
        .filter(_not_reminded(Workplan, kinds.WORKPLAN_NOT_SUBMITTED, "due_date"))
        .select_related("group")
    )
    for batch in _batches(workplans):
        cochairs = group_people({w.group_id for w in batch})
        dues = []
        for workplan in batch:
            context = {
                **_group_context(workplan.group),
                "version": workplan.version,
                "period_start_date": workplan.period_start.isoformat(),
                "period_end_date": workplan.period_end.isoformat(),
                "due_date": workplan.due_date.isoformat(),
            }
            dues += [
                due(u, kinds.WORKPLAN_NOT_SUBMITTED, workplan, workplan.due_date, context)
                for u in cochairs.get(workplan.group_id, [])
            ]
        yield dues


def remind_workplans(day=None) -> list[int]:
    return [pk for dues in workplan_dues(day) for pk in remind(dues)]


# --- Progress reports ----------------------------------------------------------------------


def _report_context(group, start, end, due_date, overdue):
    return {
        **_group_context(group),
        "period_start_date": start.isoformat(),
        "period_end_date": end.isoformat(),
        "due_date": due_date.isoformat(),
        "overdue": overdue,
    }


def _report_periods(day):
    """(kind, period start, end, due date) of the reminders `day` may owe: the "due soon" one
    of the next report due, within its notice, and the "overdue" one of the last report due."""
    periods = []
    start, end = progress.next_due_period(day)
    due_date = progress.report_due_date(end)
    notice = datetime.timedelta(days=settings.PORTAL_PROGRESS_REPORT_NOTICE_DAYS)
    if due_date - notice <= day:
        periods.append((kinds.PROGRESS_REPORT_DUE, start, end, due_date))
    start, end = progress.last_due_period(day)
    periods.append((kinds.PROGRESS_REPORT_OVERDUE, start, end, progress.report_due_date(end)))
    return periods


def progress_report_dues(day=None):
    """Groups that have not filed the report of a period → its co-chairs: once when it is due
    within PORTAL_PROGRESS_REPORT_NOTICE_DAYS days, once more the day after it is due."""
    day = _today(day)
    group_type = ContentType.objects.get_for_model(Group)
    for kind, start, end, due_date in _report_periods(day):
        reminded = Reminder.objects.filter(
            content_type=group_type, object_id=OuterRef("pk"), kind=kind, due_date=due_date
        )
        groups = progress.groups_without_report(start, end).filter(~Exists(reminded))
        for batch in _batches(groups):
            cochairs = group_people({g.pk for g in batch})
            overdue = kind == kinds.PROGRESS_REPORT_OVERDUE
            dues = []
            for group in batch:
                context = _report_context(group, start, end, due_date, overdue)
                dues += [due(u, kind, group, due_date, context) for u in cochairs.get(group.pk, [])]
            yield dues


def remind_progress_reports(day=None) -> list[int]:
    return [pk for dues in progress_report_dues(day) for pk in remind(dues)]


# --- Action items (next steps of meetings) -----------------------------------------------
# They live in councils, which sits below notifications in the import order, so their sweep
# lives here with the other sweeps.

ACTION_ITEM_NOTICE_DAYS = 7


def _action_item_headline(item, day) -> dict:
    title = bilingual(item, "title")
    texts = {}
    for lang in LANGUAGES:
        with translation.override(lang):
            if item.due_date < day:
                text = _("Action item overdue since %(date)s: %(title)s")
            else:
                text = _("Action item due on %(date)s: %(title)s")
            texts[lang] = text % {"date": item.due_date.isoformat(), "title": title[lang]}
    return texts


def action_item_dues(day=None):
    """Open action items due within a week → their owner, once; overdue ones → once more."""
    day = _today(day)
    items = ActionItem.objects.open().filter(
        owner__isnull=False,
        owner__is_active=True,
        due_date__lte=day + datetime.timedelta(days=ACTION_ITEM_NOTICE_DAYS),
    )
    for batch in _batches(items):
        dues = []
        for item in batch:
            stage = "overdue" if item.due_date < day else "due"
            context = {
                "headline": _action_item_headline(item, day),
                "title": bilingual(item, "title"),
                "due_date": item.due_date.isoformat(),
                "url": url_for("councils:action_item_list"),
            }
            dues.append(
                due(
                    item.owner_id,
                    kinds.ACTION_ITEM,
                    item,
                    item.due_date,
                    context,
                    key_parts=(stage,),
                )
            )
        yield dues


def remind_action_items(day=None) -> list[int]:
    return [pk for dues in action_item_dues(day) for pk in remind(dues)]


# --- Terms ending --------------------------------------------------------------------------
# Council memberships live in councils, below notifications in the import order: their sweep
# lives here with the groups' one.

TERM_NOTICE_DAYS = 30


def _role_labels(model):
    """{role: {"en": label, "fr": label}} of a membership model's roles, lower case."""
    labels = {}
    for lang in LANGUAGES:
        with translation.override(lang):
            for value, label in model.Role.choices:
                labels.setdefault(value, {})[lang] = str(label).lower()
    return labels


def _term_context(term, role_labels, body, url, day):
    return {
        "person": person_name(term.user),
        "role": role_labels[term.role],
        "body": body,
        "end_date": term.end_date.isoformat(),
        "days_left": (term.end_date - day).days,
        "url": url,
    }


def _ending(model, day):
    horizon = day + datetime.timedelta(days=TERM_NOTICE_DAYS)
    return (
        model.objects.ending_between(day, horizon)
        .filter(user__is_active=True)
        .filter(_not_reminded(model, kinds.TERM_ENDING, "end_date"))
    )


def _all_secretariat():
    return sorted(
        set(
            CouncilMembership.objects.active()
            .filter(role=CouncilMembership.Role.SECRETARIAT, user__is_active=True)
            .values_list("user_id", flat=True)
        )
    )


def term_ending_dues(day=None):
    """Group and council memberships whose term ends within 30 days → the secretariat of
    the councils concerned (a group's: those it reports to, and the one a representative
    sits on; every secretariat member when that is none), once per term and last day, so a
    term extended and ending later is reminded again. Yields one list per batch."""
    day = _today(day)
    secretariat = (CouncilMembership.Role.SECRETARIAT,)
    everyone = None
    labels = _role_labels(GroupMembership)
    terms = _ending(GroupMembership, day).filter(group__in=Group.objects.current())
    for batch in _batches(terms.select_related("user", "group")):
        councils_of = defaultdict(set)
        for group_id, council_id in Group.councils.through.objects.filter(
            group_id__in={t.group_id for t in batch}
        ).values_list("group_id", "council_id"):
            councils_of[group_id].add(council_id)
        wanted = {c for cs in councils_of.values() for c in cs}
        wanted |= {t.council_id for t in batch if t.council_id}
        by_council = council_people(wanted, secretariat)
        dues = []
        for term in batch:
            councils = councils_of[term.group_id] | ({term.council_id} - {None})
            recipients = sorted({u for c in councils for u in by_council.get(c, [])})
            if not recipients:
                everyone = _all_secretariat() if everyone is None else everyone
                recipients = everyone
            context = _term_context(
                term,
                labels,
                bilingual(term.group, "name"),
                url_for("workinggroups:group_memberships", term.group.slug),
                day,
            )
            dues += [due(u, kinds.TERM_ENDING, term, term.end_date, context) for u in recipients]
        yield dues
    labels = _role_labels(CouncilMembership)
    for batch in _batches(_ending(CouncilMembership, day).select_related("user", "council")):
        by_council = council_people({t.council_id for t in batch}, secretariat)
        dues = []
        for term in batch:
            context = _term_context(
                term,
                labels,
                bilingual(term.council, "acronym"),
                url_for("councils:council_members", term.council.code),
                day,
            )
            dues += [
                due(u, kinds.TERM_ENDING, term, term.end_date, context)
                for u in by_council.get(term.council_id, [])
            ]
        yield dues


def remind_terms_ending(day=None) -> list[int]:
    return [pk for dues in term_ending_dues(day) for pk in remind(dues)]


def _forecast_terms(start, end, add):
    """The term-ending reminders of terms whose notice starts between `start` and `end`: three
    queries (the terms of groups and of councils, and the secretariat)."""
    notice = datetime.timedelta(days=TERM_NOTICE_DAYS)
    first, last = start + notice, end + notice
    group_terms = list(
        GroupMembership.objects.ending_between(first, last)
        .filter(user__is_active=True, group__in=Group.objects.current())
        .select_related("user", "group", "council")
    )
    council_terms = list(
        CouncilMembership.objects.ending_between(first, last)
        .filter(user__is_active=True)
        .select_related("user", "council")
    )
    if not (group_terms or council_terms):
        return
    through = Group.councils.through.objects.filter(group_id__in={t.group_id for t in group_terms})
    councils_of = defaultdict(set)
    for group_id, council_id in through.values_list("group_id", "council_id"):
        councils_of[group_id].add(council_id)
    by_council = council_people(
        {c for cs in councils_of.values() for c in cs}
        | {t.council_id for t in group_terms + council_terms if t.council_id},
        (CouncilMembership.Role.SECRETARIAT,),
    )
    for term in group_terms:
        councils = councils_of[term.group_id] | ({term.council_id} - {None})
        recipients = sorted({u for c in councils for u in by_council.get(c, [])})
        add(term.end_date - notice, kinds.TERM_ENDING, term, term.group, recipients)
    for term in council_terms:
        recipients = by_council.get(term.council_id, [])
        add(term.end_date - notice, kinds.TERM_ENDING, term, None, recipients, council=term.council)


# --- Dissolution and usefulness reviews -----------------------------------------------------


def review_anchor(group, day) -> tuple[datetime.date, str]:
    """The date a dissolution review became due, and why: stable from one sweep to the next."""
    if group.end_date and group.end_date < day:
        return group.end_date, REVIEW_REASON_PAST_END
    # All objectives met: the day the last one was completed (its start date if unrecorded).
    return group.last_completed or group.start_date or datetime.date(2000, 1, 1), (
        REVIEW_REASON_MET
    )


def dissolution_review_dues(day=None):
    """Working groups due for a dissolution review → the co-chairs and the secretariat of the
    councils they report to."""
    day = _today(day)
    groups = rules.due_for_dissolution_review(day).annotate(
        last_completed=Max("objectives__completed_on", filter=Q(objectives__status="done"))
    )
    for batch in _batches(groups):
        overseers = council_people_by_group({g.pk for g in batch}, OVERSEERS)
        dues = []
        for group in batch:
            anchor, reason = review_anchor(group, day)
            context = {
                **_group_context(group),
                "reason": reason,
                "end_date": group.end_date.isoformat() if group.end_date else "",
            }
            dues += [
                due(u, kinds.DISSOLUTION_REVIEW, group, anchor, context)
                for u in overseers.get(group.pk, [])
            ]
        yield dues


def usefulness_review_dues(day=None):
    """Communities of practice past their usefulness review date → the co-chairs and the
    secretariat of the councils they report to."""
    day = _today(day)
    groups = rules.usefulness_review_overdue(day).filter(
        _not_reminded(Group, kinds.USEFULNESS_REVIEW, "next_review_date")
    )
    for batch in _batches(groups):
        overseers = council_people_by_group({g.pk for g in batch}, OVERSEERS)
        dues = []
        for group in batch:
            context = {
                **_group_context(group),
                "review_date": group.next_review_date.isoformat(),
            }
            dues += [
                due(u, kinds.USEFULNESS_REVIEW, group, group.next_review_date, context)
                for u in overseers.get(group.pk, [])
            ]
        yield dues


def remind_reviews(day=None) -> list[int]:
    claimed = [pk for dues in dissolution_review_dues(day) for pk in remind(dues)]
    return claimed + [pk for dues in usefulness_review_dues(day) for pk in remind(dues)]


# --- Liaison gaps ---------------------------------------------------------------------------


def _gap_key(pair):
    return subject_key(pair.group, "council", pair.council_id)


def liaison_gap_dues(day=None) -> list[Due]:
    """Liaison gaps seen by every sweep for PORTAL_LIAISON_GAP_DAYS days → the secretariat of
    the council concerned. Records what it sees (notifications.Observation)."""
    day = _today(day)
    pairs = list(rules.liaison_gap_pairs())
    first_seen = observe(kinds.LIAISON_GAP, {_gap_key(p) for p in pairs}, day)
    persisting = [
        p for p in pairs if (day - first_seen[_gap_key(p)]).days >= settings.PORTAL_LIAISON_GAP_DAYS
    ]
    secretariat = council_people(
        {p.council_id for p in persisting}, (CouncilMembership.Role.SECRETARIAT,)
    )
    dues = []
    for pair in persisting:
        since = first_seen[_gap_key(pair)]
        context = {
            **_group_context(pair.group),
            "council": bilingual(pair.council, "acronym"),
            "since_date": since.isoformat(),
            "days": (day - since).days,
        }
        dues += [
            due(
                u,
                kinds.LIAISON_GAP,
                pair.group,
                since,
                context,
                key_parts=("council", pair.council_id),
            )
            for u in secretariat.get(pair.council_id, [])
        ]
    return dues


def remind_liaison_gaps(day=None) -> list[int]:
    return remind(liaison_gap_dues(day))


# --- Weekly digest --------------------------------------------------------------------------


def digest_items(day=None) -> dict[int, list[dict]]:
    """What waits on each co-chair, for the weekly digest: {user id: [items]}.

    Group co-chairs: their groups' open objectives overdue or due within 30 days, and their
    workplans not submitted. Council co-chairs: groups of their councils due for a dissolution
    or usefulness review. Seven queries, whatever the data.
    """
    day = _today(day)
    horizon = day + datetime.timedelta(days=30)
    items = defaultdict(list)

    cochaired = defaultdict(list)
    for user_id, group_id in (
        GroupMembership.objects.active()
        .filter(role=GroupMembership.Role.CO_CHAIR, user__is_active=True)
        .values_list("user_id", "group_id")
    ):
        cochaired[group_id].append(user_id)
    objectives = (
        Objective.objects.filter(
            rules.OPEN,
            group_id__in=cochaired,
            due_date__lte=horizon,
            group__in=Group.objects.current(),
        )
        .select_related("group")
        .order_by("due_date", "pk")
    )
    for o in objectives:
        item = {
            "type": "objective_overdue" if o.due_date < day else "objective_due",
            **_group_context(o.group),
            "objective": bilingual(o, "title"),
            "due_date": o.due_date.isoformat(),
        }
        for user_id in cochaired[o.group_id]:
            items[user_id].append(item)
    for w in (
        rules.workplans_not_submitted(day).filter(group_id__in=cochaired).select_related("group")
    ):
        item = {
            "type": "workplan_not_submitted",
            **_group_context(w.group),
            "due_date": w.due_date.isoformat(),
        }
        for user_id in cochaired[w.group_id]:
            items[user_id].append(item)

    reviews = [(g, "dissolution_review") for g in rules.due_for_dissolution_review(day)]
    reviews += [(g, "usefulness_review") for g in rules.usefulness_review_overdue(day)]
    if reviews:
        council_cochairs = council_people_by_group(
            {g.pk for g, _ in reviews}, (CouncilMembership.Role.CO_CHAIR,)
        )
        for group, kind in reviews:
            item = {"type": kind, **_group_context(group)}
            for user_id in council_cochairs.get(group.pk, []):
                items[user_id].append(item)
    return dict(items)


# --- Forecast for the secretariat -----------------------------------------------------------


def forecast(start: datetime.date, end: datetime.date) -> list[dict]:
    """Reminders the rules will send after `start` up to `end`, with their recipients.

    Computed from the dates in the data: a deadline's windows and the day after it, a
    workplan's, a group's end date or review date, a liaison gap's first sighting, the
    notice before a term ends. Groups whose objectives get all met in the meantime cannot be
    foreseen. A number of queries that does not depend on the data.
    """
    one = datetime.timedelta(days=1)
    rows = []

    def add(date, kind, subject, group, recipients, key=None, council=None):
        if start < date <= end:
            rows.append(
                {
                    "date": date,
                    "kind": kind,
                    "kind_label": kinds.get(kind).label,
                    "subject_key": key or subject_key(subject),
                    "group": group,
                    "council": council,
                    "subject": subject,
                    "recipient_ids": recipients,
                }
            )

    objectives = Objective.objects.filter(
        rules.OPEN,
        group__in=Group.objects.current(),
        due_date__gt=start - one,
        due_date__lte=end + datetime.timedelta(days=DEADLINE_WINDOWS[-1][0]),
    ).select_related("group")
    workplans = Workplan.objects.filter(
        status__in=[Workplan.Status.DRAFT, Workplan.Status.RETURNED],
        group__in=Group.objects.current(),
        due_date__gte=start,
        due_date__lt=end,
    ).select_related("group")
    ending = rules.working_groups().filter(end_date__gte=start, end_date__lt=end)
    reviews = Group.objects.filter(
        kind=Group.Kind.COMMUNITY_OF_PRACTICE,
        status=Group.Status.ACTIVE,
        next_review_date__gte=start,
        next_review_date__lt=end,
    )
    objectives, workplans, ending, reviews = (
        list(objectives),
        list(workplans),
        list(ending),
        list(reviews),
    )
    group_ids = {o.group_id for o in objectives} | {w.group_id for w in workplans}
    roles = GroupMembership.Role
    people = people_by_role(group_ids, (roles.CO_CHAIR, roles.REPRESENTATIVE))
    cochairs, representatives = people[roles.CO_CHAIR], people[roles.REPRESENTATIVE]
    overseers = council_people_by_group({g.pk for g in ending + reviews}, OVERSEERS)

    for o in objectives:
        for window, kind in DEADLINE_WINDOWS:
            when = o.due_date - datetime.timedelta(days=window)
            add(when, kind, o, o.group, cochairs.get(o.group_id, []))
        add(
            o.due_date + one,
            kinds.OVERDUE,
            o,
            o.group,
            cochairs.get(o.group_id, []) + representatives.get(o.group_id, []),
        )
    for w in workplans:
        add(
            w.due_date + one, kinds.WORKPLAN_NOT_SUBMITTED, w, w.group, cochairs.get(w.group_id, [])
        )
    for g in ending:
        add(g.end_date + one, kinds.DISSOLUTION_REVIEW, g, g, overseers.get(g.pk, []))
    for g in reviews:
        add(g.next_review_date + one, kinds.USEFULNESS_REVIEW, g, g, overseers.get(g.pk, []))

    _forecast_reports(start, end, add)
    _forecast_terms(start, end, add)

    pairs = list(rules.liaison_gap_pairs())
    seen = dict(
        Observation.objects.filter(kind=kinds.LIAISON_GAP).values_list("subject_key", "first_seen")
    )
    secretariat = council_people(
        {p.council_id for p in pairs}, (CouncilMembership.Role.SECRETARIAT,)
    )
    gap_days = datetime.timedelta(days=settings.PORTAL_LIAISON_GAP_DAYS)
    for p in pairs:
        first = seen.get(_gap_key(p), start)
        recipients = secretariat.get(p.council_id, [])
        # About: the council the group has nobody on.
        add(first + gap_days, kinds.LIAISON_GAP, p.council, p.group, recipients, _gap_key(p))
    return rows


def _forecast_reports(start, end, add):
    """The progress-report reminders of the periods due between `start` and `end` (and just
    after, for the notice): two queries a period (the groups, their co-chairs)."""
    notice = datetime.timedelta(days=settings.PORTAL_PROGRESS_REPORT_NOTICE_DAYS)
    period = progress.last_due_period(start)
    while progress.report_due_date(period[1]) - notice <= end:
        due_date = progress.report_due_date(period[1])
        groups = list(progress.groups_without_report(*period))
        cochairs = group_people({g.pk for g in groups})
        for g in groups:
            recipients = cochairs.get(g.pk, [])
            add(due_date - notice, kinds.PROGRESS_REPORT_DUE, g, g, recipients)
            add(
                due_date + datetime.timedelta(days=1),
                kinds.PROGRESS_REPORT_OVERDUE,
                g,
                g,
                recipients,
            )
        period = progress.period_after(period[1])
