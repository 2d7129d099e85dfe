"""Issue 14, "Nothing half-saved": every state-changing request runs in one transaction
(core.middleware.AtomicWritesMiddleware), so a failure after a write leaves the database as it
was, and the 500 page claims nothing false.

The failure is injected *after* the write: sending the confirmation message and building the
redirect are the last steps of every POST view (services first, then `messages.success`, then
`redirect`), so making those raise fails the request once its writes are done."""

import hashlib

import pytest
from django.apps import apps
from django.test import Client, override_settings
from django.urls import reverse

from tests.test_fuzz_forms import PERSONA_FOR_FORMS, reachable_forms
from tests.world import build_world
from workinggroups.models import GroupLink
from workinggroups.tests.factories import GroupFactory

FINGERPRINTED_APPS = {
    "auth",
    "councils",
    "signin",
    "workinggroups",
    "people",
    "funding",
    "strategy",
    "notifications",
    "core",
}
FALSE_CLAIM = "Nothing you submitted was half-saved"
TRUE_CLAIM = "A change is saved whole or not at all."


class AfterTheWrite(RuntimeError):
    """Raised by the last step of a view, once its service has written."""


def _raise(*args, **kwargs):
    raise AfterTheWrite("injected after the write")


def fingerprint():
    """A digest of every row of the portal's tables (not sessions nor throttling records)."""
    digest = hashlib.sha256()
    for model in apps.get_models():
        if model._meta.app_label not in FINGERPRINTED_APPS or model._meta.proxy:
            continue
        digest.update(model._meta.label.encode())
        for row in model.objects.order_by("pk").values_list():
            digest.update(repr(row).encode())
    return digest.hexdigest()


def _signed_in(user):
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def link(secretariat, group):
    other = GroupFactory(slug="zz-other")
    a, b = sorted([group, other], key=lambda g: g.pk)
    return GroupLink.objects.create(group_a=a, group_b=b, created_by=secretariat)


@pytest.fixture
def fail_after_the_write(monkeypatch):
    monkeypatch.setattr("django.contrib.messages.api.add_message", _raise)
    monkeypatch.setattr("django.http.response.HttpResponseRedirectBase.__init__", _raise)


@pytest.mark.django_db
def test_removing_a_group_link_that_fails_after_the_delete_keeps_the_link(
    secretariat, link, fail_after_the_write
):
    """The example: the deletion was committed, then the view failed and answered 500."""
    response = _signed_in(secretariat).post(
        reverse("workinggroups:link_delete", args=[link.pk]), {"group": link.group_b.slug}
    )
    assert response.status_code == 500
    assert GroupLink.objects.filter(pk=link.pk).exists()
    page = response.content.decode()
    assert TRUE_CLAIM in page and FALSE_CLAIM not in page


@pytest.mark.django_db
def test_without_the_middleware_the_same_failure_half_saves(
    secretariat, link, fail_after_the_write, settings
):
    """What the test above guards against: without the request's transaction the deletion
    stays although the person is told the request failed."""
    middleware = [m for m in settings.MIDDLEWARE if m != "core.middleware.AtomicWritesMiddleware"]
    assert len(middleware) == len(settings.MIDDLEWARE) - 1
    with override_settings(MIDDLEWARE=middleware):
        response = _signed_in(secretariat).post(
            reverse("workinggroups:link_delete", args=[link.pk])
        )
    assert response.status_code == 500
    assert not GroupLink.objects.filter(pk=link.pk).exists()


@pytest.mark.django_db
def test_a_service_that_raises_after_its_first_write_leaves_nothing(secretariat, link, monkeypatch):
    """A failure inside the view's own steps (not only its last ones) rolls back too: the
    service deletes, then the next step raises."""
    from workinggroups import services, views

    def delete_then_fail(*, link, by):
        services.group_link_delete(link=link, by=by)
        raise AfterTheWrite("the step after the delete failed")

    monkeypatch.setattr(views, "group_link_delete", delete_then_fail)
    response = _signed_in(secretariat).post(reverse("workinggroups:link_delete", args=[link.pk]))
    assert response.status_code == 500
    assert GroupLink.objects.filter(pk=link.pk).exists()


@pytest.fixture
def world(personas, council, priority, group):
    return build_world(personas, council, priority, group)


@pytest.mark.django_db
def test_every_form_sent_as_shown_and_failing_after_its_write_changes_nothing(
    world, client_for, monkeypatch, capsys
):
    """The class: every POST form any persona reaches, sent with the values the page shows,
    with the message and redirect steps made to fail. Each answers 500 or refuses the input,
    and the database is exactly as before."""
    forms = reachable_forms(world, client_for)
    # Signed in before the sweep: signing in writes last_login.
    clients = {persona: _signed_in(world[persona]) for persona in PERSONA_FOR_FORMS}
    monkeypatch.setattr("django.contrib.messages.api.add_message", _raise)
    monkeypatch.setattr("django.http.response.HttpResponseRedirectBase.__init__", _raise)
    failed, changed = set(), []
    for name, persona, action, fields in forms:
        payload = {k: f["value"] for k, f in fields.items() if f["type"] != "file"}
        for key, field in fields.items():
            if field["type"] == "select" and field["options"]:
                payload[key] = next((o for o in field["options"] if o), "")
        before = fingerprint()
        response = clients[persona].post(action, payload)
        if response.status_code == 500:
            failed.add(action)
        if fingerprint() != before:
            changed.append((name, persona, action, response.status_code))
    with capsys.disabled():
        print(
            f"\nnothing half-saved: {len(forms)} forms sent, {len(failed)} distinct actions "
            f"failed after their write, {len(changed)} left a change"
        )
    assert not changed, changed
    # The sweep is not empty: many different views reached their last step and failed there.
    assert len(failed) >= 20, sorted(failed)


def test_the_500_page_makes_no_false_claim(client):
    """Rendered on its own (DEBUG off), in both languages."""
    from django.template.loader import render_to_string
    from django.utils import translation

    for language in ("en", "fr"):
        with translation.override(language):
            page = render_to_string("500.html")
        assert FALSE_CLAIM not in page
        assert "half" not in page.lower() and "partie" not in page
