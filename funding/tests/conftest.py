"""Funding fixtures: a group reporting to two councils, each with a reviewing co-chair, on top
of the project's personas (whose `group` reports to one council, PSSDC)."""

import io
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from councils.tests.factories import CouncilFactory, CouncilMembershipFactory, UserFactory
from funding import services
from funding.models import Status
from funding.tests.factories import FundingRequestFactory
from workinggroups.tests.factories import GroupFactory, GroupMembershipFactory


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def council2(db):
    return CouncilFactory(
        code="pscioc",
        name_en="Public Sector Chief Information Officer Council",
        name_fr="Conseil des dirigeants principaux de l'information du secteur public",
        acronym_en="PSCIOC",
        acronym_fr="CDPISP",
    )


@pytest.fixture
def council2_cochair(council2):
    user = UserFactory(username="pscioc-cochair")
    CouncilMembershipFactory(user=user, council=council2, role="co_chair")
    user.profile.preferred_language = "fr"
    user.profile.save()
    return user


@pytest.fixture
def council2_member(council2):
    user = UserFactory(username="pscioc-member")
    CouncilMembershipFactory(user=user, council=council2, role="member")
    return user


@pytest.fixture
def joint_group(council, council2, priority):
    return GroupFactory(
        slug="joint-wg",
        name_en="Joint Working Group",
        name_fr="Groupe de travail mixte",
        councils=[council, council2],
        priorities=[priority],
    )


@pytest.fixture
def joint_cochair(joint_group):
    user = UserFactory(username="joint-group-cochair")
    GroupMembershipFactory(user=user, group=joint_group, role="co_chair")
    return user


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks, request):
    """`with run_on_commit(): ...` commits as a request would: the notices the service wrote
    are handed to a worker, here run at once in the test (eager Celery), which sends them."""
    request.getfixturevalue("eager_celery")

    def make():
        return django_capture_on_commit_callbacks(execute=True)

    return make


def request_data(**overrides):
    data = {
        "title_en": "Digital identity pilot",
        "title_fr": "",
        "summary_en": "Pilot verifiable credentials.",
        "summary_fr": "",
        "amount_requested": Decimal("25000.00"),
        "fiscal_year": 2026,
    }
    data.update(overrides)
    return data


@pytest.fixture
def draft(group, group_cochair, priority):
    return services.funding_request_create(
        group=group, by=group_cochair, data=request_data(), priorities=[priority]
    )


@pytest.fixture
def submitted(draft, group_cochair):
    return services.funding_request_submit(
        request=draft, by=group_cochair, expected_version=draft.version
    )


@pytest.fixture
def joint_submitted(joint_group, joint_cochair, priority):
    obj = services.funding_request_create(
        group=joint_group, by=joint_cochair, data=request_data(), priorities=[priority]
    )
    return services.funding_request_submit(
        request=obj, by=joint_cochair, expected_version=obj.version
    )


@pytest.fixture
def endorsed(submitted, council_cochair):
    obj, _ = services.recommendation_record(
        request=submitted,
        by=council_cochair,
        decision="endorse",
        comment="",
        expected_version=submitted.version,
    )
    assert obj.status == Status.ENDORSED
    return obj


@pytest.fixture
def meeting(council):
    from councils.tests.factories import MeetingFactory

    return MeetingFactory(councils=[council])


@pytest.fixture
def scheduled(endorsed, secretariat, meeting):
    return services.funding_request_schedule(
        request=endorsed, by=secretariat, meeting=meeting, expected_version=endorsed.version
    )


@pytest.fixture
def in_state(group, group_cochair):
    """in_state(status) -> a request of `group` written directly in that state."""

    def make(status, **kwargs):
        kwargs.setdefault("submitted", status != Status.DRAFT)
        if status == Status.APPROVED:
            kwargs.setdefault("amount_approved", Decimal("1000.00"))
        return FundingRequestFactory(group=group, created_by=group_cochair, status=status, **kwargs)

    return make


# --- Files ---------------------------------------------------------------------------------------


def pdf_bytes():
    return b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def docx_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def odt_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def ole_bytes():
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


from notifications.tests.helpers import eager_celery  # noqa: E402, F401 - shared fixture


@pytest.fixture
def in_session(scheduled, meeting):
    """The scheduled request's meeting is held, with fifteen members present for quorum."""
    from councils.tests.factories import hold_with_quorum

    return hold_with_quorum(meeting, members=15)
