"""Forms say what went wrong once, where it went wrong: every ModelForm keeps the model's
raw message off a field the form already refused (core.forms.ModelForm), and a radio or
checkbox group points to its error from every box (aria-describedby)."""

import re

from django.urls import reverse

from core.forms import ModelForm
from tests.test_form_language import _form_classes


def test_every_model_form_of_the_portal_says_one_thing_per_problem():
    from django import forms

    model_forms = [c for c in _form_classes() if issubclass(c, forms.ModelForm)]
    assert len(model_forms) >= 14
    assert [c.__qualname__ for c in model_forms if not issubclass(c, ModelForm)] == []


def _boxes_point_to_their_error(html, name):
    boxes = re.findall(rf'<input type="(?:checkbox|radio)"[^>]*name="{name}"[^>]*>', html)
    assert boxes, f"no box named {name}"
    for box in boxes:
        described = re.search(r'aria-describedby="([^"]+)"', box)
        assert described, box
        for target in described.group(1).split():
            assert f'id="{target}"' in html, target
    error = re.search(rf'<div id="id_{name}_error"[^>]*>(.*?)</div>', html, re.S)
    assert error and error.group(1).count("<p ") == 1  # the message, once
    before = html[: html.index(boxes[0])]
    fieldset = before[before.rindex("<fieldset") :].split(">", 1)[0]
    assert f"id_{name}_error" in fieldset  # the group as a whole, too


def test_a_checkbox_group_with_an_error_points_to_it_from_every_box(
    client_for, group_cochair, group, priority
):
    data = {"group": group.pk, "title_en": "x", "summary_en": "y", "amount_requested": "10",
            "fiscal_year": "2026-27"}  # fmt: skip
    response = client_for(group_cochair).post(reverse("funding:request_create"), data)
    assert response.status_code == 400
    _boxes_point_to_their_error(response.content.decode(), "priorities")


def test_a_radio_group_with_an_error_points_to_it_from_every_box(
    client_for, council_cochair, group_cochair, group, priority
):
    from funding import services
    from funding.tests.conftest import request_data

    draft = services.funding_request_create(
        group=group, by=group_cochair, data=request_data(), priorities=[priority]
    )
    submitted = services.funding_request_submit(
        request=draft, by=group_cochair, expected_version=draft.version
    )
    response = client_for(council_cochair).post(
        reverse("funding:request_recommend", args=[submitted.pk]), {"version": submitted.version}
    )
    assert response.status_code == 400
    _boxes_point_to_their_error(response.content.decode(), "decision")
