"""The secretariat's services for groups, mandates and memberships: versions with who, when
and why; terms added, changed and ended; liaison gaps named and confirmed before they open."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.workflow import NeedsConfirmation, StepRefused
from councils.models import CouncilMembership
from councils.services import council_membership_end, council_membership_save
from councils.tests.factories import CouncilFactory, CouncilMembershipFactory, UserFactory
from workinggroups import liaison
from workinggroups.mandates import group_create, group_update
from workinggroups.memberships import membership_end, membership_save
from workinggroups.models import Group, GroupMembership, MandateReview, MandateVersion
from workinggroups.services import TransitionRefused, review_record
from workinggroups.tests.factories import GroupFactory, GroupMembershipFactory

DAY = datetime.timedelta(days=1)


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def representative(group, council):
    return GroupMembershipFactory(
        group=group,
        role="representative",
        council=council,
        user=UserFactory(first_name="Ray", last_name="Presentative"),
    )


def test_a_representative_or_a_cochair_seated_on_the_council_is_a_liaison(group, council, today):
    assert liaison.gaps({group.pk}, {today}) == {(group.pk, council.pk, today)}
    chair = GroupMembershipFactory(group=group, role="co_chair")
    assert liaison.gaps({group.pk}, {today})  # a co-chair not on the council is no liaison
    CouncilMembershipFactory(user=chair.user, council=council, role="guest")
    assert liaison.gaps({group.pk}, {today}) == set()


def test_gaps_follow_the_terms_day_by_day(group, council, representative, today):
    representative.end_date = today + 10 * DAY
    representative.save()
    later = today + 11 * DAY
    assert liaison.gaps({group.pk}, {today, later}) == {(group.pk, council.pk, later)}
    group.status = Group.Status.DISSOLVED
    group.save()
    assert liaison.gaps({group.pk}, {today, later}) == set()  # a closed group has no gap


def test_ending_the_last_liaison_needs_a_confirmation_that_names_the_gap(
    group, council, representative, secretariat, today
):
    with pytest.raises(NeedsConfirmation) as refused:
        membership_end(
            membership=representative, by=secretariat, end_date=today - DAY, seen=0, reason="Left"
        )
    (gap,) = refused.value.items
    assert (gap.group, gap.council, gap.day) == (group, council, today)
    representative.refresh_from_db()
    assert representative.end_date is None and representative.revision == 0  # rolled back

    with pytest.raises(NeedsConfirmation, match="Give the reason"):
        membership_end(
            membership=representative,
            by=secretariat,
            end_date=today - DAY,
            seen=0,
            confirmed=[gap.token],
        )
    membership_end(
        membership=representative,
        by=secretariat,
        end_date=today - DAY,
        seen=0,
        reason="Left the public service.",
        confirmed=[gap.token],
    )
    representative.refresh_from_db()
    assert representative.end_date == today - DAY and representative.revision == 1
    assert representative.change_reason == "Left the public service."
    latest = representative.history.first()
    assert latest.end_date == today - DAY and latest.change_reason == "Left the public service."


def test_a_term_that_ends_later_opens_the_gap_the_day_after_it_ends(
    group, council, representative, secretariat, today
):
    with pytest.raises(NeedsConfirmation) as refused:
        membership_end(membership=representative, by=secretariat, end_date=today + 5 * DAY)
    assert [g.day for g in refused.value.items] == [today + 6 * DAY]


def test_ending_one_of_two_liaisons_needs_no_confirmation(
    group, council, representative, secretariat, today
):
    GroupMembershipFactory(group=group, role="representative", council=council)
    membership_end(membership=representative, by=secretariat, end_date=today - DAY, seen=0)
    representative.refresh_from_db()
    assert representative.end_date == today - DAY


def test_a_stale_page_or_an_ended_term_is_refused(representative, secretariat, today):
    GroupMembershipFactory(
        group=representative.group, role="representative", council=representative.council
    )
    with pytest.raises(StepRefused, match="Someone else changed this"):
        membership_end(membership=representative, by=secretariat, end_date=today, seen=3)
    representative.end_date = today - 2 * DAY
    representative.save()
    with pytest.raises(StepRefused, match="already ended"):
        membership_end(membership=representative, by=secretariat, end_date=today - DAY)


def test_only_the_secretariat_manages_memberships(group, representative, member, today):
    with pytest.raises(PermissionDenied):
        membership_end(membership=representative, by=member, end_date=today)
    with pytest.raises(PermissionDenied):
        membership_save(
            membership=GroupMembership(group=group, user=member, role="member"), by=member
        )


def test_adding_a_term_twice_is_refused_and_roles_only_representatives_have_a_council(
    group, council, secretariat, today
):
    person = UserFactory(first_name="Jordan", last_name="Fraser")
    first = membership_save(
        membership=GroupMembership(
            group=group, user=person, role="co_chair", council=council, start_date=today
        ),
        by=secretariat,
    )
    assert first.council is None
    with pytest.raises(ValidationError, match="Jordan Fraser already holds"):
        membership_save(
            membership=GroupMembership(
                group=group, user=person, role="co_chair", start_date=today + DAY
            ),
            by=secretariat,
        )


def test_changing_a_cochair_to_a_member_can_open_a_gap(group, council, secretariat, today):
    chair = GroupMembershipFactory(group=group, role="co_chair")
    CouncilMembershipFactory(user=chair.user, council=council)
    chair.role = "member"
    with pytest.raises(NeedsConfirmation):
        membership_save(membership=chair, by=secretariat, seen=0)
    chair.refresh_from_db()
    assert chair.role == "co_chair"


def test_a_new_group_is_proposed_and_its_mandate_is_version_1(council, priority, secretariat):
    group = Group(
        slug="data-wg", kind="wg", name_en="Data WG", name_fr="GT données", mandate_en="Share."
    )
    group_create(group=group, councils=[council], priorities=[priority], by=secretariat)
    assert group.status == "proposed"
    (version,) = group.mandate_versions.all()
    assert (version.number, version.origin, version.by, version.mandate_en) == (
        1,
        "created",
        secretariat,
        "Share.",
    )
    with pytest.raises(ValidationError):
        group_create(
            group=Group(slug="health", kind="wg", name_en="Health"),
            councils=[],
            priorities=[],
            by=secretariat,
        )


def test_a_mandate_change_needs_a_reason_and_becomes_a_version(
    group, council, priority, secretariat
):
    group.mandate_fr = "Livrer des éléments communs, puis les mesurer."
    with pytest.raises(ValidationError, match="Say why the mandate changes"):
        group_update(group=group, councils=[council], priorities=[priority], by=secretariat, seen=0)
    group.refresh_from_db()
    group.mandate_fr = "Livrer des éléments communs, puis les mesurer."
    group_update(
        group=group,
        councils=[council],
        priorities=[priority],
        by=secretariat,
        seen=0,
        reason="Council decision of 2026-11-20.",
        confirmed=[f"{group.pk}:{council.pk}"],
    )
    latest = group.mandate_versions.order_by("-number").first()
    assert latest.number == 2 and latest.origin == "edited" and latest.by == secretariat
    assert latest.reason == "Council decision of 2026-11-20."
    assert latest.mandate_fr.endswith("puis les mesurer.")
    group.refresh_from_db()
    assert group.revision == 1
    with pytest.raises(StepRefused):
        group_update(group=group, councils=[council], priorities=[], by=secretariat, seen=0)


def test_the_kind_changes_only_while_proposed(group, secretariat):
    group.kind = "cop"
    with pytest.raises(ValidationError, match="only while it is proposed"):
        group_update(group=group, councils=[], priorities=[], by=secretariat)


def test_reporting_to_a_new_council_opens_a_gap_to_confirm(group, council, secretariat):
    other = CouncilFactory(code="pscioc")
    GroupMembershipFactory(group=group, role="representative", council=council)
    with pytest.raises(NeedsConfirmation) as refused:
        group_update(group=group, councils=[council, other], priorities=[], by=secretariat)
    assert [g.council for g in refused.value.items] == [other]
    assert list(group.councils.all()) == [council]


def test_a_mandate_saved_elsewhere_is_a_version_too(group):
    before = group.mandate_versions.count()
    group.mandate_en = "Changed in the admin."
    group.save()
    latest = group.mandate_versions.order_by("-number").first()
    assert group.mandate_versions.count() == before + 1
    assert latest.origin == MandateVersion.Origin.OUTSIDE and latest.by is None
    group.name_en = "Renamed"
    group.save()
    assert group.mandate_versions.count() == before + 1  # no change of text, no version


def test_a_review_records_the_version_it_read(group, secretariat):
    current = group.mandate_versions.order_by("-number").first()
    review = review_record(
        review=MandateReview(group=group, outcome="aligned"),
        by=secretariat,
        seen_version=current.number,
    )
    assert review.mandate_version == current
    group.mandate_en = "Newer."
    group.save()
    with pytest.raises(TransitionRefused, match="mandate changed while you were on this page"):
        review_record(
            review=MandateReview(group=group, outcome="aligned"),
            by=secretariat,
            seen_version=current.number,
        )


def test_ending_a_cochairs_council_seat_names_the_groups_gap(group, council, secretariat, today):
    chair = GroupMembershipFactory(group=group, role="co_chair")
    seat = CouncilMembershipFactory(user=chair.user, council=council)
    with pytest.raises(NeedsConfirmation) as refused:
        council_membership_end(membership=seat, by=secretariat, end_date=today - DAY, seen=0)
    assert [(g.group, g.council) for g in refused.value.items] == [(group, council)]
    council_membership_end(
        membership=seat,
        by=secretariat,
        end_date=today - DAY,
        seen=0,
        reason="Term over.",
        confirmed=[f"{group.pk}:{council.pk}"],
    )
    seat.refresh_from_db()
    assert seat.end_date == today - DAY and seat.change_reason == "Term over."


def test_council_memberships_are_added_once_per_role(council, secretariat, today):
    person = UserFactory(first_name="Maya", last_name="Chen")
    council_membership_save(
        membership=CouncilMembership(council=council, user=person, role="guest"), by=secretariat
    )
    with pytest.raises(ValidationError, match="Maya Chen already holds"):
        council_membership_save(
            membership=CouncilMembership(council=council, user=person, role="guest"),
            by=secretariat,
        )


def test_a_group_cannot_sit_under_a_group_under_it(group, secretariat):
    child = GroupFactory(slug="child-wg", parent=group)
    group.parent = child
    with pytest.raises(ValidationError, match="cannot sit under"):
        group_update(group=group, councils=[], priorities=[], by=secretariat)
