"""The plan's status table, its refusals, the frozen versions and their comparison."""

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from strategy.models import (
    REASON_REQUIRED,
    TRANSITIONS,
    PlanSnapshot,
    PlanStatusChange,
    PlanVersion,
    ProgressState,
    Status,
    StrategicPlan,
)
from strategy.services import (
    TransitionRefused,
    allowed_transitions,
    compare_versions,
    plan_create,
    plan_item_set_weight,
    plan_refresh_from_workplans,
    plan_transition,
)
from strategy.tests.factories import StrategicPlanFactory, accepted_workplan, objective
from workinggroups.models import Objective
from workinggroups.tests.factories import GroupFactory

S = Status


@pytest.fixture
def plan(db, secretariat, priority):
    group = GroupFactory(slug="g", priorities=[priority])
    accepted_workplan(group, [objective(group, priority), objective(group, priority)])
    plan, _ = plan_create(
        by=secretariat, title_en="Plan", first_fiscal_year=2026, last_fiscal_year=2027
    )
    return plan


def test_the_table_reads_as_the_workflow():
    assert TRANSITIONS == {
        S.DRAFT: {S.ADOPTED: "secretariat", S.ARCHIVED: "secretariat"},
        S.ADOPTED: {S.DRAFT: "secretariat", S.ARCHIVED: "secretariat"},
        S.ARCHIVED: {},
    }
    assert {(S.ADOPTED, S.DRAFT), (S.ADOPTED, S.ARCHIVED)} == REASON_REQUIRED


def test_adopting_records_the_change_freezes_version_one_and_takes_a_snapshot(plan, secretariat):
    plan_transition(plan=plan, by=secretariat, to=S.ADOPTED, reason="Joint meeting")
    plan.refresh_from_db()
    assert plan.status == S.ADOPTED and plan.adopted_at is not None
    change = PlanStatusChange.objects.get(plan=plan)
    assert (change.old_status, change.new_status, change.by, change.reason) == (
        S.DRAFT,
        S.ADOPTED,
        secretariat,
        "Joint meeting",
    )
    version = PlanVersion.objects.get(plan=plan)
    assert version.number == 1 and version.adopted_by == secretariat
    assert version.items.count() == 2
    assert set(version.items.values_list("state", flat=True)) == {ProgressState.ON_TRACK}
    snapshot = PlanSnapshot.objects.get(plan=plan)
    assert snapshot.kind == PlanSnapshot.Kind.ADOPTION
    assert snapshot.rows.filter(is_plan_total=True).get().on_track == 2


def test_an_archived_plan_is_final(plan, secretariat):
    plan_transition(plan=plan, by=secretariat, to=S.ARCHIVED)
    for target in (S.DRAFT, S.ADOPTED):
        with pytest.raises(TransitionRefused, match="A plan that is archived cannot become"):
            plan_transition(plan=plan, by=secretariat, to=target)
    plan.refresh_from_db()
    assert plan.status == S.ARCHIVED
    assert PlanStatusChange.objects.filter(plan=plan).count() == 1


def test_a_draft_cannot_become_a_draft(plan, secretariat):
    with pytest.raises(TransitionRefused, match="A plan that is draft cannot become draft"):
        plan_transition(plan=plan, by=secretariat, to=S.DRAFT)


def test_reopening_or_archiving_an_adopted_plan_needs_a_reason(plan, secretariat):
    plan_transition(plan=plan, by=secretariat, to=S.ADOPTED)
    for target in (S.DRAFT, S.ARCHIVED):
        with pytest.raises(TransitionRefused, match="Say why"):
            plan_transition(plan=plan, by=secretariat, to=target, reason="   ")
    plan.refresh_from_db()
    assert plan.status == S.ADOPTED


def test_an_empty_plan_cannot_be_adopted(secretariat):
    plan = StrategicPlanFactory()
    with pytest.raises(TransitionRefused, match="no items yet"):
        plan_transition(plan=plan, by=secretariat, to=S.ADOPTED)
    plan.refresh_from_db()
    assert plan.status == S.DRAFT and not plan.versions.exists()


def test_two_adopted_plans_of_one_scope_cannot_overlap(plan, secretariat, priority, council):
    group = GroupFactory(slug="long", councils=[council], priorities=[priority])
    accepted_workplan(
        group,
        [objective(group, priority)],
        start=datetime.date(2026, 4, 1),
        end=datetime.date(2030, 3, 31),
    )
    plan_transition(plan=plan, by=secretariat, to=S.ADOPTED)

    def create(title, first, last, council=None):
        return plan_create(
            by=secretariat,
            title_en=title,
            first_fiscal_year=first,
            last_fiscal_year=last,
            council=council,
        )[0]

    second = create("Second", 2027, 2029)
    with pytest.raises(TransitionRefused, match="is already adopted for some of the same"):
        plan_transition(plan=second, by=secretariat, to=S.ADOPTED)
    second.refresh_from_db()
    assert second.status == S.DRAFT
    # A plan of one council is another scope; a span after the adopted one does not overlap.
    plan_transition(plan=create("PSSDC", 2026, 2027, council), by=secretariat, to=S.ADOPTED)
    plan_transition(plan=create("Later", 2028, 2029), by=secretariat, to=S.ADOPTED)
    assert StrategicPlan.objects.filter(status=S.ADOPTED).count() == 3


@pytest.mark.parametrize("who", ["member", "council_cochair", "group_cochair", "outsider"])
def test_only_the_secretariat_changes_a_plan_status(plan, personas, who):
    with pytest.raises(PermissionDenied):
        plan_transition(plan=plan, by=personas[who], to=S.ADOPTED)
    assert allowed_transitions(plan, personas[who]) == []
    plan.refresh_from_db()
    assert plan.status == S.DRAFT and not PlanStatusChange.objects.exists()


def test_allowed_transitions_follow_the_table(plan, secretariat):
    assert allowed_transitions(plan, secretariat) == [S.ADOPTED, S.ARCHIVED]


def test_a_reopened_plan_is_adopted_again_as_version_two_and_the_versions_compare(
    plan, secretariat, priority
):
    plan_transition(plan=plan, by=secretariat, to=S.ADOPTED)
    plan_transition(plan=plan, by=secretariat, to=S.DRAFT, reason="New workplans")
    first, second = plan.items.order_by("pk")
    plan_item_set_weight(item=first, by=secretariat, weight=4)
    second.objective.status = Objective.Status.DONE
    second.objective.completed_on = datetime.date(2026, 6, 1)
    second.objective.save()
    group = first.objective.group
    added = objective(group, priority)
    accepted_workplan(group, [first.objective, second.objective, added])
    plan_refresh_from_workplans(plan=plan, by=secretariat)
    plan_transition(plan=plan, by=secretariat, to=S.ADOPTED)

    v1, v2 = plan.versions.order_by("number")
    assert (v1.number, v2.number) == (1, 2)
    changes = compare_versions(v1, v2)
    assert [r["objective_id"] for r in changes.added] == [added.pk]
    assert not changes.removed
    changed = {new["objective_id"]: fields for _old, new, fields in changes.changed}
    assert changed[first.objective_id] == ["weight"]
    assert changed[second.objective_id] == ["state"]
    # The first version kept what it froze.
    assert v1.items.get(objective=first.objective).weight == 1
    assert v1.items.count() == 2 and v2.items.count() == 3


def test_a_version_compares_with_the_plan_as_it_is_now(plan, secretariat):
    plan_transition(plan=plan, by=secretariat, to=S.ADOPTED)
    item = plan.items.first()
    item.objective.status = Objective.Status.AT_RISK
    item.objective.save()
    changes = compare_versions(plan.versions.get(), plan)
    assert [(new["objective_id"], fields) for _o, new, fields in changes.changed] == [
        (item.objective_id, ["state"])
    ]


@pytest.mark.django_db(transaction=True)
def test_two_people_adopting_at_once_make_one_version(require_postgres, plan, secretariat):
    barrier = threading.Barrier(2)
    outcomes = []

    def adopt():
        try:
            barrier.wait()
            plan_transition(plan=plan, by=secretariat, to=S.ADOPTED)
            outcomes.append("won")
        except (TransitionRefused, ValidationError) as exc:
            outcomes.append(str(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=adopt) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("won") == 1
    assert any("A plan that is adopted cannot become adopted" in o for o in outcomes)
    assert PlanVersion.objects.filter(plan=plan).count() == 1
    assert PlanStatusChange.objects.filter(plan=plan).count() == 1
