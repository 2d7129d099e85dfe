"""Objects the cross-cutting tests (permission matrix, form fuzzer, CSRF) need from funding:
a draft of the group (its co-chairs' business only) and a submitted request under review by
the council's co-chair, with a PDF attachment."""

from django.core.files.base import ContentFile

from funding.models import Attachment, Status
from funding.tests.factories import FundingRequestFactory


def build(**world):
    group, cochair = world["group"], world["group_cochair"]
    draft = FundingRequestFactory(group=group, created_by=cochair, priorities=[world["priority"]])
    submitted = FundingRequestFactory(
        group=group,
        created_by=cochair,
        priorities=[world["priority"]],
        status=Status.SUBMITTED,
        submitted=True,
    )
    attachment = Attachment(
        request=submitted,
        original_name="plan.pdf",
        kind="pdf",
        content_type="application/pdf",
        size=12,
        uploaded_by=cochair,
    )
    attachment.file.save("plan.pdf", ContentFile(b"%PDF-1.7 plan"), save=True)
    return {"draft_request": draft, "funding_request": submitted, "attachment": attachment}
