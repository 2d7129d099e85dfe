import datetime

import pytest

from councils.permissions import (
    can_view_directory,
    council_roles,
    is_council_cochair,
    is_portal_reader,
    is_secretariat,
)
from councils.tests.factories import CouncilMembershipFactory, UserFactory


@pytest.mark.parametrize(
    ("name", "reader", "secretariat_role", "cochair_role"),
    [
        ("outsider", False, False, False),
        ("member", True, False, False),
        ("group_cochair", True, False, False),
        ("council_cochair", True, False, True),
        ("secretariat", True, True, False),
    ],
)
def test_roles_per_persona(personas, name, reader, secretariat_role, cochair_role):
    user = personas[name]
    assert is_portal_reader(user) is reader
    assert is_secretariat(user) is secretariat_role
    assert is_council_cochair(user) is cochair_role


def test_anonymous_has_no_role(db):
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()
    assert not is_portal_reader(anonymous) and not is_secretariat(anonymous)


def test_an_ended_membership_gives_no_role(council):
    user = UserFactory()
    CouncilMembershipFactory(
        user=user,
        council=council,
        role="co_chair",
        start_date=datetime.date(2018, 1, 1),
        end_date=datetime.date(2019, 1, 1),
    )
    assert not is_council_cochair(user) and not can_view_directory(user)


def test_a_future_membership_gives_no_role_yet(council):
    user = UserFactory()
    CouncilMembershipFactory(
        user=user, council=council, role="member", start_date=datetime.date(2999, 1, 1)
    )
    assert not is_portal_reader(user)


def test_roles_are_read_once_per_request(council_cochair, django_assert_num_queries):
    with django_assert_num_queries(1):
        council_roles(council_cochair)
        council_roles(council_cochair)
        is_council_cochair(council_cochair)
