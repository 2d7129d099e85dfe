"""Published records for the cross-cutting tests: an adopted plan, the persona group's
mandate, an approved funding decision, a held meeting's approved minutes and a decision, all
published by the secretariat."""

from publication.services import publication_publish
from publication.tests.data import adopted_plan, approved_request, decision, held_meeting


def build(**world):
    by = world["secretariat"]
    plan = adopted_plan(world["group"], world["priority"], title="Published joint plan")
    meeting = held_meeting(world["council"], title="Published meeting")
    funding = approved_request(world["group"], meeting, world["group_cochair"])
    the_decision = decision(meeting)
    for record in (plan, world["group"], funding, meeting, the_decision):
        publication_publish(record=record, by=by)
    return {
        "public_plan": plan,
        "public_meeting": meeting,
        "public_funding": funding,
        "public_decision": the_decision,
    }
