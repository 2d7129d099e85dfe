"""A person's status shows as a badge on the people list and their page, in each language."""

import pytest
from django.urls import reverse

from people.selectors import person_status
from people.templatetags.people_tags import status_badge

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "status, english, french, colour",
    [
        ("active", "Active", "Active", "success"),
        ("invited", "Invited", "Invitée", "warning"),
        ("inactive", "Inactive", "Inactive", "secondary"),
    ],
)
def test_each_status_has_its_badge_in_both_languages(status, english, french, colour):
    from django.utils import translation

    assert status_badge(status) == f'<span class="badge text-bg-{colour}">{english}</span>'
    with translation.override("fr"):
        assert status_badge(status) == f'<span class="badge text-bg-{colour}">{french}</span>'


def test_the_list_and_the_page_show_the_persons_status(client_for, secretariat, member):
    client = client_for(secretariat)
    badge = status_badge(person_status(member))
    assert "text-bg-success" in badge
    listed = client.get(reverse("people:person_list"), {"q": member.username}).content.decode()
    assert badge in listed
    page = client.get(reverse("people:person_detail", args=[member.pk])).content.decode()
    assert badge in page
    member.is_active = False
    member.save()
    page = client.get(reverse("people:person_detail", args=[member.pk])).content.decode()
    assert status_badge("inactive") in page
