"""The secretariat's pages for groups, mandates and memberships, through the real views: a
group created and edited (its mandate versioned and compared in the reader's language),
people chosen by name, terms added and ended, the liaison gap named before it opens, and
the liaison panel and the health page following at once."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from councils.tests.factories import CouncilMembershipFactory, JurisdictionFactory, UserFactory
from workinggroups.models import Group, GroupMembership, MandateReview
from workinggroups.tests.factories import GroupFactory, GroupMembershipFactory

DAY = datetime.timedelta(days=1)


def body(response):
    return response.content.decode()


@pytest.fixture
def jordan(db):
    person = UserFactory(username="jfraser", first_name="Jordan", last_name="Fraser")
    person.profile.jurisdiction = JurisdictionFactory(
        code="nb", name_en="New Brunswick", name_fr="Nouveau-Brunswick"
    )
    person.profile.title_en = "Director of digital services"
    person.profile.title_fr = "Directeur des services numériques"
    person.profile.save()
    return person


def test_the_secretariat_creates_a_group_as_proposed(client_for, secretariat, council, priority):
    c = client_for(secretariat)
    assert "New group" in body(c.get(reverse("workinggroups:group_list")))
    response = c.post(
        reverse("workinggroups:group_create"),
        {
            "kind": "wg",
            "name_en": "Data Sharing Working Group",
            "name_fr": "Groupe de travail sur le partage des données",
            "mandate_en": "Agree on shared data standards.",
            "councils": [council.pk],
            "priorities": [priority.pk],
            "start_date": "2026-12-01",
        },
    )
    group = Group.objects.get(slug="data-sharing-working-group")
    assert response.status_code == 302
    assert response["Location"] == reverse("workinggroups:group_memberships", args=[group.slug])
    assert group.status == "proposed" and list(group.councils.all()) == [council]
    assert group.mandate_versions.get().by == secretariat


def test_the_group_page_names_the_mandate_version_and_offers_the_secretariat_its_pages(
    client_for, secretariat, member, group
):
    page = body(
        client_for(secretariat).get(reverse("workinggroups:group_detail", args=[group.slug]))
    )
    assert "Version 1 of" in page
    assert reverse("workinggroups:group_edit", args=[group.slug]) in page
    assert reverse("workinggroups:group_memberships", args=[group.slug]) in page
    page = body(client_for(member).get(reverse("workinggroups:group_detail", args=[group.slug])))
    assert reverse("workinggroups:mandate_history", args=[group.slug]) in page
    assert reverse("workinggroups:group_edit", args=[group.slug]) not in page


def _edit(c, group, council, **changes):
    data = {
        "revision": group.revision,
        "kind": group.kind,
        "name_en": group.name_en,
        "name_fr": group.name_fr,
        "mandate_en": group.mandate_en,
        "mandate_fr": group.mandate_fr,
        "councils": [council.pk],
        "start_date": "2020-01-01",
        **changes,
    }
    return c.post(reverse("workinggroups:group_edit", args=[group.slug]), data)


def test_a_mandate_change_is_a_version_compared_in_the_readers_language(
    client_for, secretariat, member, group, council
):
    c = client_for(secretariat)
    refused = _edit(c, group, council, mandate_fr="Livrer des éléments communs et mesurés.")
    assert refused.status_code == 200 and "Say why the mandate changes" in body(refused)
    saved = _edit(
        c,
        group,
        council,
        mandate_fr="Livrer des éléments communs et mesurés.",
        reason="Décision du 20 novembre.",
    )
    assert saved.status_code == 302
    version = group.mandate_versions.order_by("-number").first()
    assert (version.number, version.reason, version.by) == (
        2,
        "Décision du 20 novembre.",
        secretariat,
    )

    reader = client_for(member)
    url = reverse("workinggroups:mandate_history", args=[group.slug])
    with translation.override("fr"):
        fr_url = reverse("workinggroups:mandate_history", args=[group.slug])
    french = body(reader.get(fr_url))
    first_diff = re.search(r'<div class="mandate-diff[^>]*>(.*?)</div>', french, re.S).group(1)
    hidden = '<span class="visually-hidden">insertion\u00a0: </span>'
    assert first_diff == f"Livrer des éléments communs<ins>{hidden} et mesurés</ins>."
    english = body(reader.get(url))
    first_diff = re.search(r'<div class="mandate-diff[^>]*>(.*?)</div>', english, re.S).group(1)
    assert "Deliver shared building blocks." in first_diff and "<ins>" not in first_diff
    assert "Décision du 20 novembre." in english


def test_a_stale_edit_is_refused_with_409(client_for, secretariat, group, council):
    c = client_for(secretariat)
    assert _edit(c, group, council, name_en="First").status_code == 302
    response = _edit(c, group, council, name_en="Second")  # the page showed revision 0
    assert response.status_code == 409
    assert "Someone else changed this" in body(response)
    group.refresh_from_db()
    assert group.name_en == "First"


def test_a_review_records_the_mandate_version_it_read(client_for, secretariat, group):
    c = client_for(secretariat)
    url = reverse("workinggroups:review_create", args=[group.slug])
    assert "The mandate under review: version 1" in body(c.get(url))
    c.post(url, {"kind": "mandate", "review_date": "2026-11-01", "outcome": "aligned",
                 "mandate_version": 1})  # fmt: skip
    assert MandateReview.objects.get(group=group).mandate_version.number == 1


def test_people_are_chosen_by_name_without_a_list_of_everyone(
    client_for, secretariat, group, jordan
):
    for i in range(30):
        UserFactory(username=f"extra{i}", first_name="Extra", last_name=f"Person {i}")
    c = client_for(secretariat)
    url = reverse("workinggroups:membership_create", args=[group.slug])
    page = body(c.get(url))
    assert "Extra" not in page and 'name="user_q"' in page
    assert not re.search(r'<select[^>]*name="user"', page)
    # No JavaScript: the search is sent with the form; the matches come back as choices.
    found = c.post(url, {"user_q": "fras", "role": "co_chair", "start_date": "2026-01-01"})
    assert found.status_code == 200
    assert "Jordan Fraser — New Brunswick, Director of digital services" in body(found)
    assert not GroupMembership.objects.filter(group=group, user=jordan).exists()
    assert "This field is required" not in body(found)
    saved = c.post(
        url, {"user_q": "fras", "user": jordan.pk, "role": "co_chair", "start_date": "2026-01-01"}
    )
    assert saved.status_code == 302
    assert GroupMembership.objects.get(group=group, user=jordan).role == "co_chair"


def test_the_person_search_answers_the_secretariat_only(client_for, secretariat, member, jordan):
    url = reverse("councils:person_search")
    data = client_for(secretariat).get(url, {"q": "Jordan fra", "format": "json"}).json()
    assert data == {
        "results": [
            {
                "id": jordan.pk,
                "label": "Jordan Fraser — New Brunswick, Director of digital services",
            }
        ],
        "more": False,
    }
    assert client_for(member).get(url, {"q": "Jordan", "format": "json"}).status_code == 403
    with translation.override("fr"):
        fr = reverse("councils:person_search")
    french = client_for(secretariat).get(fr, {"q": "jordan", "format": "json"}).json()
    assert french["results"][0]["label"].endswith(
        "Nouveau-Brunswick, Directeur des services numériques"
    )


def test_the_person_search_is_limited_and_says_when_there_are_more(client_for, secretariat):
    for i in range(25):
        UserFactory(username=f"tremblay{i}", first_name="Marie", last_name=f"Tremblay {i:02d}")
    data = (
        client_for(secretariat)
        .get(reverse("councils:person_search"), {"q": "tremblay", "format": "json"})
        .json()
    )
    assert len(data["results"]) == 20 and data["more"] is True


def test_adding_a_representative_closes_the_gap_on_the_panel_and_the_health_page_at_once(
    client_for, secretariat, group, council, jordan
):
    c = client_for(secretariat)
    health = reverse("workinggroups:health") + "?rule=liaison_gap"
    assert group.name_en in body(c.get(health))
    memberships = reverse("workinggroups:group_memberships", args=[group.slug])
    assert "Liaison gap" in body(c.get(memberships))
    c.post(
        reverse("workinggroups:membership_create", args=[group.slug]),
        {"user": jordan.pk, "role": "representative", "council": council.pk,
         "start_date": timezone.localdate().isoformat()},
    )  # fmt: skip
    assert "Liaison gap" not in body(c.get(memberships))
    assert group.name_en not in body(c.get(health))
    detail = body(c.get(reverse("workinggroups:group_detail", args=[group.slug])))
    assert "Jordan Fraser (council representative)" in detail


def test_ending_the_last_liaison_asks_for_a_reason_on_a_page_that_names_the_gap(
    client_for, secretariat, group, council, jordan
):
    term = GroupMembershipFactory(group=group, user=jordan, role="representative", council=council)
    c = client_for(secretariat)
    url = reverse("workinggroups:membership_end", args=[term.pk])
    today = timezone.localdate()
    assert "End the term" in body(c.get(url))
    asked = c.post(url, {"revision": 0, "end_date": (today - DAY).isoformat()})
    page = body(asked)
    assert asked.status_code == 200 and "Confirm: this opens a liaison gap" in page
    assert f"{group.name_en} would have nobody on PSSDC from" in page
    term.refresh_from_db()
    assert term.end_date is None
    token = f"{group.pk}:{council.pk}"
    assert f'name="confirm_gap" value="{token}"' in page
    assert 'name="end_date"' in page and 'name="revision"' in page  # sent back as it was
    done = c.post(
        url,
        {"revision": 0, "end_date": (today - DAY).isoformat(), "confirm_gap": token,
         "reason": "Left the public service."},
    )  # fmt: skip
    assert done.status_code == 302
    term.refresh_from_db()
    assert term.end_date == today - DAY and term.change_reason == "Left the public service."
    again = c.post(url, {"revision": 1, "end_date": today.isoformat()})
    assert again.status_code == 409 and "already ended" in body(again)
    memberships = body(c.get(reverse("workinggroups:group_memberships", args=[group.slug])))
    assert "Left the public service." in memberships and "Liaison gap" in memberships


def test_a_council_seat_ended_from_the_council_page_names_the_groups_gap(
    client_for, secretariat, group, council, jordan
):
    GroupMembershipFactory(group=group, user=jordan, role="co_chair")
    seat = CouncilMembershipFactory(council=council, user=jordan, role="member")
    c = client_for(secretariat)
    asked = c.post(
        reverse("councils:council_membership_end", args=[seat.pk]),
        {"revision": 0, "end_date": (timezone.localdate() - DAY).isoformat()},
    )
    assert f"{group.name_en} would have nobody on PSSDC" in body(asked)


def test_the_council_pages_show_jurisdictions_with_no_member(
    client_for, secretariat, member, council, jordan
):
    JurisdictionFactory(code="qc", name_en="Quebec", name_fr="Québec")
    CouncilMembershipFactory(council=council, user=jordan, role="member")
    page = body(client_for(member).get(reverse("councils:council_detail", args=[council.code])))
    without = page[page.index("Jurisdictions with no member") :]
    assert "Quebec" in without and "New Brunswick" not in without
    managed = body(
        client_for(secretariat).get(reverse("councils:council_members", args=[council.code]))
    )
    assert "Jordan Fraser" in managed and "Quebec" in managed


def test_terms_ending_within_30_days_are_marked(client_for, secretariat, group, jordan):
    GroupMembershipFactory(
        group=group, user=jordan, role="member", end_date=timezone.localdate() + 10 * DAY
    )
    page = body(
        client_for(secretariat).get(reverse("workinggroups:group_memberships", args=[group.slug]))
    )
    assert "ends within 30 days" in page


def test_reserved_short_names_cover_every_page_under_groups():
    from django.urls import get_resolver

    from workinggroups.mandates import RESERVED_SLUGS

    resolver = get_resolver("workinggroups.urls")
    first = {
        str(p.pattern).split("/")[0]
        for p in resolver.url_patterns
        if str(p.pattern) and not str(p.pattern).startswith("<")
    }
    assert first <= RESERVED_SLUGS


def test_a_group_page_slug_stays_and_a_community_cannot_get_an_end_date(
    client_for, secretariat, council
):
    cop = GroupFactory(slug="open-gov-cop", kind="cop")
    response = _edit(client_for(secretariat), cop, council, end_date="2030-01-01")
    assert response.status_code == 200 and "has no end date" in body(response)


@pytest.mark.parametrize(
    "url_name, field",
    [
        ("councils:action_item_create", "owner"),
        ("councils:external_body_create", "liaison"),
        ("workinggroups:measure_create", "owner"),
    ],
)
def test_every_form_that_names_a_person_searches_instead_of_listing_everyone(
    client_for, secretariat, url_name, field
):
    for i in range(5):
        UserFactory(username=f"someone{i}", first_name="Someone", last_name=f"Else {i}")
    page = body(client_for(secretariat).get(reverse(url_name)))
    assert f'name="{field}_q"' in page
    assert not re.search(rf'<select[^>]*name="{field}"', page) and "Someone" not in page


def test_reporting_to_one_more_council_is_confirmed_with_every_field_sent_back(
    client_for, secretariat, group, council, priority
):
    from councils.tests.factories import CouncilFactory

    other = CouncilFactory(code="pscioc", acronym_en="PSCIOC")
    GroupMembershipFactory(group=group, role="representative", council=council)
    c = client_for(secretariat)
    asked = _edit(c, group, council, councils=[council.pk, other.pk], priorities=[priority.pk])
    page = body(asked)
    assert "would have nobody on PSCIOC" in page
    assert page.count('name="councils"') == 2 and 'name="priorities"' in page
    group.refresh_from_db()
    assert list(group.councils.all()) == [council]
    hidden = dict.fromkeys(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
    data = {}
    for name, value in hidden:
        data.setdefault(name, []).append(value)
    data.pop("csrfmiddlewaretoken", None)
    data["reason"] = "PSCIOC asked to follow this group."
    assert c.post(reverse("workinggroups:group_edit", args=[group.slug]), data).status_code == 302
    assert set(group.councils.all()) == {council, other}
    assert list(group.priorities.all()) == [priority]
