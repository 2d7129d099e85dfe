import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from workinggroups.models import Group


def table_counts():
    return {m._meta.label: m.objects.count() for m in apps.get_models()}


@pytest.mark.django_db
def test_load_demo_creates_the_seed_world(settings):
    settings.DEBUG = True
    call_command("load_demo", verbosity=0)
    slugs = set(Group.objects.values_list("slug", flat=True))
    assert {
        "digital-strategy-wg",
        "client-centred-service-wg",
        "open-government-wg",
        "gdpr-wg",
        "privacy-sub-committee",
        "identity-management-sub-committee",
        "digital-identity-wg",
        "data-driven-insights",
        "business-services",
    } <= slugs
    assert Group.objects.get(slug="gdpr-wg").parent.slug == "privacy-sub-committee"
    from councils.models import Council, Jurisdiction, Priority

    assert set(Council.objects.values_list("acronym_fr", flat=True)) == {"CPSSP", "CDPISP"}
    assert Jurisdiction.objects.filter(kind="provincial").count() == 10
    assert Jurisdiction.objects.filter(kind="territorial").count() == 3
    assert Jurisdiction.objects.filter(kind="municipal").exists()
    assert list(Priority.objects.values_list("title_fr", flat=True)) == [
        "Stratégie numérique",
        "Service centré sur le client",
        "Identité numérique",
    ]
    for username in [
        "cochair.pssdc",
        "cochair.pscioc",
        "secretariat",
        "member",
        "groupchair",
        "outsider",
    ]:
        assert get_user_model().objects.get(username=username).check_password("demo-Councils-2020")


@pytest.mark.django_db
def test_load_demo_twice_changes_nothing(settings):
    settings.DEBUG = True
    call_command("load_demo", verbosity=0)
    before = table_counts()
    passwords = dict(get_user_model().objects.values_list("username", "password"))
    call_command("load_demo", verbosity=0)
    assert table_counts() == before  # history tables included: no row was re-saved
    assert dict(get_user_model().objects.values_list("username", "password")) == passwords


@pytest.mark.django_db
def test_load_demo_refuses_demo_passwords_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("load_demo", verbosity=0)
    assert not get_user_model().objects.exists()


@pytest.mark.django_db
def test_load_demo_without_passwords_is_allowed_in_production(settings):
    settings.DEBUG = False
    call_command("load_demo", "--no-passwords", verbosity=0)
    assert not get_user_model().objects.get(username="secretariat").has_usable_password()
