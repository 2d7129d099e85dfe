import pytest
from django.urls import reverse

from workinggroups.tests.factories import ObjectiveFactory


def test_root_redirects_anonymous_people_to_login(client, db):
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/en/accounts/login/")
    assert response.status_code == 200


@pytest.mark.parametrize(
    "persona", ["outsider", "member", "group_cochair", "council_cochair", "secretariat"]
)
def test_every_persona_has_a_home(client_for, personas, persona):
    response = client_for(personas[persona]).get(reverse("portal:home"))
    assert response.status_code == 200
    assert "What waits on me" in response.content.decode()


def test_home_lists_deadlines_of_the_groups_i_cochair(client_for, group_cochair, group):
    import datetime

    ObjectiveFactory(group=group, title_en="Pilot report", due_date=datetime.date.today())
    ObjectiveFactory(group=group, title_en="Far away", due_date=datetime.date(2099, 1, 1))
    body = client_for(group_cochair).get(reverse("portal:home")).content.decode()
    assert "Pilot report" in body and "Far away" not in body
    assert "Digital Identity Working Group" in body  # my groups


def test_outsider_home_says_why_it_is_empty_and_how_to_reach_the_secretariat(
    client_for, outsider, settings
):
    settings.PORTAL_SECRETARIAT_EMAIL = "secretariat@councils.example.ca"
    body = client_for(outsider).get(reverse("portal:home")).content.decode()
    assert "You do not have a current role" in body
    assert reverse("workinggroups:group_list") not in body  # no menu to pages they cannot see
    assert (
        'write to the secretariat at <a href="mailto:secretariat@councils.example.ca">'
        "secretariat@councils.example.ca</a>"
    ) in body
    french = client_for(outsider).get("/fr/").content.decode()
    assert 'href="mailto:secretariat@councils.example.ca"' in french and "secrétariat" in french


def test_the_deadlines_table_has_a_visible_heading(client_for, group_cochair, group):
    import datetime

    ObjectiveFactory(group=group, title_en="Pilot report", due_date=datetime.date.today())
    body = client_for(group_cochair).get(reverse("portal:home")).content.decode()
    heading = body.index('<h3 class="h5" id="deadlines-heading">Deadlines of the groups I co-chair')
    assert heading < body.index("Pilot report")


def test_measures_and_external_bodies_are_in_the_menu(client_for, member):
    body = client_for(member).get(reverse("portal:home")).content.decode()
    menu = body.split('id="portal-menu"', 1)[1].split("</nav>", 1)[0]
    assert f'href="{reverse("workinggroups:measure_list")}"' in menu
    assert f'href="{reverse("councils:external_body_list")}"' in menu


def test_language_switch_saves_the_preference(client_for, member):
    c = client_for(member)
    response = c.post(reverse("set_language"), {"language": "fr", "next": "/en/groups/"})
    assert response.status_code == 302 and response["Location"] == "/fr/groups/"
    member.profile.refresh_from_db()
    assert member.profile.preferred_language == "fr"
    body = c.get("/fr/").content.decode()
    assert '<html lang="fr">' in body and "Ce qui m’attend" in body


def test_language_switch_refuses_get(client, db):
    assert client.get(reverse("set_language")).status_code == 405


def test_login_continues_in_the_preferred_language(client, member):
    member.profile.preferred_language = "fr"
    member.profile.save()
    response = client.post(
        "/en/accounts/login/", {"username": member.username, "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/fr/"
    assert client.cookies["portal_language"].value == "fr"


def test_wrong_password_shows_a_message_and_no_session(client, member):
    response = client.post("/en/accounts/login/", {"username": member.username, "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_is_throttled_after_repeated_failures(client, member, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/en/accounts/login/", {"username": member.username, "password": "nope"})
    response = client.post(
        "/en/accounts/login/", {"username": member.username, "password": "correct-horse-battery"}
    )
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_pages_send_a_strict_content_security_policy(client_for, member):
    response = client_for(member).get(reverse("portal:home"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp


def test_unknown_page_gets_the_portal_404(client_for, member):
    response = client_for(member).get("/en/no-such-page/")
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()


def test_only_one_menu_entry_is_current(client_for, secretariat):
    body = client_for(secretariat).get(reverse("workinggroups:health")).content.decode()
    start = body.index('<nav class="portal-nav')
    menu = body[start : body.index("</nav>", start)]
    assert menu.count('aria-current="page"') == 1
    assert f'href="{reverse("workinggroups:health")}" aria-current="page"' in menu


@pytest.mark.parametrize("persona", ["member", "group_cochair", "council_cochair", "secretariat"])
def test_every_menu_entry_opens_for_the_person_who_sees_it(client_for, personas, persona):
    client = client_for(personas[persona])
    menu = client.get(reverse("portal:home")).context["main_menu"]
    assert menu, "readers have a menu"
    for item in menu:
        assert client.get(item["url"]).status_code == 200, item


@pytest.mark.django_db
def test_signed_in_login_with_next_pointing_at_login_redirects_without_a_loop(client, member):
    """Issue 14: GET /en/accounts/login/?next=/en/accounts/login/ while signed in was a 500."""
    from django.urls import reverse

    client.force_login(member)
    login = reverse("login")
    response = client.get(f"{login}?next={login}")
    assert response.status_code == 302
    assert response["Location"] != login


@pytest.mark.django_db
def test_behind_a_trusted_proxy_a_strangers_failures_do_not_lock_out_the_owner(member, settings):
    """Issue 14: keyed on REMOTE_ADDR, everyone behind the TLS proxy shared one address."""
    from django.test import Client

    settings.PORTAL_TRUSTED_PROXIES = 1
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    stranger, owner = Client(), Client()
    for i in range(settings.AXES_FAILURE_LIMIT + 1):
        # The stranger writes a fresh address of her own each time; the proxy appends the one
        # it saw, which is the one counted.
        stranger.post(
            "/en/accounts/login/",
            {"username": member.username, "password": "nope"},
            HTTP_X_FORWARDED_FOR=f"192.0.2.{i}, 203.0.113.5",
            **proxy,
        )
    assert (
        stranger.post(
            "/en/accounts/login/",
            {"username": member.username, "password": "correct-horse-battery"},
            HTTP_X_FORWARDED_FOR="203.0.113.5",
            **proxy,
        ).status_code
        == 429
    )
    response = owner.post(
        "/en/accounts/login/",
        {"username": member.username, "password": "correct-horse-battery"},
        HTTP_X_FORWARDED_FOR="198.51.100.7",
        **proxy,
    )
    assert response.status_code == 302
    assert "_auth_user_id" in owner.session


@pytest.mark.django_db
def test_without_the_proxy_setting_everyone_behind_the_proxy_shares_one_lockout(member, settings):
    """What the setting is for: counted on the proxy's address, the stranger's failures lock
    the owner out too (the behaviour issue 14 found in production)."""
    from django.test import Client

    settings.PORTAL_TRUSTED_PROXIES = 0
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        Client().post(
            "/en/accounts/login/",
            {"username": member.username, "password": "nope"},
            HTTP_X_FORWARDED_FOR="203.0.113.5",
            **proxy,
        )
    owner = Client().post(
        "/en/accounts/login/",
        {"username": member.username, "password": "correct-horse-battery"},
        HTTP_X_FORWARDED_FOR="198.51.100.7",
        **proxy,
    )
    assert owner.status_code == 429


@pytest.mark.django_db
def test_current_password_guesses_are_throttled_like_sign_ins(client_for, member, settings):
    """Issue 14: the password-change form allowed unlimited guesses of the current password.
    They are failed sign-ins now: counted in the database by django-axes, with the sign-in
    page's limit, and a lock-out here is one at the sign-in page too."""
    from axes.models import AccessAttempt
    from django.test import Client
    from django.urls import reverse

    client = client_for(member)
    url = reverse("password_change")
    new = {"new_password1": "another-Long-pass-2026", "new_password2": "another-Long-pass-2026"}
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post(url, {"old_password": "guess", **new}).status_code == 200
    last = client.post(url, {"old_password": "guess", **new})
    assert last.status_code == 429
    assert "Too many wrong current passwords" in last.content.decode()
    assert 'name="new_password1"' in last.content.decode()  # the form, not a dead end
    attempt = AccessAttempt.objects.get(username=member.username)
    assert attempt.failures_since_start == settings.AXES_FAILURE_LIMIT
    # Even the right password is refused now, and nothing changes.
    response = client.post(url, {"old_password": "correct-horse-battery", **new})
    assert response.status_code == 429
    member.refresh_from_db()
    assert member.check_password("correct-horse-battery")
    # The same lock-out at the sign-in page, from the same client address.
    signin = Client().post(
        "/en/accounts/login/",
        {"username": member.username, "password": "correct-horse-battery"},
    )
    assert signin.status_code == 429


@pytest.mark.django_db
def test_a_right_current_password_starts_the_count_over(client_for, member, settings):
    from axes.models import AccessAttempt
    from django.urls import reverse

    client = client_for(member)
    url = reverse("password_change")
    new = {"new_password1": "another-Long-pass-2026", "new_password2": "another-Long-pass-2026"}
    client.post(url, {"old_password": "guess", **new})
    assert AccessAttempt.objects.filter(username=member.username).exists()
    response = client.post(url, {"old_password": "correct-horse-battery", **new})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.check_password("another-Long-pass-2026")
    assert not AccessAttempt.objects.filter(username=member.username).exists()


def test_my_groups_come_25_a_page_in_the_reader_s_language_at_a_constant_cost(
    client_for, group_cochair, settings
):
    """Issue 17: a co-chair of 2,000 groups got all 2,000 on their home page on each visit."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from workinggroups.tests.factories import GroupFactory, GroupMembershipFactory

    settings.PORTAL_PAGE_SIZE = 5

    def add(n, start):
        for i in range(start, start + n):
            group = GroupFactory(name_en=f"Zeta group {i:02}", name_fr=f"Alpha groupe {i:02}")
            GroupMembershipFactory(user=group_cochair, group=group, role="co_chair")

    def my_groups(body):
        return body.split('id="groups-heading"')[1].split('id="councils-heading"')[0]

    def read(url):
        with CaptureQueriesContext(connection) as ctx:
            body = client_for(group_cochair).get(url).content.decode()
        return my_groups(body), len(ctx.captured_queries)

    add(2, 0)
    _body, few = read(reverse("portal:home"))
    add(10, 2)  # 13 groups with the fixture's own
    body, many = read(reverse("portal:home"))
    assert many == few
    assert body.count("Zeta group") == 4 and "Zeta group 04" not in body
    assert 'aria-label="Pages of my groups"' in body and "Showing 1 to 5 of 13" in body
    body, _n = read(reverse("portal:home") + "?groups_page=3")
    assert "Showing 11 to 13 of 13" in body and "Zeta group 11" in body
    # In French, by the French name: the first page starts with the groups named "Alpha".
    with_fr = client_for(group_cochair)
    with_fr.cookies["django_language"] = "fr"
    body = my_groups(with_fr.get("/fr/").content.decode())
    assert "Alpha groupe 00" in body and "Alpha groupe 05" not in body
