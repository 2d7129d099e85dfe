"""One data version per domain (issue 17): a change invalidates only the cached parts that
declare its domain; the others stay cached."""

import pytest

from core import cache as portal_cache
from core.cache import DOMAINS, bump_data_version, cached_value, data_version, domains_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cache_on")]


class Counter:
    def __init__(self):
        self.calls = 0

    def __call__(self):
        self.calls += 1
        return self.calls


def test_each_model_belongs_to_its_domain():
    from councils.models import ActionItem, Council, CouncilMembership, Meeting, Priority
    from funding.models import FundingRequest
    from strategy.models import PlanItem
    from workinggroups.models import Group, Objective

    assert domains_of(ActionItem) == domains_of(Meeting) == ("meetings",)
    assert domains_of(Council) == domains_of(CouncilMembership) == ("people",)
    assert domains_of(Priority) == domains_of(PlanItem) == ("plan",)
    assert domains_of(Group) == domains_of(Objective) == ("groups",)
    assert domains_of(FundingRequest) == ("funding",)
    # A history table and a many-to-many table count as their model.
    assert domains_of(Group.history.model) == ("groups",)
    assert domains_of(Group.councils.through) == ("groups",)


def test_every_watched_model_has_a_domain():
    from django.apps import apps

    for label in portal_cache.WATCHED_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            assert domains_of(model) != DOMAINS, model._meta.label  # named, not "all"
    for label in portal_cache.WATCHED_MODELS:
        assert domains_of(apps.get_model(label)) != DOMAINS, label


def test_a_persons_event_counts_and_a_password_reset_request_does_not(
    django_capture_on_commit_callbacks, member
):
    """The person page keeps their events (people.PersonEvent); a reset request, which anyone
    can make, must not empty every page that depends on the people domain."""
    from people.models import PasswordResetAttempt, PersonEvent

    before = data_version("people")
    with django_capture_on_commit_callbacks(execute=True):
        PasswordResetAttempt.objects.create(address_hash="0" * 64, client_ip="127.0.0.1")
    assert data_version("people") == before
    with django_capture_on_commit_callbacks(execute=True):
        PersonEvent.objects.create(person=member, kind=PersonEvent.Kind.INVITATION_SENT)
    assert data_version("people") != before


def test_a_write_keeps_another_domains_part_and_replaces_its_own(
    django_capture_on_commit_callbacks, group
):
    from workinggroups.models import Objective

    plan_part, groups_part = Counter(), Counter()

    def read():
        return (
            cached_value("test-plan", (), plan_part, domains=("plan",)),
            cached_value("test-groups", (), groups_part, domains=("groups", "people")),
        )

    assert read() == (1, 1)
    assert read() == (1, 1)  # both cached
    with django_capture_on_commit_callbacks(execute=True):
        Objective.objects.create(group=group, title_en="New", title_fr="Nouveau")
    assert read() == (1, 2)  # the groups' part only is computed again
    with django_capture_on_commit_callbacks(execute=True):
        bump_data_version("plan")
    assert read() == (2, 2)
    with django_capture_on_commit_callbacks(execute=True):
        bump_data_version()  # every domain
    assert read() == (3, 3)
