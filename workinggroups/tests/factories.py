import datetime

import factory

from councils.tests.factories import UserFactory
from workinggroups.models import (
    Group,
    GroupMembership,
    Measure,
    MeasureGroup,
    Objective,
    ProgressReport,
    Workplan,
    WorkplanItem,
)


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Group
        django_get_or_create = ("slug",)
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"group-{n}")
    kind = Group.Kind.WORKING_GROUP
    name_en = factory.Sequence(lambda n: f"Working group {n}")
    name_fr = factory.Sequence(lambda n: f"Groupe de travail {n}")
    mandate_en = "Deliver shared building blocks."
    mandate_fr = "Livrer des éléments communs."
    status = Group.Status.ACTIVE
    start_date = datetime.date(2020, 1, 1)

    @factory.post_generation
    def councils(self, create, extracted, **kwargs):
        if create and extracted:
            self.councils.set(extracted)

    @factory.post_generation
    def priorities(self, create, extracted, **kwargs):
        if create and extracted:
            self.priorities.set(extracted)


class GroupMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GroupMembership

    group = factory.SubFactory(GroupFactory)
    user = factory.SubFactory(UserFactory)
    role = GroupMembership.Role.MEMBER
    start_date = datetime.date(2020, 1, 1)


class ObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Objective

    group = factory.SubFactory(GroupFactory)
    title_en = factory.Sequence(lambda n: f"Objective {n}")
    title_fr = factory.Sequence(lambda n: f"Objectif {n}")
    due_date = datetime.date(2030, 1, 1)
    status = Objective.Status.ON_TRACK


class WorkplanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workplan

    group = factory.SubFactory(GroupFactory)
    version = factory.Sequence(lambda n: n + 1)
    period_start = datetime.date(2026, 4, 1)
    period_end = datetime.date(2027, 3, 31)
    status = Workplan.Status.DRAFT


class WorkplanItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkplanItem

    workplan = factory.SubFactory(WorkplanFactory)
    title_en = factory.Sequence(lambda n: f"Deliverable {n}")
    title_fr = factory.Sequence(lambda n: f"Livrable {n}")
    due_date = datetime.date(2027, 1, 31)


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measure
        skip_postgeneration_save = True

    type = Measure.Type.CONVERT_TO_COP
    title_en = factory.Sequence(lambda n: f"Measure {n}")
    title_fr = factory.Sequence(lambda n: f"Mesure {n}")

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            for group in extracted:
                MeasureGroup.objects.create(measure=self, group=group)


class ProgressReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressReport

    group = factory.SubFactory(GroupFactory)
    period_start = datetime.date(2026, 4, 1)
    period_end = datetime.date(2026, 6, 30)
    narrative_en = "Pilots under way."
