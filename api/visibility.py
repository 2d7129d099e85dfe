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
from strategy.models import StrategicPlan
from strategy.selectors import visible_plans
from workinggroups.models import Group, Objective
from workinggroups.permissions import can_view_group

# --- Published records (anonymous callers) -----------------------------------------------------
# TODO(h18a merge): return publication.selectors.published_*() here (councils of published
# groups, published_groups(), objectives of a published plan, published_plans(), meetings of
# published_minutes()/published_decisions(), published funding decisions). Until then nothing
# is published, so an anonymous caller gets empty lists and 404s.


def public_councils():
    return Council.objects.none()  # TODO(h18a merge)


def public_groups():
    return Group.objects.none()  # TODO(h18a merge): publication.selectors.published_groups()


def public_objectives():
    return Objective.objects.none()  # TODO(h18a merge): the objectives of published plans


def public_plans():
    return StrategicPlan.objects.none()  # TODO(h18a merge): published_plans()


def public_meetings():
    return Meeting.objects.none()  # TODO(h18a merge): published_minutes() / decisions


def public_funding_requests():
    return FundingRequest.objects.none()  # TODO(h18a merge): published_decisions()


# --- What each caller sees -----------------------------------------------------------------------


def _with_public(visible, public):
    """The rows of `visible` and those of `public`, as one queryset (an OR of both filters)."""
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
