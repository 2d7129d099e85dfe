"""Text typed in one language keeps its language on every page that shows it, and text the
code writes reads in the reader's language (core.written), outside funding (which has its own
test_written_text.py)."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import translation

from councils.models import Attendee
from councils.tests.factories import MeetingFactory, PriorityFactory, UserFactory
from notifications.tests.helpers import frozen
from strategy.models import ADOPTED_BY_COUNCILS_TEXT, PlanStatusChange, Status
from strategy.services import plan_create, plan_transition
from strategy.tests.factories import StrategicPlanFactory, accepted_workplan, objective
from workinggroups import progress
from workinggroups.lifecycle import To
from workinggroups.models import Objective
from workinggroups.services import (
    group_transition,
    workplan_return,
    workplan_start,
    workplan_submit,
)
from workinggroups.tests.factories import GroupFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def _page(client, url, language):
    return client.get(f"/{language}{url[3:]}").content.decode()


def test_the_demo_plans_adoption_reason_is_stored_as_a_key_and_read_in_french(
    client_for, secretariat
):
    priority = PriorityFactory(code="p", title_en="P", title_fr="P")
    group = GroupFactory(priorities=[priority])
    accepted_workplan(group, [objective(group, priority, Objective.Status.ON_TRACK)])
    plan, _ = plan_create(
        by=secretariat, title_en="Plan", title_fr="Plan", first_fiscal_year=2026,
        last_fiscal_year=2027,
    )  # fmt: skip
    plan_transition(plan=plan, by=secretariat, to=Status.ADOPTED, key=ADOPTED_BY_COUNCILS_TEXT)
    url = reverse("strategy:plan_detail", args=[plan.pk])
    french = _page(client_for(secretariat), url, "fr")
    assert "Adopté par les conseils mixtes." in french
    assert "Adopted by the joint councils." not in french
    assert "Adopted by the joint councils." in _page(client_for(secretariat), url, "en")


def test_the_strategy_data_migration_turns_the_demo_sentence_into_its_key(secretariat):
    plan = StrategicPlanFactory()
    change = PlanStatusChange.objects.create(
        plan=plan, old_status="draft", new_status="adopted", by=secretariat,
        reason="Adopted by the joint councils.",
    )  # fmt: skip
    typed = PlanStatusChange.objects.create(
        plan=plan, old_status="adopted", new_status="archived", by=secretariat, reason="Replaced."
    )
    importlib.import_module("strategy.migrations.0003_system_text_keys").to_keys(apps, None)
    change.refresh_from_db(), typed.refresh_from_db()
    assert (change.reason_key, change.reason) == ("strategy.adopted_by_councils", "")
    assert (typed.reason_key, typed.reason) == ("", "Replaced.")


def test_a_group_status_change_reason_keeps_the_language_it_was_typed_in(
    client_for, group, secretariat, member
):
    group_transition(group=group, to=To.WINDING_DOWN, by=secretariat, reason="Final year.")
    url = reverse("workinggroups:group_detail", args=[group.slug])
    assert '<span lang="en">Final year.</span>' in _page(client_for(member), url, "fr")
    assert 'lang="en">Final year.' not in _page(client_for(member), url, "en")


def test_an_attendee_organisation_typed_on_an_english_page_is_marked_on_the_french_one(
    client_for, secretariat, member, council
):
    meeting = MeetingFactory(councils=[council])
    guest = UserFactory(first_name="Maya", last_name="Chen")
    client = client_for(secretariat)
    response = client.post(
        f"/en/councils/meetings/{meeting.pk}/attendees/new/",
        {"user": guest.pk, "name": "", "organization": "Chief digital officer",
         "role": "guest", "attendance": "present"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    attendee = Attendee.objects.get(meeting=meeting, user=guest)
    assert attendee.organization_lang == "en"
    url = reverse("councils:meeting_detail", args=[meeting.pk])
    assert '<span lang="en">Chief digital officer</span>' in _page(client_for(member), url, "fr")
    assert 'lang="en">Chief' not in _page(client_for(member), url, "en")


def test_review_comments_and_deadline_reasons_keep_their_language(
    client_for, group, group_cochair, secretariat
):
    ObjectiveFactory(group=group)
    workplan = workplan_start(
        group=group, by=group_cochair, period_start=D(2026, 4, 1), period_end=D(2027, 3, 31)
    )
    workplan_submit(workplan=workplan, by=group_cochair)
    with translation.override("fr"):
        workplan_return(workplan=workplan, by=secretariat, comment="Ajoutez une priorité.")
    url = reverse("workinggroups:workplan_detail", args=[workplan.pk])
    client = client_for(group_cochair)
    assert '<span lang="fr">Ajoutez une priorité.</span>' in _page(client, url, "en")
    assert 'lang="fr">Ajoutez' not in _page(client, url, "fr")

    goal = ObjectiveFactory(group=group, status=Objective.Status.ON_TRACK, due_date=D(2027, 1, 31))
    with translation.override("en"):  # typed on an English page
        progress.objective_update(
            objective=goal, by=group_cochair, status=goal.status, due_date=D(2027, 3, 31),
            due_date_reason="Pilots need a quarter more.",
        )  # fmt: skip
    url = reverse("workinggroups:objective_detail", args=[goal.pk])
    assert '<span lang="en">Pilots need a quarter more.</span>' in _page(client, url, "fr")

    with frozen(D(2026, 11, 23)):
        report = progress.progress_report_start(
            group=group, by=group_cochair, period_start=D(2026, 7, 1)
        )
    open_ids = list(group.objectives.open().values_list("pk", flat=True))
    progress.progress_report_save(
        report=report, by=group_cochair, narrative_en="Done.", confirmed=open_ids
    )
    progress.progress_report_submit(report=report, by=group_cochair)
    with translation.override("fr"):
        progress.progress_report_return(report=report, by=secretariat, comment="Précisez.")
    url = reverse("workinggroups:report_detail", args=[report.pk])
    english = _page(client, url, "en")
    assert english.count('<span lang="fr">Précisez.</span>') == 2  # the comment, the history
