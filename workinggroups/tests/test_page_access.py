"""Who may open each page of the groups and meetings (GET), persona by persona: readers see,
the secretariat (or a group's co-chair) edits, outsiders get 403 on lists and 404 on objects,
anonymous people are sent to sign in."""

import pytest
from django.urls import reverse

from councils.models import AgendaItem, Attendee, Decision, ExternalBody
from councils.tests.factories import ActionItemFactory, MeetingFactory
from workinggroups.models import Workplan
from workinggroups.tests.factories import MeasureFactory, WorkplanFactory

PERSONAS = ["anonymous", "outsider", "member", "group_cochair", "council_cochair", "secretariat"]
READ = {"anonymous": 302, "outsider": 403}  # everyone else: 200
READ_OBJECT = {"anonymous": 302, "outsider": 404}
SECRETARIAT_ONLY = {
    "anonymous": 302,
    "outsider": 403,
    "member": 403,
    "group_cochair": 403,
    "council_cochair": 403,
}
SECRETARIAT_OBJECT = {**SECRETARIAT_ONLY, "outsider": 404}


@pytest.fixture(scope="module")
def shared_world(module_db, module_personas):
    """Built once for the module's 200-odd tests (conftest.module_db); what a test writes is
    rolled back before the next."""
    group = module_personas["group"]
    with module_db.unblock():
        meeting = MeetingFactory(councils=[module_personas["council"]])
        return {
            "group": group,
            "personas": module_personas["personas"],
            "meeting": meeting,
            "agenda": AgendaItem.objects.create(meeting=meeting, title_en="Item"),
            "attendee": Attendee.objects.create(meeting=meeting, name="Guest"),
            "decision": Decision.objects.create(meeting=meeting, text_en="Decided"),
            "action": ActionItemFactory(meeting=meeting),
            "body": ExternalBody.objects.create(slug="iccs", name_en="ICCS"),
            "measure": MeasureFactory(groups=[group]),
            "accepted": WorkplanFactory(group=group, version=1, status=Workplan.Status.ACCEPTED),
            "draft": WorkplanFactory(group=group, version=2),
        }


@pytest.fixture
def world(shared_world, db):
    return shared_world


PAGES = [
    ("councils:meeting_list", lambda w: [], READ),
    ("councils:meeting_detail", lambda w: [w["meeting"].pk], READ_OBJECT),
    ("councils:meeting_ics", lambda w: [w["meeting"].pk], READ_OBJECT),
    ("councils:meeting_create", lambda w: [], SECRETARIAT_ONLY),
    ("councils:meeting_edit", lambda w: [w["meeting"].pk], SECRETARIAT_OBJECT),
    ("councils:agenda_item_create", lambda w: [w["meeting"].pk], SECRETARIAT_OBJECT),
    ("councils:agenda_item_edit", lambda w: [w["agenda"].pk], SECRETARIAT_OBJECT),
    ("councils:attendee_create", lambda w: [w["meeting"].pk], SECRETARIAT_OBJECT),
    ("councils:attendee_edit", lambda w: [w["attendee"].pk], SECRETARIAT_OBJECT),
    ("councils:decision_create", lambda w: [w["meeting"].pk], SECRETARIAT_OBJECT),
    ("councils:decision_edit", lambda w: [w["decision"].pk], SECRETARIAT_OBJECT),
    ("councils:action_item_list", lambda w: [], READ),
    ("councils:action_item_create", lambda w: [], SECRETARIAT_ONLY),
    ("councils:action_item_edit", lambda w: [w["action"].pk], SECRETARIAT_OBJECT),
    ("councils:external_body_list", lambda w: [], READ),
    ("councils:external_body_detail", lambda w: [w["body"].slug], READ_OBJECT),
    ("councils:external_body_create", lambda w: [], SECRETARIAT_ONLY),
    ("councils:external_body_edit", lambda w: [w["body"].slug], SECRETARIAT_OBJECT),
    ("councils:engagement_create", lambda w: [w["body"].slug], SECRETARIAT_OBJECT),
    ("workinggroups:group_detail", lambda w: [w["group"].slug], READ),
    ("workinggroups:transition", lambda w: [w["group"].slug, "cop"], SECRETARIAT_OBJECT),
    ("workinggroups:review_create", lambda w: [w["group"].slug], SECRETARIAT_OBJECT),
    ("workinggroups:link_create", lambda w: [w["group"].slug], SECRETARIAT_OBJECT),
    ("workinggroups:measure_list", lambda w: [], READ),
    ("workinggroups:measure_detail", lambda w: [w["measure"].pk], READ_OBJECT),
    ("workinggroups:measure_create", lambda w: [], SECRETARIAT_ONLY),
    ("workinggroups:measure_edit", lambda w: [w["measure"].pk], SECRETARIAT_OBJECT),
    ("workinggroups:workplan_list", lambda w: [w["group"].slug], READ_OBJECT),
    ("workinggroups:workplan_detail", lambda w: [w["accepted"].pk], READ_OBJECT),
    ("workinggroups:workplan_compare", lambda w: [w["group"].slug], READ_OBJECT),
    (
        "workinggroups:workplan_detail",
        lambda w: [w["draft"].pk],
        {**READ_OBJECT, "member": 404, "council_cochair": 404},
    ),
    (
        "workinggroups:workplan_new",
        lambda w: [w["group"].slug],
        {**SECRETARIAT_OBJECT, "group_cochair": 200, "secretariat": 403},
    ),
    (
        "workinggroups:workplan_edit",
        lambda w: [w["draft"].pk],
        {
            **SECRETARIAT_OBJECT,
            "member": 404,
            "council_cochair": 404,
            "group_cochair": 200,
            "secretariat": 403,
        },
    ),
    ("workinggroups:health", lambda w: [], {**SECRETARIAT_ONLY, "council_cochair": 200}),
    ("workinggroups:calendar", lambda w: [], READ),
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    ("name", "args", "expected"), PAGES, ids=[f"{n}-{i}" for i, (n, _, _) in enumerate(PAGES)]
)
def test_page_access(client_for, world, persona, name, args, expected):
    url = reverse(name, args=args(world))
    response = client_for(world["personas"][persona]).get(url)
    assert response.status_code == expected.get(persona, 200), url
    if response.status_code == 302:
        assert "/accounts/login/" in response.url


POST_ONLY = [
    ("councils:meeting_part_remove", lambda w: ["agenda", w["agenda"].pk]),
    ("councils:action_item_status", lambda w: [w["action"].pk]),
    ("workinggroups:link_delete", lambda w: [1]),
    ("workinggroups:measure_status", lambda w: [w["measure"].pk]),
    ("workinggroups:workplan_submit", lambda w: [w["draft"].pk]),
    ("workinggroups:workplan_discard", lambda w: [w["draft"].pk]),
    ("workinggroups:workplan_accept", lambda w: [w["draft"].pk]),
    ("workinggroups:workplan_return", lambda w: [w["draft"].pk]),
    ("workinggroups:calendar_new", lambda w: []),
    ("workinggroups:calendar_revoke", lambda w: []),
]


@pytest.mark.parametrize(("name", "args"), POST_ONLY, ids=[n for n, _ in POST_ONLY])
def test_state_changing_views_refuse_get(client_for, world, name, args):
    secretariat = world["personas"]["secretariat"]
    response = client_for(secretariat).get(reverse(name, args=args(world)))
    assert response.status_code == 405
    assert AgendaItem.objects.filter(pk=world["agenda"].pk).exists()
    assert Workplan.objects.filter(pk=world["draft"].pk, status="draft").exists()
