"""Every lifecycle transition, every refusal, and measures completed by a transition."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from workinggroups.lifecycle import TRANSITIONS, To
from workinggroups.models import Group, GroupStatusChange, Measure
from workinggroups.services import TransitionRefused, group_transition
from workinggroups.tests.factories import GroupFactory, MeasureFactory, ObjectiveFactory

TODAY = datetime.date(2026, 11, 23)
K, S = Group.Kind, Group.Status

pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture
def frozen():
    with time_machine.travel(datetime.datetime(2026, 11, 23, 15, tzinfo=datetime.UTC), tick=False):
        yield


def make(kind=K.WORKING_GROUP, status=S.ACTIVE, **kwargs):
    kwargs.setdefault("end_date", datetime.date(2027, 3, 31) if kind == K.WORKING_GROUP else None)
    return GroupFactory(kind=kind, status=status, **kwargs)


ALLOWED = [
    (K.WORKING_GROUP, S.PROPOSED, To.ACTIVE, K.WORKING_GROUP, S.ACTIVE),
    (K.WORKING_GROUP, S.ACTIVE, To.WINDING_DOWN, K.WORKING_GROUP, S.WINDING_DOWN),
    (K.WORKING_GROUP, S.ACTIVE, To.DISSOLVED, K.WORKING_GROUP, S.DISSOLVED),
    (K.WORKING_GROUP, S.ACTIVE, To.COP, K.COMMUNITY_OF_PRACTICE, S.ACTIVE),
    (K.WORKING_GROUP, S.WINDING_DOWN, To.DISSOLVED, K.WORKING_GROUP, S.DISSOLVED),
    (K.WORKING_GROUP, S.WINDING_DOWN, To.COP, K.COMMUNITY_OF_PRACTICE, S.ACTIVE),
    (K.COMMUNITY_OF_PRACTICE, S.PROPOSED, To.ACTIVE, K.COMMUNITY_OF_PRACTICE, S.ACTIVE),
    (K.COMMUNITY_OF_PRACTICE, S.ACTIVE, To.RETIRED, K.COMMUNITY_OF_PRACTICE, S.RETIRED),
    (K.SUB_COMMITTEE, S.PROPOSED, To.ACTIVE, K.SUB_COMMITTEE, S.ACTIVE),
    (K.SUB_COMMITTEE, S.ACTIVE, To.RETIRED, K.SUB_COMMITTEE, S.RETIRED),
]


def test_the_table_is_exactly_the_documented_lifecycle():
    pairs = {
        (kind, status, to)
        for kind, by_status in TRANSITIONS.items()
        for status, targets in by_status.items()
        for to in targets
    }
    assert pairs == {(k, s, to) for k, s, to, _, _ in ALLOWED}


@pytest.mark.parametrize(("kind", "status", "to", "new_kind", "new_status"), ALLOWED)
def test_each_allowed_transition_changes_the_group_and_records_it(
    secretariat, kind, status, to, new_kind, new_status
):
    group = make(kind, status)
    change = group_transition(group=group, to=to, by=secretariat, reason="Decided in council")
    group.refresh_from_db()
    assert (group.kind, group.status) == (new_kind, new_status)
    row = GroupStatusChange.objects.get(group=group)
    assert row == change
    assert (row.old_kind, row.old_status, row.new_kind, row.new_status) == (
        kind,
        status,
        new_kind,
        new_status,
    )
    assert row.by == secretariat and row.reason == "Decided in council"
    assert row.at.date() == TODAY


REFUSED = [
    (k, s, to)
    for k in K.values
    for s in S.values
    for to in To.values
    if (k, s, to) not in {(a, b, c) for a, b, c, _, _ in ALLOWED}
]


@pytest.mark.parametrize(("kind", "status", "to"), REFUSED)
def test_every_other_transition_is_refused_with_a_message(secretariat, kind, status, to):
    group = make(kind, status, end_date=None)
    with pytest.raises(TransitionRefused, match="is not possible for"):
        group_transition(group=group, to=to, by=secretariat, reason="Try")
    group.refresh_from_db()
    assert (group.kind, group.status) == (kind, status)
    assert not GroupStatusChange.objects.exists()


def test_conversion_keeps_the_same_row_clears_the_end_date_and_sets_a_usefulness_review(
    secretariat,
):
    group = make(slug="open-government-wg", next_review_date=datetime.date(2026, 1, 1))
    ObjectiveFactory(group=group, status="done")
    pk = group.pk
    group_transition(group=group, to=To.COP, by=secretariat, reason="Measure 3")
    group.refresh_from_db()
    assert group.pk == pk and group.slug == "open-government-wg"
    assert group.kind == K.COMMUNITY_OF_PRACTICE and group.end_date is None
    assert group.next_review_date == TODAY + datetime.timedelta(days=365)
    assert group.objectives.count() == 1
    assert group.history.count() >= 2  # the past is kept


def test_conversion_takes_the_first_usefulness_review_date_given(secretariat):
    group = make()
    review = datetime.date(2027, 6, 1)
    group_transition(
        group=group, to=To.COP, by=secretariat, reason="Measure 3", next_review_date=review
    )
    group.refresh_from_db()
    assert group.next_review_date == review


def test_conversion_with_no_date_reviews_a_year_from_today_whatever_the_old_date(secretariat):
    """The form promises "a year from now if empty": a review date left over from the working
    group's life (here, in two months) does not stand in for it."""
    group = make(next_review_date=datetime.date(2027, 1, 31))
    group_transition(group=group, to=To.COP, by=secretariat, reason="Measure 3")
    group.refresh_from_db()
    assert group.next_review_date == datetime.date(2027, 11, 23)


@pytest.mark.parametrize("day", [datetime.date(2026, 11, 23), datetime.date(2026, 1, 1)])
def test_a_first_review_today_or_in_the_past_is_refused_on_its_field(secretariat, day):
    group = make()
    with pytest.raises(TransitionRefused) as refused:
        group_transition(
            group=group, to=To.COP, by=secretariat, reason="Measure 3", next_review_date=day
        )
    assert "next_review_date" in refused.value.message_dict
    group.refresh_from_db()
    assert group.kind == K.WORKING_GROUP


def test_the_conversion_page_offers_to_rename_a_group_still_called_working_group(
    secretariat, client_for
):
    group = make(
        slug="digital-identity-wg",
        name_en="Digital Identity Working Group",
        name_fr="Groupe de travail sur l'identité numérique",
    )
    client = client_for(secretariat)
    url = f"/en/groups/{group.slug}/lifecycle/cop/"
    page = client.get(url).content.decode()
    assert 'value="Digital Identity Community of Practice"' in page
    assert 'value="Communauté de pratique sur l&#x27;identité numérique"' in page
    response = client.post(
        url,
        {
            "seen": "wg:active",
            "reason": "Measure 3",
            "name_en": "Digital Identity Community of Practice",
            "name_fr": "Communauté de pratique sur l'identité numérique",
        },
    )
    assert response.status_code == 302
    group.refresh_from_db()
    assert (group.kind, group.name_en, group.name_fr) == (
        K.COMMUNITY_OF_PRACTICE,
        "Digital Identity Community of Practice",
        "Communauté de pratique sur l'identité numérique",
    )
    assert group.next_review_date == datetime.date(2027, 11, 23)


def test_emptied_names_keep_the_current_ones_and_other_names_get_no_offer(secretariat, client_for):
    group = make(name_en="Open Government Working Group", name_fr="")
    client = client_for(secretariat)
    url = f"/en/groups/{group.slug}/lifecycle/cop/"
    data = {"seen": "wg:active", "reason": "Measure 3", "name_en": "", "name_fr": ""}
    assert client.post(url, data).status_code == 302
    group.refresh_from_db()
    assert group.name_en == "Open Government Working Group"
    plain = make(name_en="Service Design Forum", name_fr="Forum sur la conception")
    page = client.get(f"/en/groups/{plain.slug}/lifecycle/cop/").content.decode()
    assert 'name="name_en"' not in page


def test_a_working_group_with_open_deliverables_cannot_be_dissolved_outright(secretariat):
    group = make()
    ObjectiveFactory(group=group, kind="deliverable", status="on_track")
    with pytest.raises(TransitionRefused, match="cannot be dissolved outright"):
        group_transition(group=group, to=To.DISSOLVED, by=secretariat, reason="Done")
    group.refresh_from_db()
    assert group.status == S.ACTIVE
    # It winds down first, then is dissolved once its deliverables are done.
    group_transition(group=group, to=To.WINDING_DOWN, by=secretariat, reason="Final year")
    with pytest.raises(TransitionRefused, match="mark them done or cancelled"):
        group_transition(group=group, to=To.DISSOLVED, by=secretariat, reason="Done")
    group.objectives.update(status="done")
    group_transition(group=group, to=To.DISSOLVED, by=secretariat, reason="Delivered")
    group.refresh_from_db()
    assert group.status == S.DISSOLVED
    assert group.end_date == TODAY
    assert list(group.status_changes.values_list("new_status", flat=True)) == [
        "dissolved",
        "winding_down",
    ]


def test_cancelled_objectives_do_not_block_a_dissolution(secretariat):
    group = make()
    ObjectiveFactory(group=group, status="cancelled")
    group_transition(group=group, to=To.DISSOLVED, by=secretariat, reason="No longer needed")
    group.refresh_from_db()
    assert group.status == S.DISSOLVED


@pytest.mark.parametrize("reason", ["", "   "])
def test_the_reason_is_required(secretariat, reason):
    group = make()
    with pytest.raises(TransitionRefused) as exc:
        group_transition(group=group, to=To.WINDING_DOWN, by=secretariat, reason=reason)
    assert "reason" in exc.value.message_dict
    group.refresh_from_db()
    assert group.status == S.ACTIVE


@pytest.mark.parametrize("persona", ["member", "group_cochair", "council_cochair", "outsider"])
def test_only_the_secretariat_takes_transitions(personas, persona):
    group = make()
    with pytest.raises(PermissionDenied):
        group_transition(group=group, to=To.COP, by=personas[persona], reason="Why not")
    group.refresh_from_db()
    assert group.kind == K.WORKING_GROUP


def test_a_stale_copy_cannot_convert_twice(secretariat):
    group = make()
    stale = Group.objects.get(pk=group.pk)
    group_transition(group=group, to=To.COP, by=secretariat, reason="First")
    with pytest.raises(TransitionRefused):
        group_transition(group=stale, to=To.COP, by=secretariat, reason="Second")
    assert GroupStatusChange.objects.filter(group=group).count() == 1


def test_converting_completes_the_measure_that_asked_for_it(secretariat):
    group = make()
    measure = MeasureFactory(type=Measure.Type.CONVERT_TO_COP, groups=[group])
    unrelated = MeasureFactory(type=Measure.Type.DISSOLVE, groups=[group])
    group_transition(group=group, to=To.COP, by=secretariat, reason="Measure")
    measure.refresh_from_db()
    unrelated.refresh_from_db()
    assert measure.status == Measure.Status.DONE and measure.completed_on == TODAY
    assert measure.group_rows.get().carried_out_at is not None
    assert unrelated.status == Measure.Status.PROPOSED


def test_a_measure_for_two_groups_is_done_when_both_are_carried_out(secretariat):
    open_gov, gdpr = make(slug="og"), make(slug="gdpr")
    measure = MeasureFactory(type=Measure.Type.CONVERT_TO_COP, groups=[open_gov, gdpr])
    group_transition(group=gdpr, to=To.COP, by=secretariat, reason="Measure 3")
    measure.refresh_from_db()
    assert measure.status == Measure.Status.IN_PROGRESS
    group_transition(group=open_gov, to=To.COP, by=secretariat, reason="Measure 3")
    measure.refresh_from_db()
    assert measure.status == Measure.Status.DONE


def test_winding_down_starts_a_dissolution_measure_and_dissolving_completes_it(secretariat):
    group = make()
    ObjectiveFactory(group=group, status="on_track")
    measure = MeasureFactory(type=Measure.Type.DISSOLVE, groups=[group])
    group_transition(group=group, to=To.WINDING_DOWN, by=secretariat, reason="Measure 1")
    measure.refresh_from_db()
    assert measure.status == Measure.Status.IN_PROGRESS
    group.objectives.update(status="done")
    group_transition(group=group, to=To.DISSOLVED, by=secretariat, reason="Measure 1")
    measure.refresh_from_db()
    assert measure.status == Measure.Status.DONE


def test_a_dropped_measure_is_not_reopened_by_a_transition(secretariat):
    group = make()
    measure = MeasureFactory(
        type=Measure.Type.CONVERT_TO_COP, groups=[group], status=Measure.Status.DROPPED
    )
    group_transition(group=group, to=To.COP, by=secretariat, reason="Anyway")
    measure.refresh_from_db()
    assert measure.status == Measure.Status.DROPPED
