"""Every write to a strategic plan goes through here: keyword-only, atomic, validated.

- `plan_create` makes a draft and fills it from the accepted workplans.
- `plan_refresh_from_workplans` brings a draft up to date and says what changed.
- `plan_transition` is the only way to change a plan's status (the `TRANSITIONS` table); adopting
  freezes a version and takes a progress snapshot.
- `plan_snapshot` records the plan's progress on a day (monthly task, adoption, on request).
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from core import written
from workinggroups.models import Group, Workplan, WorkplanItem

from .models import (
    REASON_REQUIRED,
    TRANSITIONS,
    Actor,
    PlanItem,
    PlanRefresh,
    PlanSnapshot,
    PlanSnapshotRow,
    PlanStatusChange,
    PlanVersion,
    PlanVersionItem,
    ProgressState,
    Status,
    StrategicPlan,
)
from .permissions import can_manage_plans
from .selectors import plan_items, rollup_by_priority, rollup_total

# The fields of an item that come from the workplan; a refresh compares and copies these.
ITEM_FIELDS = ("title_en", "title_fr", "kind", "priority_id", "due_date", "workplan_item_id")
# The fields two versions are compared on.
VERSION_FIELDS = ("title_en", "title_fr", "kind", "priority_id", "due_date", "weight", "state")


class TransitionRefused(ValidationError):
    """A transition the table or one of its rules does not allow; the message says why."""


@dataclass
class Changes:
    """What differs between two sets of plan items keyed by objective id.

    `added` and `removed` hold rows (dicts); `changed` holds (old row, new row, [field names]).
    `skipped` lists workplan items that name no objective and so cannot be followed.
    """

    added: list = field(default_factory=list)
    removed: list = field(default_factory=list)
    changed: list = field(default_factory=list)
    skipped: list = field(default_factory=list)

    def __bool__(self):
        return bool(self.added or self.removed or self.changed)

    def as_json(self):
        def row(r):
            return {k: (v.isoformat() if isinstance(v, datetime.date) else v) for k, v in r.items()}

        return {
            "added": [row(r) for r in self.added],
            "removed": [row(r) for r in self.removed],
            "changed": [
                {"old": row(old), "new": row(new), "fields": fields}
                for old, new, fields in self.changed
            ],
            "skipped": [row(r) for r in self.skipped],
        }


def compare_rows(old: dict, new: dict, fields) -> Changes:
    """Compare {objective id: row} mappings on `fields`."""
    changes = Changes()
    for key, row in new.items():
        if key not in old:
            changes.added.append(row)
            continue
        differing = [f for f in fields if old[key].get(f) != row.get(f)]
        if differing:
            changes.changed.append((old[key], row, differing))
    changes.removed = [row for key, row in old.items() if key not in new]
    for bucket in (changes.added, changes.removed):
        bucket.sort(key=_row_order)
    changes.changed.sort(key=lambda c: _row_order(c[1]))
    return changes


def _row_order(row):
    return (row.get("due_date") or datetime.date.max, row.get("title_en") or "")


def _check_can_manage(by, plan=None):
    if not can_manage_plans(by, plan):
        raise PermissionDenied(_("Only the secretariat can change strategic plans."))


# --- Building from the workplans ------------------------------------------------------------


def workplan_rows(plan) -> tuple[dict, list]:
    """What the accepted workplans say the plan should hold: ({objective id: row}, skipped).

    Accepted workplans whose period overlaps the plan's, of the groups reporting to the plan's
    council (every group for a joint plan). When two accepted workplans list one objective, the
    later period (then the higher version) wins.
    """
    start, end = plan.period
    workplans = Workplan.objects.filter(
        status=Workplan.Status.ACCEPTED, period_start__lte=end, period_end__gte=start
    )
    if plan.council_id:
        workplans = workplans.filter(group__in=Group.objects.filter(councils=plan.council_id))
    items = (
        WorkplanItem.objects.filter(workplan__in=workplans)
        .select_related("workplan__group", "objective")
        .order_by("workplan__period_start", "workplan__version", "pk")
    )
    rows, skipped = {}, []
    for item in items:
        row = _row(
            item,
            item.workplan.group,
            workplan_item_id=item.pk,
            priority_id=item.priority_id or getattr(item.objective, "priority_id", None),
        )
        if item.objective_id is None:
            skipped.append(row)
        else:
            rows[item.objective_id] = row
    return rows, skipped


def current_rows(plan) -> dict:
    items = PlanItem.objects.filter(plan=plan).select_related("objective__group")
    return {
        item.objective_id: _row(
            item, item.objective.group, workplan_item_id=item.workplan_item_id, weight=item.weight
        )
        for item in items
    }


def _row(item, group, **extra):
    """The comparable part of a workplan item, plan item or version item, as a plain dict."""
    return {
        "objective_id": item.objective_id,
        "group": group.name if group else "",
        "title_en": item.title_en,
        "title_fr": item.title_fr,
        "kind": item.kind,
        "priority_id": item.priority_id,
        "due_date": item.due_date,
        **extra,
    }


@transaction.atomic
def plan_refresh_from_workplans(*, plan, by) -> Changes:
    """Bring a draft up to date with the accepted workplans; return what changed.

    New objectives are added with weight 1, objectives no longer in any accepted workplan are
    removed, and the others take the workplan's title, kind, priority and deadline while
    keeping the weight the secretariat gave them. The changes are kept (`PlanRefresh`) so the
    plan page can show them.
    """
    _check_can_manage(by, plan)
    plan = StrategicPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != Status.DRAFT:
        raise TransitionRefused(
            _("Only a draft can be refreshed from the workplans; reopen the plan first."),
            code="refresh_not_draft",
        )
    wanted, skipped = workplan_rows(plan)
    existing = current_rows(plan)
    changes = compare_rows(existing, wanted, ITEM_FIELDS)
    changes.skipped = skipped
    for row in changes.added:
        item = PlanItem(plan=plan, weight=1, **_item_values(row))
        item.full_clean()
        item.save()
    for _old, row, _fields in changes.changed:
        item = PlanItem.objects.get(plan=plan, objective_id=row["objective_id"])
        for name, value in _item_values(row).items():
            setattr(item, name, value)
        item.full_clean()
        item.save()
    if changes.removed:
        PlanItem.objects.filter(
            plan=plan, objective_id__in=[r["objective_id"] for r in changes.removed]
        ).delete()
    PlanRefresh.objects.create(plan=plan, by=by, changes=changes.as_json())
    return changes


def _item_values(row):
    return {name: row[name] for name in ("objective_id", *ITEM_FIELDS)}


@transaction.atomic
def plan_create(
    *,
    by,
    title_en,
    title_fr="",
    first_fiscal_year,
    last_fiscal_year,
    council=None,
    summary_en="",
    summary_fr="",
):
    """Create a draft plan and fill it from the accepted workplans. Returns (plan, changes)."""
    _check_can_manage(by)
    plan = StrategicPlan(
        title_en=title_en,
        title_fr=title_fr,
        summary_en=summary_en,
        summary_fr=summary_fr,
        council=council,
        first_fiscal_year=first_fiscal_year,
        last_fiscal_year=last_fiscal_year,
        created_by=by,
    )
    plan.full_clean()
    plan.save()
    return plan, plan_refresh_from_workplans(plan=plan, by=by)


@transaction.atomic
def plan_item_set_weight(*, item, by, weight):
    _check_can_manage(by, item.plan)
    plan = StrategicPlan.objects.select_for_update().get(pk=item.plan_id)
    if plan.status != Status.DRAFT:
        raise TransitionRefused(
            _("Weights can only change while the plan is a draft; reopen the plan first."),
            code="weight_not_draft",
        )
    item = PlanItem.objects.get(pk=item.pk)
    item.weight = weight
    item.full_clean()
    item.save(update_fields=["weight"])
    return item


# --- Status -------------------------------------------------------------------------------


def allowed_transitions(plan, user) -> list[str]:
    """The statuses `user` may move `plan` to now (for the buttons on the plan page)."""
    if not can_manage_plans(user, plan):
        return []
    return [target for target, actor in TRANSITIONS[plan.status].items() if actor in _actors(user)]


def _actors(user):
    return {Actor.SECRETARIAT} if can_manage_plans(user) else set()


@transaction.atomic
def plan_transition(*, plan, by, to, reason="", note="", key=""):
    """Move `plan` to status `to`, or refuse with a message that says why.

    The row is locked first, so two people adopting or archiving at once cannot both win: the
    second sees the status the first left and is refused by the table.
    """
    _check_can_manage(by, plan)
    plan = StrategicPlan.objects.select_for_update().get(pk=plan.pk)
    old = plan.status
    targets = TRANSITIONS.get(old, {})
    if to not in targets:
        raise TransitionRefused(
            _("A plan that is %(old)s cannot become %(new)s.")
            % {"old": Status(old).label.lower(), "new": Status(to).label.lower()},
            code="transition_not_allowed",
        )
    if targets[to] not in _actors(by):
        raise PermissionDenied(_("Only the secretariat can change the status of a plan."))
    reason = (reason or "").strip()
    if (old, to) in REASON_REQUIRED and not (reason or key):
        raise TransitionRefused(_("Say why in the reason field."), code="reason_required")
    now = timezone.now()
    if to == Status.ADOPTED:
        _check_can_adopt(plan)
        plan.adopted_at = now
    plan.status = to
    plan.full_clean()
    plan.save()
    PlanStatusChange.objects.create(
        plan=plan,
        old_status=old,
        new_status=to,
        by=by,
        reason=reason,
        reason_lang=written.typed_language() if reason else "",
        reason_key=key,
    )
    if to == Status.ADOPTED:
        _freeze_version(plan, by=by, at=now, note=note or reason)
        plan_snapshot(plan=plan, kind=PlanSnapshot.Kind.ADOPTION)
    return plan


def _check_can_adopt(plan):
    if not plan.items.exists():
        raise TransitionRefused(
            _("This plan has no items yet: refresh it from the accepted workplans first."),
            code="adopt_empty",
        )
    overlapping = StrategicPlan.objects.filter(
        status=Status.ADOPTED,
        council=plan.council_id,
        first_fiscal_year__lte=plan.last_fiscal_year,
        last_fiscal_year__gte=plan.first_fiscal_year,
    ).exclude(pk=plan.pk)
    other = overlapping.first()
    if other is not None:
        raise TransitionRefused(
            _(
                "“%(other)s” is already adopted for some of the same fiscal years; archive it "
                "before adopting this plan."
            )
            % {"other": other},
            code="adopt_overlap",
        )


def _freeze_version(plan, *, by, at, note):
    number = (plan.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = PlanVersion.objects.create(
        plan=plan, number=number, adopted_at=at, adopted_by=by, note=note
    )
    items = plan_items(plan).select_related("objective")
    PlanVersionItem.objects.bulk_create(
        PlanVersionItem(
            version=version,
            objective_id=item.objective_id,
            workplan_item_id=item.workplan_item_id,
            group_id=item.objective.group_id,
            priority_id=item.priority_id,
            kind=item.kind,
            title_en=item.title_en,
            title_fr=item.title_fr,
            due_date=item.due_date,
            weight=item.weight,
            state=item.state,
        )
        for item in items
    )
    return version


# --- Versions ---------------------------------------------------------------------------------


def version_rows(version) -> dict:
    items = PlanVersionItem.objects.filter(version=version).select_related("group")
    return {
        item.objective_id or f"v{item.pk}": _row(
            item, item.group, weight=item.weight, state=item.state
        )
        for item in items
    }


def live_rows(plan) -> dict:
    """The plan's items now, with their current progress state, shaped like `version_rows`."""
    items = plan_items(plan).select_related("objective__group")
    return {
        item.objective_id: _row(item, item.objective.group, weight=item.weight, state=item.state)
        for item in items
    }


def compare_versions(old, new) -> Changes:
    """Compare two adopted versions, or a version (old) with the plan as it is now (new=plan)."""
    new_rows = live_rows(new) if isinstance(new, StrategicPlan) else version_rows(new)
    return compare_rows(version_rows(old), new_rows, VERSION_FIELDS)


# --- Snapshots --------------------------------------------------------------------------------


@transaction.atomic
def plan_snapshot(*, plan, kind=PlanSnapshot.Kind.MANUAL, day=None):
    """Record the plan's progress on `day` (today by default): one line per priority and one
    for the whole plan. Taking it again the same day replaces that day's lines, so a retried
    task or a second beat tick leaves one snapshot."""
    day = day or timezone.localdate()
    plan = StrategicPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status == Status.ARCHIVED:
        raise TransitionRefused(
            _("An archived plan is no longer followed: no snapshot is taken."),
            code="snapshot_archived",
        )
    snapshot, created = PlanSnapshot.objects.get_or_create(
        plan=plan, taken_on=day, defaults={"kind": kind}
    )
    if not created:
        if kind == PlanSnapshot.Kind.ADOPTION and snapshot.kind != kind:
            snapshot.kind = kind
            snapshot.save(update_fields=["kind"])
        snapshot.rows.all().delete()
    items = plan_items(plan, day=day)
    lines = [(priority_id, False, row) for priority_id, row in rollup_by_priority(items).items()]
    lines.append((None, True, rollup_total(items)))
    PlanSnapshotRow.objects.bulk_create(
        PlanSnapshotRow(
            snapshot=snapshot,
            priority_id=priority_id,
            is_plan_total=is_total,
            progress=None if row["progress"] is None else round(row["progress"], 2),
            total_weight=row["total_weight"],
            done_weight=row["done_weight"],
            **{state: row[state] for state in ProgressState.values},
        )
        for priority_id, is_total, row in lines
    )
    return snapshot


def snapshots_follow_objective(*, objective, since):
    """Re-take the snapshots of every followed plan that holds `objective`, from `since` on:
    a completion recorded (or withdrawn) late moves the progress of the days after it, and
    the plan's monthly history must say so at once. Called inside the update's transaction."""
    snapshots = (
        PlanSnapshot.objects.filter(plan__items__objective=objective, taken_on__gte=since)
        .exclude(plan__status=Status.ARCHIVED)
        .select_related("plan")
        .order_by("plan_id", "taken_on")
        .distinct()
    )
    for snapshot in list(snapshots):
        plan_snapshot(plan=snapshot.plan, kind=snapshot.kind, day=snapshot.taken_on)


def _on_objective_progressed(sender, objective, since, **kwargs):
    snapshots_follow_objective(objective=objective, since=since)


def connect_signals():
    from workinggroups.progress import objective_progressed

    objective_progressed.connect(_on_objective_progressed, dispatch_uid="strategy-snapshots")
