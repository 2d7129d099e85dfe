"""Objects the cross-cutting tests (permission matrix, form fuzzer, CSRF) need from funding:
a draft of the group (its co-chairs' business only) and a submitted request under review by
the council's co-chair, with a PDF attachment."""

from django.core.files.base import ContentFile

from funding.models import Attachment, MeetingPackage, Status
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
    # A published meeting package (its files stand in for the PDFs a worker makes).
    package = MeetingPackage(
        meeting=world["meeting"],
        version=1,
        status=MeetingPackage.Status.READY,
        published_by=world["secretariat"],
    )
    for lang in ("en", "fr"):
        package.file_for(lang).save(f"{lang}.pdf", ContentFile(b"%PDF-1.7 package"), save=False)
    package.save()
    return {
        "draft_request": draft,
        "funding_request": submitted,
        "attachment": attachment,
        "meeting_package": package,
    }
