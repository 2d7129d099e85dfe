"""Co-chairs' check-ins: the council co-chairs meet the co-chairs of a set of groups to go over
their status (the first "next step" of the 27 February 2020 deck).

The meeting is a `councils.Meeting` of kind "check_in"; its groups are `Group.check_ins`.
`councils` sits below this app, so it reaches these two functions through settings
(PORTAL_CHECK_IN_GROUP_CHOICES, PORTAL_CHECK_IN_STATUSES) and never imports them.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import DateField, DateTimeField, OuterRef, Q, Subquery
from django.utils import timezone

from core.bilingual import translated_order

from .models import Group, Objective, ProgressReport, Workplan
from .selectors import _objective_count, liaison_covered

# Late items listed per group; the count says how many more there are.
LATE_LISTED = 5


def group_choices():
    """The groups a check-in can be about: every group still at work."""
    return Group.objects.current().order_by(translated_order("name"), "pk")


@dataclass
class GroupStatus:
    group: Group
    objectives: int
    done: int
    late_objectives: list = field(default_factory=list)
    liaison: list = field(default_factory=list)  # [(council, covered)]

    @property
    def late_workplans(self):
        """The due date of each workplan past due and not submitted (at most one per group is
        open at a time; the earliest is shown)."""
        due = self.group.late_workplan_due
        return [due] if due else []

    @property
    def last_reported(self):
        at = self.group.last_reported_at
        return timezone.localdate(at) if at else None

    @property
    def late_count(self):
        return self.group.overdue_count + len(self.late_workplans)

    @property
    def percent_done(self):
        return round(100 * self.done / self.objectives) if self.objectives else 0

    @property
    def liaison_gaps(self):
        return [council for council, covered in self.liaison if not covered]


def statuses(meeting, day=None) -> list[GroupStatus]:
    """Each linked group's status on `day` (today by default): objectives done of all (the
    cancelled ones left out), what is late (open objectives past their deadline, workplans
    past their due date and not submitted), the liaison on each council it reports to, the
    last progress report and the next review date. Three queries whatever the number of
    groups, objectives or councils (none when the check-in has no group)."""
    day = day or timezone.localdate()
    open_ = ~Q(status__in=[Objective.Status.DONE, Objective.Status.CANCELLED])
    late_workplans = Workplan.objects.filter(
        group=OuterRef("pk"),
        status__in=[Workplan.Status.DRAFT, Workplan.Status.RETURNED],
        due_date__lt=day,
    ).order_by("due_date", "pk")
    last_filed = ProgressReport.objects.filter(
        group=OuterRef("pk"), status__in=ProgressReport.FILED
    ).order_by("-submitted_at")
    groups = list(
        Group.objects.filter(check_ins=meeting)
        .annotate(
            objective_total=_objective_count(~Q(status=Objective.Status.CANCELLED)),
            objective_done=_objective_count(Q(status=Objective.Status.DONE)),
            overdue_count=_objective_count(open_ & Q(due_date__lt=day)),
            late_workplan_due=Subquery(
                late_workplans.values("due_date")[:1], output_field=DateField()
            ),
            last_reported_at=Subquery(
                last_filed.values("submitted_at")[:1], output_field=DateTimeField()
            ),
        )
        .order_by(translated_order("name"), "pk")
    )
    if not groups:
        return []
    ids = [g.pk for g in groups]
    late = defaultdict(list)
    for objective in Objective.objects.filter(open_, group_id__in=ids, due_date__lt=day).order_by(
        "group_id", "due_date", "pk"
    ):
        if len(late[objective.group_id]) < LATE_LISTED:
            late[objective.group_id].append(objective)
    liaison = defaultdict(list)
    pairs = (
        Group.councils.through.objects.filter(group_id__in=ids)
        .annotate(covered=liaison_covered(group_ref="group_id", council_ref="council_id"))
        .select_related("council")
        .order_by("council__code", "pk")
    )
    for pair in pairs:
        liaison[pair.group_id].append((pair.council, pair.covered))
    return [
        GroupStatus(
            group=g,
            objectives=g.objective_total,
            done=g.objective_done,
            late_objectives=late[g.pk],
            liaison=liaison[g.pk],
        )
        for g in groups
    ]
