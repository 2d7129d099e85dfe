import datetime

import factory
from django.contrib.auth import get_user_model

from councils.models import (
    ActionItem,
    Council,
    CouncilMembership,
    Jurisdiction,
    Meeting,
    Priority,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.gc.ca")
    password = factory.django.Password("correct-horse-battery")


class JurisdictionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Jurisdiction
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"j{n}")
    kind = Jurisdiction.Kind.PROVINCIAL
    name_en = factory.Sequence(lambda n: f"Province {n}")
    name_fr = factory.Sequence(lambda n: f"Province {n} (fr)")


class CouncilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Council
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"council{n}")
    name_en = factory.Sequence(lambda n: f"Council {n}")
    name_fr = factory.Sequence(lambda n: f"Conseil {n}")
    acronym_en = factory.Sequence(lambda n: f"C{n}")
    acronym_fr = factory.Sequence(lambda n: f"CF{n}")


class CouncilMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CouncilMembership

    council = factory.SubFactory(CouncilFactory)
    user = factory.SubFactory(UserFactory)
    role = CouncilMembership.Role.MEMBER
    start_date = datetime.date(2020, 1, 1)


class PriorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Priority
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"priority-{n}")
    number = factory.Sequence(lambda n: n + 1)
    title_en = factory.Sequence(lambda n: f"Priority {n}")
    title_fr = factory.Sequence(lambda n: f"Priorité {n}")


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting
        skip_postgeneration_save = True

    title_en = factory.Sequence(lambda n: f"Joint meeting {n}")
    title_fr = factory.Sequence(lambda n: f"Réunion mixte {n}")
    starts_at = factory.Faker("future_datetime", tzinfo=datetime.UTC)

    @factory.post_generation
    def councils(self, create, extracted, **kwargs):
        if create and extracted:
            self.councils.set(extracted)


class ActionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionItem

    title_en = factory.Sequence(lambda n: f"Next step {n}")
    title_fr = factory.Sequence(lambda n: f"Prochaine étape {n}")
    due_date = datetime.date(2027, 1, 15)


def hold_with_quorum(meeting, members=3):
    """Make `meeting` one that may decide: held, and `members` people present as members, each
    sitting for their own jurisdiction on every council of the meeting. Returns them."""
    from councils.models import Attendee

    meeting.status = Meeting.Status.HELD
    meeting.save(update_fields=["status"])
    people = []
    for _ in range(members):
        jurisdiction = JurisdictionFactory()
        user = UserFactory()
        for council in meeting.councils.all():
            CouncilMembershipFactory(
                user=user, council=council, role="member", jurisdiction=jurisdiction
            )
        Attendee.objects.create(
            meeting=meeting,
            user=user,
            role=Attendee.Role.MEMBER,
            jurisdiction=jurisdiction,
            attendance=Attendee.Attendance.PRESENT,
        )
        people.append(user)
    return people
