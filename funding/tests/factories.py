from decimal import Decimal

import factory
from django.utils import timezone

from funding.models import FundingRequest, Revision, Status


class FundingRequestFactory(factory.django.DjangoModelFactory):
    """A request in any state, written directly (tests of the workflow use the services)."""

    class Meta:
        model = FundingRequest
        skip_postgeneration_save = True

    title_en = factory.Sequence(lambda n: f"Funding request {n}")
    title_fr = factory.Sequence(lambda n: f"Demande de financement {n}")
    summary_en = "Pilot a shared service."
    summary_fr = "Mettre à l'essai un service commun."
    amount_requested = Decimal("10000.00")
    fiscal_year = 2026
    status = Status.DRAFT

    @factory.post_generation
    def priorities(self, create, extracted, **kwargs):
        if create:
            self.priorities.set(extracted or self.group.priorities.all())

    @factory.post_generation
    def submitted(self, create, extracted, **kwargs):
        """submitted=True stamps a first submission (revision 1) for a non-draft state."""
        if create and extracted:
            self.revision = 1
            self.submitted_by = self.created_by
            self.submitted_at = timezone.now()
            self.save()
            Revision.objects.create(
                request=self,
                number=1,
                content=self.content_snapshot(),
                submitted_by=self.created_by,
                submitted_at=self.submitted_at,
            )
