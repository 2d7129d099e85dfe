"""The workplan workflow: the co-chair drafts and submits, the secretariat accepts or returns,
each new submission is a new version, and accepting supersedes the previous accepted one."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from workinggroups.models import Objective, Workplan
from workinggroups.services import (
    TransitionRefused,
    compare_workplans,
    workplan_accept,
    workplan_return,
    workplan_start,
    workplan_submit,
)
from workinggroups.tests.factories import ObjectiveFactory, WorkplanItemFactory

START, END = datetime.date(2026, 4, 1), datetime.date(2027, 3, 31)


def start(group, by):
    return workplan_start(group=group, by=by, period_start=START, period_end=END)


def test_first_version_copies_the_open_objectives(group, group_cochair):
    live = ObjectiveFactory(group=group, title_en="Pilot", priority=None)
    ObjectiveFactory(group=group, status="done")
    draft = start(group, group_cochair)
    assert (draft.version, draft.status) == (1, Workplan.Status.DRAFT)
    assert [(i.objective, i.title_en) for i in draft.items.all()] == [(live, "Pilot")]


def test_full_cycle_return_then_new_version_then_accept_supersedes(
    group, group_cochair, secretariat
):
    ObjectiveFactory(group=group)
    v1 = start(group, group_cochair)
    workplan_submit(workplan=v1, by=group_cochair)
    assert v1.status == Workplan.Status.SUBMITTED and v1.submitted_by == group_cochair
    workplan_accept(workplan=v1, by=secretariat)
    assert v1.status == Workplan.Status.ACCEPTED and v1.reviewed_by == secretariat

    v2 = start(group, group_cochair)
    assert v2.version == 2 and v2.items.count() == v1.items.count()
    WorkplanItemFactory(workplan=v2, title_en="New deliverable")
    workplan_submit(workplan=v2, by=group_cochair)
    workplan_return(workplan=v2, by=secretariat, comment="Add a priority to the new line.")
    v2.refresh_from_db()
    assert v2.status == Workplan.Status.RETURNED
    assert v2.review_comment == "Add a priority to the new line."
    v1.refresh_from_db()
    assert v1.status == Workplan.Status.ACCEPTED  # a returned version supersedes nothing

    v3 = start(group, group_cochair)
    assert v3.version == 3 and v3.items.filter(title_en="New deliverable").exists()
    workplan_submit(workplan=v3, by=group_cochair)
    workplan_accept(workplan=v3, by=secretariat, comment="Thanks")
    v1.refresh_from_db()
    assert v1.status == Workplan.Status.SUPERSEDED
    assert list(group.workplans.values_list("version", "status")) == [
        (3, "accepted"),
        (2, "returned"),
        (1, "superseded"),
    ]
    # A line with no live objective became an objective of the group, linked to it.
    item = v3.items.get(title_en="New deliverable")
    assert item.objective and item.objective.group == group


def test_a_second_draft_is_refused_while_one_is_open(group, group_cochair):
    start(group, group_cochair)
    with pytest.raises(TransitionRefused, match="still draft"):
        start(group, group_cochair)


def test_submission_needs_items_with_deadlines(group, group_cochair):
    draft = start(group, group_cochair)
    with pytest.raises(TransitionRefused, match="at least one"):
        workplan_submit(workplan=draft, by=group_cochair)
    WorkplanItemFactory(workplan=draft, title_en="Undated", due_date=None)
    with pytest.raises(TransitionRefused, match="Undated"):
        workplan_submit(workplan=draft, by=group_cochair)
    draft.refresh_from_db()
    assert draft.status == Workplan.Status.DRAFT


def test_return_needs_comments_and_review_needs_a_submission(group, group_cochair, secretariat):
    ObjectiveFactory(group=group)
    draft = start(group, group_cochair)
    with pytest.raises(TransitionRefused, match="not possible now"):
        workplan_accept(workplan=draft, by=secretariat)
    workplan_submit(workplan=draft, by=group_cochair)
    with pytest.raises(TransitionRefused):
        workplan_return(workplan=draft, by=secretariat, comment="  ")
    draft.refresh_from_db()
    assert draft.status == Workplan.Status.SUBMITTED


@pytest.mark.parametrize("persona", ["member", "council_cochair", "secretariat", "outsider"])
def test_only_a_cochair_of_the_group_drafts(personas, group, persona):
    with pytest.raises(PermissionDenied):
        start(group, personas[persona])


@pytest.mark.parametrize("persona", ["member", "council_cochair", "group_cochair", "outsider"])
def test_only_the_secretariat_reviews(personas, group, group_cochair, persona):
    ObjectiveFactory(group=group)
    draft = start(group, group_cochair)
    workplan_submit(workplan=draft, by=group_cochair)
    with pytest.raises(PermissionDenied):
        workplan_accept(workplan=draft, by=personas[persona])
    with pytest.raises(PermissionDenied):
        workplan_return(workplan=draft, by=personas[persona], comment="No")


def test_compare_shows_added_removed_changed_and_same(group, group_cochair):
    _kept, moved, dropped = (ObjectiveFactory(group=group, title_en=t) for t in "ABC")
    v1 = start(group, group_cochair)
    v1.status = Workplan.Status.ACCEPTED
    v1.save()
    v2 = start(group, group_cochair)
    v2.items.filter(objective=moved).update(due_date=datetime.date(2028, 1, 1))
    v2.items.filter(objective=dropped).delete()
    WorkplanItemFactory(workplan=v2, title_en="D")
    changes = {(change, (old or new).title_en) for change, old, new in compare_workplans(v1, v2)}
    assert changes == {("same", "A"), ("changed", "B"), ("removed", "C"), ("added", "D")}


# --- The pages ------------------------------------------------------------------------------


def test_cochair_drafts_edits_and_submits_through_the_pages(client_for, group, group_cochair):
    ObjectiveFactory(group=group, title_en="Pilot")
    c = client_for(group_cochair)
    response = c.post(
        reverse("workinggroups:workplan_new", args=[group.slug]),
        {"period_start": "2026-04-01", "period_end": "2027-03-31"},
    )
    draft = Workplan.objects.get(group=group)
    assert response.url == reverse("workinggroups:workplan_edit", args=[draft.pk])
    item = draft.items.get()
    data = {
        "period_start": "2026-04-01",
        "period_end": "2027-03-31",
        "summary_en": "Our year",
        "summary_fr": "Notre année",
        "items-TOTAL_FORMS": "2",
        "items-INITIAL_FORMS": "1",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
        "items-0-id": str(item.pk),
        "items-0-workplan": str(draft.pk),
        "items-0-kind": "deliverable",
        "items-0-title_en": "Pilot, two jurisdictions",
        "items-0-title_fr": "Projet pilote",
        "items-0-due_date": "2027-01-31",
        "items-0-objective": str(item.objective_id),
        "items-1-workplan": str(draft.pk),
        "items-1-kind": "objective",
        "items-1-title_en": "Adoption plan",
        "items-1-title_fr": "",
        "items-1-due_date": "2027-03-15",
        "submit": "1",
    }
    response = c.post(reverse("workinggroups:workplan_edit", args=[draft.pk]), data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Workplan.Status.SUBMITTED and draft.summary_en == "Our year"
    assert sorted(draft.items.values_list("title_en", flat=True)) == [
        "Adoption plan",
        "Pilot, two jurisdictions",
    ]


def test_secretariat_accepts_and_returns_through_the_pages(
    client_for, group, group_cochair, secretariat
):
    ObjectiveFactory(group=group)
    draft = start(group, group_cochair)
    workplan_submit(workplan=draft, by=group_cochair)
    c = client_for(secretariat)
    url = reverse("workinggroups:workplan_return", args=[draft.pk])
    assert c.get(url).status_code == 405
    c.post(url, {"comment": ""})
    draft.refresh_from_db()
    assert draft.status == Workplan.Status.SUBMITTED
    c.post(reverse("workinggroups:workplan_accept", args=[draft.pk]), {"comment": "Good"})
    draft.refresh_from_db()
    assert draft.status == Workplan.Status.ACCEPTED and draft.review_comment == "Good"


@pytest.mark.parametrize(
    ("persona", "status"),
    [("member", 404), ("council_cochair", 404), ("anonymous", 302), ("outsider", 404)],
)
def test_drafts_are_private_to_cochairs_and_secretariat(
    client_for, personas, group, group_cochair, persona, status
):
    draft = start(group, group_cochair)
    url = reverse("workinggroups:workplan_detail", args=[draft.pk])
    assert client_for(personas[persona]).get(url).status_code == status
    assert client_for(group_cochair).get(url).status_code == 200
    assert client_for(personas["secretariat"]).get(url).status_code == 200


@pytest.mark.parametrize("persona", ["member", "council_cochair", "secretariat"])
def test_accepted_versions_and_comparisons_are_read_by_every_reader(
    client_for, personas, group, group_cochair, persona
):
    ObjectiveFactory(group=group, title_en="Shared deliverable")
    v1 = start(group, group_cochair)
    Workplan.objects.filter(pk=v1.pk).update(status="accepted")
    c = client_for(personas[persona])
    body = c.get(reverse("workinggroups:workplan_detail", args=[v1.pk])).content.decode()
    assert "Shared deliverable" in body
    compare = c.get(reverse("workinggroups:workplan_compare", args=[group.slug]))
    assert compare.status_code == 200


@pytest.mark.parametrize(
    ("name", "persona", "status"),
    [
        ("workplan_submit", "member", 404),
        ("workplan_submit", "secretariat", 403),
        ("workplan_discard", "secretariat", 403),
        ("workplan_accept", "group_cochair", 403),
        ("workplan_return", "group_cochair", 403),
        ("workplan_accept", "outsider", 404),
        ("workplan_accept", "anonymous", 302),
    ],
)
def test_workplan_actions_refuse_other_personas(
    client_for, personas, group, group_cochair, name, persona, status
):
    ObjectiveFactory(group=group)
    draft = start(group, group_cochair)
    if name in ("workplan_accept", "workplan_return"):
        workplan_submit(workplan=draft, by=group_cochair)
    before = Workplan.objects.get(pk=draft.pk).status
    response = client_for(personas[persona]).post(reverse(f"workinggroups:{name}", args=[draft.pk]))
    assert response.status_code == status
    assert Workplan.objects.get(pk=draft.pk).status == before


def test_discard_deletes_a_draft_only(client_for, group, group_cochair):
    draft = start(group, group_cochair)
    c = client_for(group_cochair)
    assert c.get(reverse("workinggroups:workplan_discard", args=[draft.pk])).status_code == 405
    c.post(reverse("workinggroups:workplan_discard", args=[draft.pk]))
    assert not Workplan.objects.filter(pk=draft.pk).exists()
    assert Objective.objects.count() == 0
