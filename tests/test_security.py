"""CSRF on every form, session expiry, and governance records that cannot be hard-deleted."""

import datetime

import pytest
import time_machine
from django.contrib import admin
from django.test import Client, RequestFactory
from django.urls import reverse

from tests.test_fuzz_forms import reachable_forms
from tests.world import build_world


@pytest.fixture
def world(personas, council, priority, group):
    return build_world(personas, council, priority, group)


def test_every_form_refuses_a_post_without_csrf_token(world):
    def strict_client_for(user):
        c = Client(enforce_csrf_checks=True)
        if user is not None:
            c.force_login(user)
        return c

    forms = reachable_forms(world, strict_client_for)
    assert forms
    for name, persona, action, fields in forms:
        payload = {k: f["value"] for k, f in fields.items() if k != "csrfmiddlewaretoken"}
        response = strict_client_for(world[persona]).post(action, payload)
        assert response.status_code == 403, (name, action)


def test_language_switch_and_sign_in_need_the_csrf_token(db):
    c = Client(enforce_csrf_checks=True)
    assert c.post(reverse("set_language"), {"language": "fr"}).status_code == 403
    assert c.post(reverse("login"), {"username": "x", "password": "y"}).status_code == 403


def test_a_session_expires_after_the_configured_age(member, settings):
    with time_machine.travel(
        datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC), tick=False
    ):
        c = Client()
        c.force_login(member)
        assert c.get(reverse("portal:home")).status_code == 200
    later = 9 * 3600 + settings.SESSION_COOKIE_AGE
    with time_machine.travel(
        datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC)
        + datetime.timedelta(seconds=later),
        tick=False,
    ):
        response = c.get(reverse("portal:home"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


GOVERNANCE_APPS = {"councils", "workinggroups", "funding", "strategy"}


def test_governance_records_cannot_be_deleted_in_the_admin(django_user_model):
    superuser = django_user_model.objects.create_superuser("root", "root@example.gc.ca", "x" * 16)
    request = RequestFactory().get("/")
    request.user = superuser
    deletable = [
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in GOVERNANCE_APPS and model_admin.has_delete_permission(request)
    ]
    assert not deletable, f"these governance records can be hard-deleted in the admin: {deletable}"
    inline_deletable = [
        inline.model._meta.label
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in GOVERNANCE_APPS
        for inline in model_admin.get_inline_instances(request)
        if inline.has_delete_permission(request)
    ]
    assert not inline_deletable, f"deletable through an inline: {inline_deletable}"
