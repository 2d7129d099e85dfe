import pytest
from django.urls import reverse

DIRECTORY = [
    ("councils:council_list", {}),
    ("councils:jurisdiction_list", {}),
    ("councils:priority_list", {}),
]


@pytest.mark.parametrize(("name", "kwargs"), DIRECTORY)
def test_anonymous_is_sent_to_login(client, db, name, kwargs):
    url = reverse(name, kwargs=kwargs)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(("name", "kwargs"), DIRECTORY)
def test_outsider_is_refused_the_directory(client_for, outsider, name, kwargs):
    response = client_for(outsider).get(reverse(name, kwargs=kwargs))
    assert response.status_code == 403
    assert "You do not have access to this page" in response.content.decode()


@pytest.mark.parametrize("persona", ["member", "group_cochair", "council_cochair", "secretariat"])
def test_readers_see_the_council_page(client_for, personas, council, council_cochair, persona):
    response = client_for(personas[persona]).get(
        reverse("councils:council_detail", args=[council.code])
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Public Sector Service Delivery Council" in body
    assert council_cochair.get_full_name() in body  # co-chairs are listed


def test_council_detail_in_french(client_for, member, council):
    response = client_for(member).get(f"/fr/councils/{council.code}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="fr">' in body
    assert "Conseil de la prestation des services du secteur public" in body


def test_priority_detail_lists_groups_serving_it(client_for, member, group, priority):
    response = client_for(member).get(reverse("councils:priority_detail", args=[priority.code]))
    assert "Digital Identity Working Group" in response.content.decode()


def test_unknown_council_is_404(client_for, member):
    assert (
        client_for(member).get(reverse("councils:council_detail", args=["nope"])).status_code == 404
    )
