"""The secretariat's pages on a group: lifecycle confirmation pages, mandate reviews, links
between groups, measures; each with its happy path, wrong method and refused personas."""

import datetime

import pytest
from django.urls import reverse

from workinggroups.models import Group, GroupLink, GroupStatusChange, MandateReview, Measure
from workinggroups.tests.factories import GroupFactory, MeasureFactory, ObjectiveFactory

REFUSED = [("member", 403), ("group_cochair", 403), ("council_cochair", 403), ("outsider", 404)]


def transition_url(group, to):
    return reverse("workinggroups:transition", args=[group.slug, to])


def test_group_page_offers_the_allowed_actions_to_the_secretariat_only(
    client_for, secretariat, member, group
):
    body = client_for(secretariat).get(group_url(group)).content.decode()
    for to in ("winding_down", "dissolved", "cop"):
        assert transition_url(group, to) in body
    assert transition_url(group, "retired") not in body
    assert (
        transition_url(group, "cop")
        not in client_for(member).get(group_url(group)).content.decode()
    )


def group_url(group):
    return reverse("workinggroups:group_detail", args=[group.slug])


def test_confirmation_page_then_post_converts(client_for, secretariat, group):
    c = client_for(secretariat)
    page = c.get(transition_url(group, "cop"))
    assert page.status_code == 200 and "Reason" in page.content.decode()
    group.refresh_from_db()
    assert group.kind == "wg"  # a GET changes nothing
    response = c.post(transition_url(group, "cop"), {"reason": "Measure 3"})
    assert response.status_code == 302 and response.url == group_url(group)
    group.refresh_from_db()
    assert (group.kind, group.status) == ("cop", "active")
    body = c.get(group_url(group)).content.decode()
    assert "converted from Working group to Community of practice" in body
    assert "Measure 3" in body


def test_posting_without_a_reason_shows_the_form_again(client_for, secretariat, group):
    response = client_for(secretariat).post(transition_url(group, "winding_down"), {"reason": ""})
    assert response.status_code == 200
    group.refresh_from_db()
    assert group.status == "active" and not GroupStatusChange.objects.exists()


def test_refusal_is_explained_on_the_confirmation_page(client_for, secretariat, group):
    ObjectiveFactory(group=group, status="on_track")
    c = client_for(secretariat)
    body = c.get(transition_url(group, "dissolved")).content.decode()
    assert "cannot be dissolved outright" in body
    response = c.post(transition_url(group, "dissolved"), {"reason": "Try anyway"})
    assert "cannot be dissolved outright" in response.content.decode()
    group.refresh_from_db()
    assert group.status == "active"


def test_unknown_target_is_404(client_for, secretariat, group):
    assert client_for(secretariat).get(transition_url(group, "banished")).status_code == 404


@pytest.mark.parametrize(("persona", "status"), [*REFUSED, ("anonymous", 302)])
def test_transition_refused_personas(client_for, personas, group, persona, status):
    c = client_for(personas[persona])
    assert c.get(transition_url(group, "cop")).status_code == status
    assert c.post(transition_url(group, "cop"), {"reason": "x"}).status_code == status
    group.refresh_from_db()
    assert group.kind == "wg"


def test_confirmation_page_names_the_measure_it_carries_out(client_for, secretariat, group):
    MeasureFactory(title_en="Convert the Digital Identity WG", groups=[group])
    body = client_for(secretariat).get(transition_url(group, "cop")).content.decode()
    assert "Convert the Digital Identity WG" in body


# --- Reviews --------------------------------------------------------------------------------


def test_secretariat_records_a_mandate_review(client_for, secretariat, group):
    url = reverse("workinggroups:review_create", args=[group.slug])
    response = client_for(secretariat).post(
        url,
        {
            "kind": "mandate",
            "review_date": "2026-11-01",
            "outcome": "convert_to_cop",
            "notes_en": "Deliverables done",
            "next_review_date": "2027-11-01",
        },
    )
    assert response.status_code == 302
    review = MandateReview.objects.get(group=group)
    assert review.outcome == "convert_to_cop" and review.recorded_by == secretariat
    group.refresh_from_db()
    assert group.next_review_date == datetime.date(2027, 11, 1)
    assert (
        "Convert to a community of practice"
        in client_for(secretariat).get(group_url(group)).content.decode()
    )


def test_a_usefulness_outcome_does_not_fit_a_mandate_review(client_for, secretariat, group):
    url = reverse("workinggroups:review_create", args=[group.slug])
    response = client_for(secretariat).post(
        url, {"kind": "mandate", "review_date": "2026-11-01", "outcome": "still_useful"}
    )
    assert response.status_code == 200 and not MandateReview.objects.exists()


def test_cop_usefulness_review_moves_the_next_review(client_for, secretariat):
    cop = GroupFactory(
        kind=Group.Kind.COMMUNITY_OF_PRACTICE, next_review_date=datetime.date(2025, 1, 1)
    )
    url = reverse("workinggroups:review_create", args=[cop.slug])
    client_for(secretariat).post(
        url,
        {
            "kind": "usefulness",
            "review_date": "2026-11-01",
            "outcome": "still_useful",
            "next_review_date": "2027-11-01",
        },
    )
    cop.refresh_from_db()
    assert cop.next_review_date == datetime.date(2027, 11, 1)


@pytest.mark.parametrize(("persona", "status"), [*REFUSED, ("anonymous", 302)])
def test_review_refused_personas(client_for, personas, group, persona, status):
    url = reverse("workinggroups:review_create", args=[group.slug])
    data = {"kind": "mandate", "review_date": "2026-11-01", "outcome": "aligned"}
    assert client_for(personas[persona]).post(url, data).status_code == status
    assert not MandateReview.objects.exists()


# --- Links ----------------------------------------------------------------------------------


def test_a_link_is_shown_on_both_groups_with_its_note(client_for, secretariat, member, group):
    other = GroupFactory(slug="identity-sub", name_en="Identity Management Sub-Committee")
    c = client_for(secretariat)
    c.post(
        reverse("workinggroups:link_create", args=[other.slug]),
        {"other": group.pk, "note_en": "Clarify who leads on the trust framework"},
    )
    link = GroupLink.objects.get()
    assert link.group_a_id < link.group_b_id
    for g, name in ((group, "Identity Management Sub-Committee"), (other, group.name_en)):
        body = client_for(member).get(group_url(g)).content.decode()
        assert name in body and "Clarify who leads on the trust framework" in body
    # The same pair the other way round is refused.
    response = c.post(reverse("workinggroups:link_create", args=[group.slug]), {"other": other.pk})
    assert response.status_code == 200 and GroupLink.objects.count() == 1


def test_secretariat_removes_a_link(client_for, secretariat, group):
    other = GroupFactory()
    link = GroupLink.objects.create(
        group_a=min(group, other, key=lambda g: g.pk),
        group_b=max(group, other, key=lambda g: g.pk),
        created_by=secretariat,
    )
    url = reverse("workinggroups:link_delete", args=[link.pk])
    assert client_for(secretariat).get(url).status_code == 405
    assert client_for(secretariat).post(url).status_code == 302
    assert not GroupLink.objects.exists()


@pytest.mark.parametrize("sent", ["<script>x</script>", "no-such-group", ""])
def test_removing_a_link_goes_back_to_one_of_its_groups_whatever_is_posted(
    client_for, secretariat, group, sent
):
    other = GroupFactory(slug="zz-other")
    a, b = sorted([group, other], key=lambda g: g.pk)
    link = GroupLink.objects.create(group_a=a, group_b=b, created_by=secretariat)
    url = reverse("workinggroups:link_delete", args=[link.pk])
    response = client_for(secretariat).post(url, {"group": sent})
    assert response.status_code == 302
    assert response["Location"] == reverse("workinggroups:group_detail", args=[a.slug])


@pytest.mark.parametrize(("persona", "status"), [*REFUSED[:3], ("anonymous", 302)])
def test_link_refused_personas(client_for, personas, secretariat, group, persona, status):
    other = GroupFactory()
    c = client_for(personas[persona])
    assert (
        c.post(reverse("workinggroups:link_create", args=[group.slug]), {"other": other.pk})
    ).status_code == status
    link = GroupLink.objects.create(
        group_a=min(group, other, key=lambda g: g.pk),
        group_b=max(group, other, key=lambda g: g.pk),
        created_by=secretariat,
    )
    assert c.post(reverse("workinggroups:link_delete", args=[link.pk])).status_code == status
    assert GroupLink.objects.count() == 1


# --- Measures -------------------------------------------------------------------------------


def test_secretariat_creates_a_measure_for_two_groups(client_for, secretariat, group):
    other = GroupFactory()
    response = client_for(secretariat).post(
        reverse("workinggroups:measure_create"),
        {
            "number": "3",
            "type": "convert_to_cop",
            "title_en": "Convert two groups",
            "groups": [group.pk, other.pk],
            "status": "approved",
        },
    )
    measure = Measure.objects.get()
    assert response.url == reverse("workinggroups:measure_detail", args=[measure.pk])
    assert set(measure.groups.all()) == {group, other}
    body = client_for(secretariat).get(group_url(group)).content.decode()
    assert "Convert two groups" in body


def test_the_owner_moves_the_status_of_a_measure(client_for, member, group):
    measure = MeasureFactory(owner=member, groups=[group])
    url = reverse("workinggroups:measure_status", args=[measure.pk])
    c = client_for(member)
    assert c.get(url).status_code == 405
    c.post(url, {"status": "in_progress"})
    measure.refresh_from_db()
    assert measure.status == "in_progress"


@pytest.mark.parametrize(
    ("persona", "status"),
    [("member", 403), ("group_cochair", 403), ("outsider", 404), ("anonymous", 302)],
)
def test_measure_status_refused_personas(client_for, personas, group, persona, status):
    measure = MeasureFactory(groups=[group])
    url = reverse("workinggroups:measure_status", args=[measure.pk])
    assert client_for(personas[persona]).post(url, {"status": "done"}).status_code == status
    measure.refresh_from_db()
    assert measure.status == "proposed"


@pytest.mark.parametrize(
    ("persona", "status"),
    [("member", 403), ("council_cochair", 403), ("outsider", 403), ("anonymous", 302)],
)
def test_measure_create_refused_personas(client_for, personas, persona, status):
    url = reverse("workinggroups:measure_create")
    data = {"type": "other", "title_en": "X", "status": "proposed"}
    assert client_for(personas[persona]).post(url, data).status_code == status
    assert not Measure.objects.exists()


@pytest.mark.parametrize("persona", ["member", "group_cochair", "council_cochair", "secretariat"])
def test_readers_see_measures(client_for, personas, group, persona):
    measure = MeasureFactory(title_en="Report to the councils", groups=[group])
    c = client_for(personas[persona])
    assert "Report to the councils" in c.get(reverse("workinggroups:measure_list")).content.decode()
    assert c.get(reverse("workinggroups:measure_detail", args=[measure.pk])).status_code == 200
