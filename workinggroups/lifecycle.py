"""The group lifecycle as a table you can read.

A transition is named by its target (`to`). For each kind of group and each current status,
TRANSITIONS lists the targets allowed; `services.group_transition` checks this table, then the
guards below, and refuses with the guard's message when one fails.

    working group:        proposed → active → winding_down → dissolved
                          active / winding_down → cop  (converted: same row, kind becomes "cop")
    community of practice: proposed → active → retired
    sub-committee:        proposed → active → retired

Only the secretariat takes transitions (`permissions.can_transition_group`).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .models import Group, Measure

K = Group.Kind
S = Group.Status


class To(models.TextChoices):
    ACTIVE = "active", _("Activate")
    WINDING_DOWN = "winding_down", _("Start winding down")
    DISSOLVED = "dissolved", _("Dissolve")
    COP = "cop", _("Convert to a community of practice")
    RETIRED = "retired", _("Retire")


TRANSITIONS = {
    K.WORKING_GROUP: {
        S.PROPOSED: [To.ACTIVE],
        S.ACTIVE: [To.WINDING_DOWN, To.DISSOLVED, To.COP],
        S.WINDING_DOWN: [To.DISSOLVED, To.COP],
    },
    K.COMMUNITY_OF_PRACTICE: {
        S.PROPOSED: [To.ACTIVE],
        S.ACTIVE: [To.RETIRED],
    },
    K.SUB_COMMITTEE: {
        S.PROPOSED: [To.ACTIVE],
        S.ACTIVE: [To.RETIRED],
    },
}

# What each target makes of the group: (new kind or None to keep it, new status).
RESULT = {
    To.ACTIVE: (None, S.ACTIVE),
    To.WINDING_DOWN: (None, S.WINDING_DOWN),
    To.DISSOLVED: (None, S.DISSOLVED),
    To.COP: (K.COMMUNITY_OF_PRACTICE, S.ACTIVE),
    To.RETIRED: (None, S.RETIRED),
}

# The measures a transition carries out for the group it concerns.
CARRIES_OUT = {
    To.DISSOLVED: Measure.Type.DISSOLVE,
    To.COP: Measure.Type.CONVERT_TO_COP,
}
# The measures a transition starts (in progress) without finishing them.
STARTS = {
    To.WINDING_DOWN: Measure.Type.DISSOLVE,
}


def allowed_targets(group):
    """The targets the table allows from the group's kind and status (guards not checked)."""
    return list(TRANSITIONS.get(group.kind, {}).get(group.status, []))
