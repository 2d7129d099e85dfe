"""Paths reversed once per language (core.paths), and the language toggle that swaps the
prefix rather than resolving the page again (issue 17: the empty page's cost)."""

import datetime

import pytest
from django.test import override_settings
from django.urls import reverse, translate_url
from django.utils import timezone, translation

from core.paths import localized_url, portal_path
from councils.models import CouncilMembership
from councils.tests.factories import CouncilFactory, CouncilMembershipFactory, UserFactory
from workinggroups.permissions import group_roles, load_roles
from workinggroups.tests.factories import GroupFactory, GroupMembershipFactory


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_kept_path_is_what_reverse_gives_in_each_language(language):
    for name in ("portal:home", "notifications:inbox", "notifications:preferences", "logout"):
        with translation.override(language):
            assert portal_path(name) == reverse(name)
        assert portal_path(name, language) == portal_path(name, language)


def test_kept_paths_follow_a_change_of_url_configuration():
    with override_settings(ROOT_URLCONF="config.bench_urls"):
        assert portal_path("bench_bare", "en") == reverse("bench_bare")
    with pytest.raises(Exception, match="bench_bare"):
        portal_path("bench_bare", "en")


@pytest.mark.parametrize(
    "path",
    [
        "/en/groups/?status=active&page=2",
        "/en/funding/12/",
        "/fr/meetings/3/#package-h",
        "/en/no-such-page/",
    ],
)
def test_the_other_language_keeps_the_page_and_its_query(path):
    other = "en" if path.startswith("/fr/") else "fr"
    swapped = localized_url(path, other)
    assert swapped == f"/{other}/{path[4:]}"
    if "no-such" not in path and "#" not in path:
        assert swapped == translate_url(path, other)


def test_a_path_without_a_language_prefix_is_left_to_django():
    assert localized_url("/healthz", "fr") == translate_url("/healthz", "fr")


@pytest.mark.django_db
def test_the_language_toggle_points_to_this_page_in_french(client):
    user = UserFactory()
    CouncilMembershipFactory(user=user, role=CouncilMembership.Role.MEMBER)
    client.force_login(user)
    response = client.get("/en/groups/?status=active")
    assert response.context["other_language_url"] == "/fr/groups/?status=active"
    assert 'name="next" value="/fr/groups/?status=active"' in response.text


@pytest.mark.django_db
def test_roles_read_in_plain_sql_are_the_current_ones_only():
    """load_roles runs its own SQL: a term that ended yesterday or starts tomorrow gives no
    role, one that ends today still does, and the unread count rides along."""
    from notifications.models import Notification

    today = timezone.localdate()
    user = UserFactory()
    current, ended, future = CouncilFactory(), CouncilFactory(), CouncilFactory()
    CouncilMembershipFactory(user=user, council=current, role="co_chair", end_date=today)
    CouncilMembershipFactory(
        user=user,
        council=ended,
        role="member",
        start_date=today - datetime.timedelta(days=30),
        end_date=today - datetime.timedelta(days=1),
    )
    CouncilMembershipFactory(
        user=user, council=future, role="member", start_date=today + datetime.timedelta(days=1)
    )
    chaired, left = GroupFactory(), GroupFactory()
    GroupMembershipFactory(user=user, group=chaired, role="co_chair")
    GroupMembershipFactory(
        user=user,
        group=left,
        role="member",
        start_date=today - datetime.timedelta(days=9),
        end_date=today - datetime.timedelta(days=2),
    )
    Notification.objects.create(recipient=user, text_en="a", text_fr="a")
    Notification.objects.create(
        recipient=user, text_en="b", text_fr="b", read_at="2026-01-01T00:00Z"
    )
    load_roles(user)
    assert user._council_roles.co_chair_of == {current.pk}
    assert not user._council_roles.member_of
    assert group_roles(user).co_chair_of == {chaired.pk} and not group_roles(user).member_of
    assert user._portal_unread_count == 1
