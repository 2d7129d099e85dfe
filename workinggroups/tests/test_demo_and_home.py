"""The demo world: the 27 February 2020 meeting, workplans, mandates, progress history. The demo
is loaded once for the module; what each test writes is rolled back (conftest.module_db). The
home page's workinggroups section is tested in test_home_section.py."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from councils.models import ExternalBody, Meeting
from workinggroups.models import Group, Measure, Workplan


@pytest.fixture
def demo(module_demo, db):
    """The demo, loaded once for the module (conftest.module_demo)."""


def test_demo_has_the_meeting_of_27_february_2020(demo):
    meeting = Meeting.objects.get(starts_at__date=datetime.date(2020, 2, 27))
    assert set(meeting.councils.values_list("code", flat=True)) == {"pssdc", "pscioc"}
    assert meeting.context_en and meeting.context_fr
    kinds = list(meeting.agenda_items.values_list("kind", flat=True))
    assert kinds.count("objective") == 3 and kinds.count("question") == 2
    assert meeting.action_items.count() == 2
    measures = {m.number: m for m in meeting.measures.all()}
    assert sorted(measures) == [1, 2, 3, 4, 5]
    assert set(measures[3].groups.values_list("slug", flat=True)) == {
        "open-government-wg",
        "gdpr-wg",
    }
    assert measures[3].type == Measure.Type.CONVERT_TO_COP
    assert set(measures[4].groups.values_list("slug", flat=True)) == {
        "digital-identity-wg",
        "identity-management-sub-committee",
    }
    assert meeting.attendees.filter(user__username="cdo.guest", role="guest").exists()


def test_demo_has_the_external_bodies(demo):
    slugs = set(ExternalBody.objects.values_list("slug", flat=True))
    assert {"fpt-dm-table", "cio-strategy-council", "iccs", "chief-digital-officers"} <= slugs
    assert ExternalBody.objects.get(slug="fpt-dm-table").relationship == "formal_proposed"
    assert ExternalBody.objects.get(slug="iccs").engagements.exists()


def test_demo_has_accepted_workplans_for_this_fiscal_year(demo):
    accepted = Workplan.objects.filter(
        status="accepted",
        period_start=datetime.date(2026, 4, 1),
        period_end=datetime.date(2027, 3, 31),
    )
    assert accepted.count() >= 6
    assert all(w.items.exists() for w in accepted)
    # Data-Driven Insights is still drafting its first workplan, past its due date.
    assert list(
        Workplan.objects.filter(group__slug="data-driven-insights").values_list("status")
    ) == [("draft",)]
    assert Workplan.objects.get(group__slug="business-services", version=2).status == "submitted"


def test_demo_pages_render_for_the_secretariat(demo, client):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="secretariat"))
    meeting = Meeting.objects.get(starts_at__date=datetime.date(2020, 2, 27))
    for url in (
        reverse("councils:meeting_detail", args=[meeting.pk]),
        reverse("workinggroups:health"),
        reverse("workinggroups:group_detail", args=["digital-identity-wg"]),
        reverse("workinggroups:workplan_compare", args=["digital-identity-wg"]),
        reverse("councils:external_body_list"),
        reverse("portal:home"),
    ):
        assert client.get(url).status_code == 200, url


def test_demo_has_a_revised_mandate_a_review_of_its_version_and_terms_with_dates(demo):
    from workinggroups.models import GroupMembership, MandateReview

    group = Group.objects.get(slug="client-centred-service-wg")
    first, second = group.mandate_versions.order_by("number")
    assert first.origin == "created" and first.at.date() == group.start_date
    assert second.origin == "edited" and second.by.username == "secretariat" and second.reason
    assert (second.mandate_en, second.mandate_fr) == (group.mandate_en, group.mandate_fr)
    assert first.mandate_en != second.mandate_en
    review = MandateReview.objects.get(group=group, review_date=datetime.date(2026, 2, 1))
    assert review.mandate_version == second
    assert GroupMembership.objects.filter(end_date__lt=datetime.date(2026, 1, 1)).exists()
    assert GroupMembership.objects.ending_between(
        timezone.localdate(), timezone.localdate() + datetime.timedelta(days=30)
    ).exists()


def test_demo_every_reporting_group_has_dated_updates_and_one_filed_report(demo):
    """Issue 12: each group has a few dated progress updates and one filed report, so the
    dashboard ("last reported on") and the objectives' timelines show real history."""
    from workinggroups import progress
    from workinggroups.models import ObjectiveUpdate, ProgressReport

    start, end = progress.last_due_period()
    groups = progress.reporting_groups(start, end).filter(objectives__isnull=False).distinct()
    assert groups.count() >= 3
    for group in groups:
        updates = ObjectiveUpdate.objects.filter(objective__group=group)
        days = {u.at.date() for u in updates}
        assert updates.count() >= 2 and len(days) >= 2, (group.slug, updates.count())
        assert all(u.at.date() <= timezone.localdate() for u in updates), group.slug
        filed = ProgressReport.objects.filter(group=group, status__in=ProgressReport.FILED)
        assert filed.count() == 1, (group.slug, filed.count())
        assert filed.get().period_start == start
    # No group due to report is left without one: the health rule is quiet on the demo.
    assert not progress.groups_without_report(start, end).exists()
