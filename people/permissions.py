"""Who may manage people: the secretariat (and superusers). Nobody signs themselves up."""

from councils.permissions import is_secretariat


def can_manage_people(user) -> bool:
    """The people list, a person's page, invitations, edits, departures and returns."""
    return is_secretariat(user)


def can_deactivate(user, person) -> bool:
    """Not oneself: a secretariat member who left by mistake could not come back to fix it."""
    return can_manage_people(user) and person.pk != getattr(user, "pk", None)
