"""Liaison gaps on given days, for the few groups a change concerns, and the confirmation an
action needs when it would open one.

The health page and the reminders read today's gaps for every group in SQL
(`rules.liaison_gap_pairs`, `selectors.liaison_covered`). A change of membership needs the
same answer for a few groups on a few days (today, the day a term ends, the day one starts):
`gaps()` reads it in three queries and applies the same rule in Python — a group reporting to
a council has a liaison there on a day when one of its representatives for that council, or
one of its co-chairs who sits on that council, is in office that day.

A service takes the gaps before and after applying its change, inside its transaction and
under the locks of the councils concerned (`lock_councils`), so that two people changing the
liaisons of one council at once are served one after the other and the second sees the
first's change. Gaps the change opens need a reason and the person's confirmation of those
very gaps (`require_confirmation`); otherwise `core.workflow.NeedsConfirmation` rolls the
change back and names them.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from core.workflow import NeedsConfirmation
from councils.models import Council, CouncilMembership
from councils.services import lock_councils  # noqa: F401 - the one lock order, shared

from .models import Group, GroupMembership

LIAISON_ROLES = (GroupMembership.Role.CO_CHAIR, GroupMembership.Role.REPRESENTATIVE)


@dataclass(frozen=True, order=True)
class Gap:
    """From `day` on, `group` has nobody on `council` (ids; names are loaded to show it)."""

    group_id: int
    council_id: int
    day: datetime.date

    @property
    def token(self) -> str:
        return f"{self.group_id}:{self.council_id}"


def _in_office(row, day) -> bool:
    start, end = row
    return start <= day and (end is None or end >= day)


def gaps(group_ids, days) -> set[tuple[int, int, datetime.date]]:
    """{(group id, council id, day)}: the (current) groups among `group_ids` with nobody on a
    council they report to, on each of `days`. Three queries, whatever the days."""
    group_ids, days = set(group_ids), sorted(set(days))
    if not group_ids or not days:
        return set()
    pairs = list(
        Group.councils.through.objects.filter(
            group_id__in=group_ids, group__in=Group.objects.current()
        ).values_list("group_id", "council_id")
    )
    if not pairs:
        return set()
    terms = list(
        GroupMembership.objects.filter(group_id__in=group_ids, role__in=LIAISON_ROLES)
        .filter_by_days(days)
        .values_list("group_id", "user_id", "role", "council_id", "start_date", "end_date")
    )
    seats = defaultdict(list)  # (user id, council id) → [(start, end)]
    cochair_ids = {t[1] for t in terms if t[2] == GroupMembership.Role.CO_CHAIR}
    if cochair_ids:
        for user_id, council_id, start, end in (
            CouncilMembership.objects.filter(user_id__in=cochair_ids)
            .filter_by_days(days)
            .values_list("user_id", "council_id", "start_date", "end_date")
        ):
            seats[user_id, council_id].append((start, end))
    by_group = defaultdict(list)
    for group_id, user_id, role, council_id, start, end in terms:
        by_group[group_id].append((user_id, role, council_id, (start, end)))
    found = set()
    for day in days:
        for group_id, council_id in pairs:
            covered = any(
                _in_office(term, day)
                and (
                    (role == GroupMembership.Role.REPRESENTATIVE and seat == council_id)
                    or (
                        role == GroupMembership.Role.CO_CHAIR
                        and any(_in_office(s, day) for s in seats[user_id, council_id])
                    )
                )
                for user_id, role, seat, term in by_group[group_id]
            )
            if not covered:
                found.add((group_id, council_id, day))
    return found


def days_concerned(*dates, today=None) -> set[datetime.date]:
    """Today, and each date given (a start, or the day after an end) that is still to come."""
    today = today or timezone.localdate()
    return {today} | {d for d in dates if d is not None and d > today}


def day_after(date):
    return date + datetime.timedelta(days=1) if date else None


def opened(before, after) -> list[Gap]:
    """The gaps `after` has and `before` had not, each on the first day it appears."""
    first = {}
    for group_id, council_id, day in sorted(after - before, key=lambda g: g[2]):
        first.setdefault((group_id, council_id), Gap(group_id, council_id, day))
    return sorted(first.values())


def describe(found: list[Gap]) -> list[Gap]:
    """The gaps with their group and council loaded (two queries), to name them on a page."""
    groups = Group.objects.in_bulk({g.group_id for g in found})
    councils = Council.objects.in_bulk({g.council_id for g in found})
    for gap in found:
        object.__setattr__(gap, "group", groups[gap.group_id])
        object.__setattr__(gap, "council", councils[gap.council_id])
    return found


def require_confirmation(found: list[Gap], *, reason: str, confirmed) -> None:
    """Let the change stand only if every gap it opens was confirmed, with a reason."""
    if not found:
        return
    confirmed = set(confirmed or ())
    if all(g.token in confirmed for g in found) and (reason or "").strip():
        return
    if all(g.token in confirmed for g in found):
        message = _("Give the reason for opening this liaison gap: it is kept in the history.")
    else:
        message = _(
            "This change would leave a group with nobody on a council it reports to. Check "
            "the gap below, give a reason and confirm."
        )
    raise NeedsConfirmation(message, items=describe(found), code="liaison_gap")


def council_change_check(*, user_ids, council_ids, days):
    """settings.PORTAL_LIAISON_CHECK: called by the councils' membership services (a lower app)
    before a change of council membership. A co-chair's seat on a council is their group's
    liaison there: the groups these people co-chair that report to these councils are watched,
    and the returned function, called after the change, refuses the gaps it opened unless
    they were confirmed with a reason."""
    group_ids = set(
        GroupMembership.objects.filter(
            user_id__in=user_ids,
            role=GroupMembership.Role.CO_CHAIR,
            group__councils__in=council_ids,
        )
        .filter_by_days(days)
        .values_list("group_id", flat=True)
    )
    before = gaps(group_ids, days)

    def check(*, reason, confirmed):
        require_confirmation(
            opened(before, gaps(group_ids, days)), reason=reason, confirmed=confirmed
        )

    return check
