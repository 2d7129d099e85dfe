import pytest
from django.contrib.auth import get_user_model

from tests import oidc_provider


def make_person(username, *, role=None, language="en", email=None, **extra):
    from councils.models import Profile
    from councils.tests.factories import CouncilFactory, CouncilMembershipFactory

    user = get_user_model().objects.create_user(
        username=username,
        email=email or f"{username}@dept.example",
        password="correct-horse-battery",
        first_name=username.capitalize(),
        last_name="Example",
        **extra,
    )
    Profile.objects.filter(user=user).update(preferred_language=language)
    if role:
        CouncilMembershipFactory(user=user, council=CouncilFactory(), role=role)
    return user


@pytest.fixture
def two_factor_required(settings):
    settings.PORTAL_TWO_FACTOR_REQUIRED_ROLES = ["secretariat", "co_chair"]


@pytest.fixture(scope="module")
def oidc_server():
    """The real test provider, answering the Django test client's address."""
    oidc_provider.require()
    server = oidc_provider.start(["http://testserver"])
    yield server
    server.stop()


@pytest.fixture
def sso(settings, oidc_server):
    settings.PORTAL_OIDC_PROVIDERS = [oidc_server.settings_entry()]
    settings.PORTAL_CSP_FORM_ACTION = [oidc_server.issuer]
    oidc_server.set_fault(None)
    return oidc_server
