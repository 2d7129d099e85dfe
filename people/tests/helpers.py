"""Helpers for tests of other apps that change a person the way the secretariat does."""

from people import services


def rename(person, *, by, first_name, last_name):
    """The person's name changed through the People area (people.services.person_update)."""
    return services.person_update(
        person=person,
        by=by,
        first_name=first_name,
        last_name=last_name,
        email=person.email,
        language="en",
        jurisdiction=None,
        title_en="",
        title_fr="",
    )
