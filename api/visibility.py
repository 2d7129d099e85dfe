"""Which rows each API endpoint shows a caller: ONE function per endpoint.

A signed-in person sees what their pages show them, through the same permission functions and
selectors the pages use (no rule is written here). Everyone, signed in or not, also sees the
published records; an anonymous caller, or a signed-in person with no role, sees only those.

The published records come from `public_*` below, one per endpoint.
"""

from councils.models import Council, Meeting
from councils.permissions import can_view_meetings, is_portal_reader
from funding.models import FundingRequest
from funding.selectors import visible_requests
from publication.selectors import (
    published_decisions,
    published_groups,
    published_meeting_decisions,
    published_minutes,
    published_plans,
)
from strategy.models import StrategicPlan
from strategy.selectors import visible_plans
from workinggroups.models import Group, Objective
from workinggroups.permissions import can_view_group

# --- Published records (anonymous callers) -----------------------------------------------------
# What the secretariat published (publication.selectors, the same selectors the public pages and
# the open data read), as id filters, so each can be OR-ed with what a signed-in caller's pages
# show. A meeting is public through its published, approved minutes (which carry its
# decisions); a meeting public only through one decision is read on the public pages, not here.


def public_councils():
    """The councils of the published groups."""
    groups = published_groups().values("pk")
    return Council.objects.filter(pk__in=Council.objects.filter(groups__in=groups).values("pk"))


def public_groups():
    return Group.objects.filter(pk__in=published_groups().values("pk"))


def public_objectives():
    """The objectives on a published (adopted) plan."""
    on_plans = Objective.objects.filter(plan_items__plan__in=published_plans().values("pk"))
    return Objective.objects.filter(pk__in=on_plans.values("pk"))


def public_plans():
    return StrategicPlan.objects.filter(pk__in=published_plans().values("pk"))


def public_meetings():
    return Meeting.objects.filter(pk__in=published_minutes().values("pk"))


def public_decisions():
    """Meeting decisions published one by one (publication.selectors)."""
    return published_meeting_decisions()


def sees_all_decisions(user):
    """A meeting's every decision, for those whose meeting pages show them all."""
    return can_view_meetings(user)


def public_funding_requests():
    return FundingRequest.objects.filter(pk__in=published_decisions().values("pk"))


# --- What each caller sees -----------------------------------------------------------------------


def _with_public(visible, public):
    """The rows of `visible` and those of `public`, as one queryset (an OR of both filters).

    When `visible` is every row (no filter: a portal reader's groups, councils, objectives,
    meetings), so is the union, and the published records' filter is not built at all
    (issue 17: building it was 0.9 ms of the groups endpoint, for SQL that compiled away)."""
    if not visible.query.has_filters():
        return visible
    return visible | public


def councils_for(user):
    """The council list page: every portal reader (councils.views.CouncilListView)."""
    if is_portal_reader(user):
        return _with_public(Council.objects.all(), public_councils())
    return public_councils()


def groups_for(user):
    """The group list and group pages: workinggroups.permissions.can_view_group."""
    if can_view_group(user, None):
        return _with_public(Group.objects.all(), public_groups())
    return public_groups()


def objectives_for(user):
    """An objective's page: every portal reader (workinggroups.progress_views._objective_for)."""
    if is_portal_reader(user):
        return _with_public(Objective.objects.all(), public_objectives())
    return public_objectives()


def plans_for(user):
    """The plan list: strategy.selectors.visible_plans (drafts for the secretariat and the
    council co-chairs only)."""
    return _with_public(visible_plans(user), public_plans())


def meetings_for(user):
    """The meeting list and pages: councils.permissions.can_view_meetings."""
    if can_view_meetings(user):
        return _with_public(Meeting.objects.all(), public_meetings())
    return public_meetings()


def funding_requests_for(user):
    """The funding list: funding.selectors.visible_requests (permissions.can_view_request as
    SQL)."""
    visible = visible_requests(user, FundingRequest.objects.all())
    return _with_public(visible, public_funding_requests())
