import pytest
from django.urls import reverse
from django.utils import timezone

from publication.models import Publication, PublicationStep
from workinggroups.tests.factories import GroupMembershipFactory

from .data import adopted_plan, approved_request, held_meeting

pytestmark = pytest.mark.django_db


def test_the_secretariat_publishes_then_unpublishes_a_plan(
    client_for, secretariat, group, priority
):
    plan = adopted_plan(group, priority)
    client = client_for(secretariat)
    url = reverse("publication:manage", args=["plan", plan.pk])
    page = client.get(url).content.decode()
    assert "Confirm: publish" in page
    response = client.post(url, {"reason": "Adopted on 14 May"})
    assert response.status_code == 302
    assert Publication.objects.get(plan=plan).is_public
    public = client_for(None).get(reverse("public:plan", args=[plan.pk]))
    assert public.status_code == 200 and plan.title_en in public.content.decode()
    # Unpublishing without a reason is refused on the form, and nothing changes.
    assert client.post(url, {"reason": ""}).status_code == 200
    assert Publication.objects.get(plan=plan).is_public
    client.post(url, {"reason": "Published too early"})
    assert not Publication.objects.get(plan=plan).is_public
    assert client_for(None).get(reverse("public:plan", args=[plan.pk])).status_code == 404
    assert list(PublicationStep.objects.values_list("action", flat=True)) == [
        "unpublish",
        "publish",
    ]
    listing = client.get(reverse("publication:list")).content.decode()
    assert "Published too early" in listing and "Adopted on 14 May" in listing


def test_a_refused_record_shows_why_and_offers_no_button(client_for, secretariat, group, priority):
    plan = adopted_plan(group, priority, status="draft")
    url = reverse("publication:manage", args=["plan", plan.pk])
    page = client_for(secretariat).get(url).content.decode()
    assert "Only an adopted strategic plan" in page and "Confirm: publish" not in page
    client_for(secretariat).post(url, {"reason": ""})
    assert not Publication.objects.exists()


def test_others_may_not_publish(client_for, personas, group, priority):
    plan = adopted_plan(group, priority)
    url = reverse("publication:manage", args=["plan", plan.pk])
    for who in ("outsider", "member", "group_cochair", "council_cochair"):
        assert client_for(personas[who]).post(url, {"reason": "x"}).status_code == 403
    assert client_for(None).post(url, {"reason": "x"}).status_code == 302
    assert not Publication.objects.exists()


def test_the_public_group_page_names_cochairs_but_never_their_address(
    client_for, secretariat, group
):
    from councils.tests.factories import UserFactory
    from publication.services import publication_publish

    named = UserFactory(
        username="chair@example.ca", email="chair@example.ca", first_name="Ada", last_name="Byron"
    )
    unnamed = UserFactory(
        username="hidden@example.ca", email="hidden@example.ca", first_name="", last_name=""
    )
    for user in (named, unnamed):
        GroupMembershipFactory(group=group, user=user, role="co_chair")
    publication_publish(record=group, by=secretariat)
    page = client_for(None).get(reverse("public:group", args=[group.slug])).content.decode()
    assert "Ada Byron" in page
    assert "@example.ca" not in page


def test_public_pages_answer_in_french_and_follow_unpublishing(
    client_for, secretariat, group, council
):
    from publication.services import publication_publish, publication_unpublish

    funding = approved_request(group, held_meeting(council), secretariat)
    anonymous = client_for(None)
    url = reverse("public:funding")
    assert "Projet pilote" not in anonymous.get(url.replace("/en/", "/fr/")).content.decode()
    publication_publish(record=funding, by=secretariat)
    page = anonymous.get(url.replace("/en/", "/fr/")).content.decode()
    assert "Projet pilote d&#x27;identité partagée" in page
    assert "42\u00a0000,00\u00a0$" in page or "42 000,00 $" in page
    assert "2026-2027" in page and "2026-05-14" in page
    publication_unpublish(record=funding, by=secretariat, reason="Error")
    assert "Projet pilote" not in anonymous.get(url.replace("/en/", "/fr/")).content.decode()


def test_the_public_plan_shows_live_progress_through_the_cache(
    client_for, secretariat, group, priority
):
    from publication.services import publication_publish

    plan = adopted_plan(group, priority)
    publication_publish(record=plan, by=secretariat)
    anonymous = client_for(None)
    url = reverse("public:plan", args=[plan.pk])
    assert "Overall progress: 50%" in anonymous.get(url).content.decode()
    assert "Overall progress: 50%" in anonymous.get(url).content.decode()  # from the cache
    for item in plan.items.select_related("objective"):
        item.objective.status = "done"
        item.objective.completed_on = timezone.localdate()
        item.objective.save()
    assert "Overall progress: 100%" in anonymous.get(url).content.decode()
