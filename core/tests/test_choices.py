"""get_<field>_display() on the portal's models: the label Django gives, in the active
language, translating only the label shown (core.choices)."""

import pytest
from django.apps import apps
from django.db.models import Model
from django.utils import translation

from core import choices
from funding.models import FundingRequest
from funding.models import Status as S


def portal_choice_fields():
    for model in apps.get_models():
        if model._meta.app_label in choices.PORTAL_APPS:
            for field in model._meta.concrete_fields:
                if field.choices is not None:
                    yield model, field


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_choice_field_shows_the_label_django_would(language):
    fields = list(portal_choice_fields())
    assert len(fields) > 40  # the portal's models and their history models
    with translation.override(language):
        for model, field in fields:
            for value, _label in [*field.flatchoices, ("not-a-choice", None)]:
                obj = model(**{field.attname: value})
                shown = getattr(obj, f"get_{field.name}_display")()
                assert shown == Model._get_FIELD_display(obj, field), (model, field, value)


def test_only_the_label_shown_is_translated(monkeypatch):
    """Django's own translated every label of the field on every call (11 for a request's
    status): list pages call it on every row."""
    calls = []
    trans = translation._trans
    for name in ("gettext", "pgettext"):
        real = getattr(trans, name)
        monkeypatch.setattr(trans, name, lambda *args, real=real: calls.append(args) or real(*args))
    request = FundingRequest(status=S.APPROVED)
    with translation.override("fr"):
        assert request.get_status_display() == "Approuvée par les membres"
    assert len(calls) == 1
    calls.clear()
    Model._get_FIELD_display(request, FundingRequest._meta.get_field("status"))
    assert len(calls) >= len(S.choices)  # what it replaced: every label, and the one shown


def test_installing_again_replaces_nothing_and_a_model_s_own_method_is_kept():
    assert choices.install() == 0
    assert not choices._is_djangos(lambda self: "mine", FundingRequest)
