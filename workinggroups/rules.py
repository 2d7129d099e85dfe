"""The rules the portal checks on groups, each as one queryset computed in the database.

The group-health page shows them and the reminders act on them, so both read from here.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Group, Objective, Workplan
from .progress import groups_without_report, last_due_period
from .selectors import liaison_covered

OPEN = ~Q(status__in=[Objective.Status.DONE, Objective.Status.CANCELLED])


def _today(day):
    return day or timezone.localdate()


def working_groups():
    return Group.objects.current().filter(kind=Group.Kind.WORKING_GROUP)


def without_objectives():
    """Working groups with no objective at all."""
    return working_groups().filter(~Exists(Objective.objects.filter(group=OuterRef("pk"))))


def objectives_without_deadline():
    return Objective.objects.filter(OPEN, due_date__isnull=True, group__in=Group.objects.current())


def without_priority():
    """Working groups linked to no council priority."""
    return working_groups().filter(priorities__isnull=True)


def overdue_objectives(day=None):
    return Objective.objects.filter(
        OPEN, due_date__lt=_today(day), group__in=Group.objects.current()
    )


def all_objectives_met():
    """Active working groups whose objectives are all done (at least one): due for a
    dissolution review. Two semi-joins on the objectives' group index, not a count of every
    objective of every group."""
    objectives = Objective.objects.filter(group=OuterRef("pk"))
    return (
        working_groups()
        .filter(status__in=[Group.Status.ACTIVE, Group.Status.WINDING_DOWN])
        .filter(Exists(objectives.exclude(status=Objective.Status.CANCELLED)))
        .filter(~Exists(objectives.filter(OPEN)))
    )


def past_end_date(day=None):
    return working_groups().filter(end_date__lt=_today(day))


def due_for_dissolution_review(day=None):
    """Working groups whose objectives are all met, or that are past their end date."""
    met = all_objectives_met().values("pk")
    return working_groups().filter(Q(pk__in=met) | Q(end_date__lt=_today(day)))


def usefulness_review_overdue(day=None):
    """Communities of practice whose "is it still useful?" review date has passed."""
    return Group.objects.filter(
        kind=Group.Kind.COMMUNITY_OF_PRACTICE,
        status=Group.Status.ACTIVE,
        next_review_date__lt=_today(day),
    )


def liaison_gap_pairs():
    """(group, council) pairs where a current group reports to a council on which none of its
    co-chairs or representatives sits: rows of the Group.councils through table."""
    through = Group.councils.through
    return (
        through.objects.filter(group__in=Group.objects.current())
        .annotate(covered=liaison_covered(group_ref="group_id", council_ref="council_id"))
        .filter(covered=False)
        .select_related("group", "council")
    )


def without_current_workplan(day=None):
    """Working groups with no accepted workplan whose period covers today."""
    day = _today(day)
    current = Workplan.objects.filter(
        group=OuterRef("pk"),
        status=Workplan.Status.ACCEPTED,
        period_start__lte=day,
        period_end__gte=day,
    )
    return working_groups().filter(~Exists(current))


def workplans_not_submitted(day=None):
    """Draft or returned workplans past their due date."""
    return Workplan.objects.filter(
        status__in=[Workplan.Status.DRAFT, Workplan.Status.RETURNED],
        due_date__lt=_today(day),
        group__in=Group.objects.current(),
    )


def mandate_review_overdue(day=None):
    """Working groups and sub-committees whose mandate review date has passed."""
    return Group.objects.filter(
        kind__in=[Group.Kind.WORKING_GROUP, Group.Kind.SUB_COMMITTEE],
        status__in=[Group.Status.ACTIVE, Group.Status.WINDING_DOWN],
        next_review_date__lt=_today(day),
    )


def workplans_waiting_for_review():
    """Submitted workplans the secretariat has not accepted or returned yet."""
    return Workplan.objects.filter(status=Workplan.Status.SUBMITTED)


def without_progress_report(day=None):
    """Groups with no progress report filed for the last period whose report is due."""
    return groups_without_report(*last_due_period(_today(day)))


# --- The health page's list of rules --------------------------------------------------------
# Each rule: a code (the page's filter value), a label, what its rows are ("group",
# "objective", "workplan" or "liaison": a group-council pair), and its queryset.


@dataclass(frozen=True)
class Rule:
    code: str
    label: str
    subject: str
    queryset: Callable


HEALTH_RULES = [
    Rule("without_objectives", _("Working groups with no objectives"), "group", without_objectives),
    Rule(
        "objectives_without_deadline",
        _("Objectives with no deadline"),
        "objective",
        objectives_without_deadline,
    ),
    Rule(
        "without_priority", _("Working groups with no linked priority"), "group", without_priority
    ),
    Rule(
        "liaison_gap",
        _("Liaison gaps: no co-chair or representative on a council the group reports to"),
        "liaison",
        liaison_gap_pairs,
    ),
    Rule("overdue_objectives", _("Overdue objectives"), "objective", overdue_objectives),
    Rule(
        "all_objectives_met",
        _("All objectives met: due for a dissolution review"),
        "group",
        all_objectives_met,
    ),
    Rule("past_end_date", _("Working groups past their end date"), "group", past_end_date),
    Rule(
        "usefulness_review_overdue",
        _("Communities of practice whose usefulness review is overdue"),
        "group",
        usefulness_review_overdue,
    ),
    Rule(
        "mandate_review_overdue",
        _("Mandate reviews overdue"),
        "group",
        mandate_review_overdue,
    ),
    Rule(
        "without_current_workplan",
        _("Working groups with no current accepted workplan"),
        "group",
        without_current_workplan,
    ),
    Rule(
        "workplans_not_submitted",
        _("Workplans past their due date and not submitted"),
        "workplan",
        workplans_not_submitted,
    ),
    Rule(
        "without_progress_report",
        _("No progress report for the last period"),
        "group",
        without_progress_report,
    ),
    Rule(
        "workplans_waiting_for_review",
        _("Workplans waiting for the secretariat's review"),
        "workplan",
        workplans_waiting_for_review,
    ),
]
RULES_BY_CODE = {rule.code: rule for rule in HEALTH_RULES}
