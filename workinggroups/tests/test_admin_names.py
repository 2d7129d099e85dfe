"""The Django admin names groups in the reader's language and people by their names."""

from django.urls import reverse
from django.utils import translation

from councils.tests.factories import UserFactory
from workinggroups.tests.factories import GroupFactory, GroupMembershipFactory


def test_the_admin_lists_groups_in_the_readers_language_and_people_by_name(client, group):
    staff = UserFactory(username="admin-staff", is_staff=True, is_superuser=True)
    GroupFactory(slug="b", name_en="Alpha Services WG", name_fr="Zèbre, GT des services")
    GroupMembershipFactory(
        group=group, user=UserFactory(username="jf123", first_name="Jordan", last_name="Fraser")
    )
    client.force_login(staff)
    with translation.override("fr"):
        groups = reverse("admin:workinggroups_group_changelist")
        memberships = reverse("admin:workinggroups_groupmembership_changelist")
    page = client.get(groups).content.decode()
    assert "Groupe de travail sur l&#x27;identité numérique" in page
    assert "Digital Identity Working Group" not in page
    # Sorted on the French names (in English, "Alpha" would come before "Digital").
    assert page.index("Groupe de travail sur") < page.index("Zèbre, GT des services")
    page = client.get(memberships).content.decode()
    assert "Jordan Fraser" in page and "jf123" not in page
    assert "Groupe de travail sur l&#x27;identité numérique" in page
    change = client.get(reverse("admin:workinggroups_group_change", args=[group.pk]))
    assert change.status_code == 200
    assert 'name="mandate_en"' not in change.content.decode()  # versions come from the portal
