"""Meeting-side objects for the cross-cutting tests (permission matrix, fuzzer, CSRF)."""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from councils.models import (
    AgendaItem,
    Attendee,
    Decision,
    Engagement,
    ExternalBody,
    InterestDeclaration,
    Meeting,
    MinutesStatus,
)
from councils.tests.factories import (
    ActionItemFactory,
    CouncilMembershipFactory,
    MeetingFactory,
    UserFactory,
)


def build(**world):
    meeting = MeetingFactory(
        councils=[world["council"]], starts_at=timezone.now() + datetime.timedelta(days=20)
    )
    agenda = AgendaItem.objects.create(meeting=meeting, title_en="Funding requests", order=1)
    attendee = Attendee.objects.create(meeting=meeting, user=world["member"])
    decision = Decision.objects.create(meeting=meeting, number=1, text_en="Endorse the plan.")
    action = ActionItemFactory(owner=world["group_cochair"], meeting=meeting)
    body = ExternalBody.objects.create(slug="iccs", name_en="Institute for Citizen-Centred Service")
    Engagement.objects.create(external_body=body, summary_en="Briefing on digital identity.")
    guest = UserFactory(username="cdo-guest", first_name="Maya", last_name="Chen")
    seat = CouncilMembershipFactory(council=world["council"], user=guest, role="guest")
    declaration = InterestDeclaration.objects.create(
        person=world["member"],
        content_type=ContentType.objects.get_for_model(AgendaItem),
        object_id=agenda.pk,
        statement="My team would deliver the work.",
        declared_by=world["member"],
    )
    # Minutes approved (and so locked): their PDF is downloadable.
    approved = MeetingFactory(
        councils=[world["council"]],
        starts_at=timezone.now() - datetime.timedelta(days=40),
        status=Meeting.Status.HELD,
        minutes_en="The councils set three priorities.",
        minutes_status=MinutesStatus.APPROVED,
    )
    return {
        "approved_meeting": approved,
        "declaration": declaration,
        "council_membership": seat,
        "meeting": meeting,
        "agenda_item": agenda,
        "attendee": attendee,
        "decision": decision,
        "action_item": action,
        "external_body": body,
    }
