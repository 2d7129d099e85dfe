"""Group-side objects for the cross-cutting tests (permission matrix, fuzzer, CSRF)."""

from workinggroups.models import GroupLink, Workplan
from workinggroups.services import calendar_token_create
from workinggroups.tests.factories import GroupFactory, MeasureFactory, WorkplanFactory


def build(**world):
    group = world["group"]
    other = GroupFactory(slug="open-government-wg", name_en="Open Government Working Group")
    link = GroupLink.objects.create(
        group_a=group, group_b=other, note_en="Shared pilots.", created_by=world["secretariat"]
    )
    draft = WorkplanFactory(group=group, version=1)
    submitted = WorkplanFactory(group=group, version=2, status=Workplan.Status.SUBMITTED)
    measure = MeasureFactory(groups=[group])
    token = calendar_token_create(user=world["member"])
    return {
        "other_group": other,
        "group_link": link,
        "draft_workplan": draft,
        "submitted_workplan": submitted,
        "measure": measure,
        "calendar_token": token,
    }
