import functools
from dataclasses import dataclass, field

from django.db import connection
from django.utils import timezone

from councils.models import CouncilMembership
from councils.permissions import council_roles, council_roles_from, is_portal_reader, is_secretariat
from notifications.selectors import UNREAD_CAP, remember_unread

from .models import GroupMembership


@dataclass(frozen=True)
class GroupRoles:
    co_chair_of: frozenset = field(default_factory=frozenset)
    member_of: frozenset = field(default_factory=frozenset)
    representative_of: frozenset = field(default_factory=frozenset)

    @property
    def groups(self):
        return self.co_chair_of | self.member_of | self.representative_of


def group_roles(user) -> GroupRoles:
    if not getattr(user, "is_authenticated", False):
        return GroupRoles()
    cached = getattr(user, "_group_roles", None)
    if cached is None:
        load_roles(user)
        cached = user._group_roles
    return cached


@functools.cache
def _roles_sql() -> str:
    """`load_roles`'s query, written once: a person's current council roles, their current
    group roles and their unread count, as (role, id, source) rows. Plain SQL because building
    the same UNION with the ORM on every request cost more than running it (issue 17: about
    1 ms of the empty page's 2.4 ms over the bare view)."""
    from notifications.models import Notification

    # Only identifiers from the models' metadata, quoted, go into the text; values are
    # parameters (hence the noqa S608 below).
    quote = connection.ops.quote_name

    def table(model):
        return quote(model._meta.db_table)

    def col(model, name):
        return quote(model._meta.get_field(name).column)

    def memberships(model, target, source):
        role, pk, user = col(model, "role"), col(model, target), col(model, "user")
        start, end = col(model, "start_date"), col(model, "end_date")
        return (
            f"SELECT {role}, {pk}, '{source}' FROM {table(model)} WHERE {user} = %(user)s "  # noqa: S608
            f"AND {start} <= %(day)s AND ({end} IS NULL OR {end} >= %(day)s)"
        )

    recipient, read_at = col(Notification, "recipient"), col(Notification, "read_at")
    # Counted up to UNREAD_CAP only (the badge then says "99+"): an inbox of 5,000 unread
    # entries cost 2.8 ms on every page (issue 17, scale 1,000).
    unread = (
        f"SELECT 'unread', COUNT(*), 'inbox' FROM (SELECT 1 FROM {table(Notification)} "  # noqa: S608
        f"WHERE {recipient} = %(user)s AND {read_at} IS NULL LIMIT {int(UNREAD_CAP)}) unread"
    )
    return " UNION ALL ".join(
        [
            memberships(CouncilMembership, "council", "council"),
            memberships(GroupMembership, "group", "group"),
            unread,
        ]
    )


def load_roles(user):
    """A person's current council and group roles in one query, kept on the user object for
    the request (PORTAL_ROLES_LOADER): most pages check both. The same query brings the
    person's unread count (notifications.selectors.unread_count)."""
    with connection.cursor() as cursor:
        cursor.execute(_roles_sql(), {"user": user.pk, "day": timezone.localdate().isoformat()})
        rows = cursor.fetchall()
    remember_unread(user, rows)
    user._council_roles = council_roles_from((r, pk) for r, pk, src in rows if src == "council")
    by_role = {role: set() for role in GroupMembership.Role.values}
    for role, group_id, src in rows:
        if src == "group":
            by_role[role].add(group_id)
    user._group_roles = GroupRoles(
        co_chair_of=frozenset(by_role["co_chair"]),
        member_of=frozenset(by_role["member"]),
        representative_of=frozenset(by_role["representative"]),
    )


def can_view_group(user, group) -> bool:
    return is_portal_reader(user)


def can_edit_group(user, group=None) -> bool:
    """Create a group, edit it and its mandate: the secretariat."""
    return is_secretariat(user)


def can_manage_memberships(user, group=None) -> bool:
    """Add, change and end co-chairs, members and council representatives: the secretariat."""
    return is_secretariat(user)


def is_group_cochair(user, group) -> bool:
    return group.pk in group_roles(user).co_chair_of


def persona(user) -> str:
    """A label for the person's widest role, used in the header and in tests."""
    if is_secretariat(user):
        return "secretariat"
    if council_roles(user).co_chair_of:
        return "council_cochair"
    if group_roles(user).co_chair_of:
        return "group_cochair"
    if is_portal_reader(user):
        return "member"
    return "outsider"


def can_transition_group(user, group) -> bool:
    """Lifecycle changes (activate, wind down, dissolve, convert, retire): the secretariat."""
    return is_secretariat(user)


def can_manage_group_records(user) -> bool:
    """Mandate reviews, links between groups and measures: the secretariat."""
    return is_secretariat(user)


def can_view_health(user) -> bool:
    """The group-health page: the secretariat, and council co-chairs who decide reviews."""
    return is_secretariat(user) or bool(council_roles(user).co_chair_of)


def can_draft_workplan(user, group) -> bool:
    """A current co-chair of the group drafts and submits its workplan."""
    return is_group_cochair(user, group) and group.status not in ("dissolved", "retired")


def can_view_workplan(user, workplan) -> bool:
    """Accepted and superseded versions are read by every reader; drafts, submitted and
    returned versions only by the group's co-chairs and the secretariat."""
    if not is_portal_reader(user):
        return False
    if workplan.status in ("accepted", "superseded"):
        return True
    # The group's id, not the group: a list of workplans asks this per row without a query.
    return is_secretariat(user) or workplan.group_id in group_roles(user).co_chair_of


def can_review_workplan(user, workplan) -> bool:
    return is_secretariat(user)


def can_update_measure(user, measure) -> bool:
    """The secretariat edits measures; a measure's owner may move its status."""
    return is_secretariat(user) or (user.is_authenticated and measure.owner_id == user.pk)


def can_use_calendar(user) -> bool:
    return is_portal_reader(user)


# --- Progress reporting ---------------------------------------------------------------------

CLOSED_GROUP_STATUSES = ("dissolved", "retired")


def can_update_objective(user, objective) -> bool:
    """A current co-chair of the objective's group, or the secretariat for any group; not once
    the group is dissolved or retired (its record is closed)."""
    group = objective.group
    if group.status in CLOSED_GROUP_STATUSES:
        return False
    return is_secretariat(user) or is_group_cochair(user, group)


def can_file_progress_report(user, group) -> bool:
    """A current co-chair drafts and submits the group's progress reports; the secretariat
    may do it for any group (e.g. from a report sent by e-mail)."""
    if group.status in CLOSED_GROUP_STATUSES:
        return False
    return is_secretariat(user) or is_group_cochair(user, group)


def can_view_progress_report(user, report) -> bool:
    """Filed reports (submitted, acknowledged) are read by every reader; drafts and returned
    reports by the group's co-chairs and the secretariat."""
    if not is_portal_reader(user):
        return False
    if report.status in ("submitted", "acknowledged"):
        return True
    return is_secretariat(user) or is_group_cochair(user, report.group)


def can_review_progress_report(user, report) -> bool:
    return is_secretariat(user)
