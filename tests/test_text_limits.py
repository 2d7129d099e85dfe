"""Issue 14, bounded work for any input: every free-text field has a limit, in the model, the
form and the help text (core/limits.py), and a value past it is refused next to its field."""

import re

import pytest
from django.apps import apps
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import translation

from core import limits
from tests.test_fuzz_forms import OUR_APPS, PERSONA_FOR_FORMS, FormParser, table_counts
from tests.test_permission_matrix import MATRIX
from tests.world import build_world

APPS = OUR_APPS | {"core"}


def free_text_fields():
    for model in apps.get_models():
        if model._meta.app_label not in APPS:
            continue
        original = getattr(model, "instance_type", None)  # a history table's model
        for field in model._meta.get_fields():
            if not isinstance(field, models.CharField | models.TextField):
                continue
            kept = {f.name: f for f in original._meta.get_fields()} if original else {}
            if field.name in kept and not isinstance(
                kept[field.name], models.CharField | models.TextField
            ):
                continue  # e.g. a file's path, kept as text by the history table
            yield model, field


def test_every_free_text_field_of_every_model_has_a_limit():
    """Fails on a new TextField (or a CharField) written without its limit."""
    unbounded = []
    for model, field in free_text_fields():
        limit = field.max_length
        validators = [v.limit_value for v in field.validators if isinstance(v, MaxLengthValidator)]
        if not limit or limit > limits.LONGEST or limit not in validators:
            unbounded.append(f"{model._meta.label}.{field.name}")
    assert not unbounded, f"free text without a limit (core/limits.py): {unbounded}"
    assert sum(1 for _ in free_text_fields()) > 100  # the walk does find the fields


def test_the_model_refuses_text_past_the_limit_even_without_a_form():
    from funding.models import StatusChange

    field = StatusChange._meta.get_field("reason")
    assert field.max_length == limits.NOTE
    with pytest.raises(Exception, match="at most 10000"):
        field.clean("x" * (limits.NOTE + 1), None)


@pytest.mark.parametrize(
    ("language", "said"),
    [("en", "Up to 10,000 characters."), ("fr", "Jusqu’à 10\u00a0000\u00a0caractères.")],
)
def test_the_help_text_gives_the_limit_in_the_readers_language(language, said):
    from funding.forms import WithdrawForm

    with translation.override(language):
        assert said in str(WithdrawForm().fields["reason"].help_text)


def test_a_text_that_fits_the_box_with_line_breaks_is_not_refused():
    """The browser counts a line break as one character but sends two (CR LF)."""
    from django.http import QueryDict

    from funding.forms import WithdrawForm

    lines = "x" * 98 + "\r\n"  # 99 characters as the browser counts them, 100 as it sends
    text = lines * (limits.NOTE // 99)
    data = QueryDict(mutable=True)
    data.update({"version": "1", "reason": text})
    form = WithdrawForm(data)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["reason"] == text.replace("\r\n", "\n").strip()
    data["reason"] = "x" * (limits.NOTE + 1)
    assert not WithdrawForm(data).is_valid()


def _box(html, name):
    """The opening tag of the text box called `name`."""
    match = re.search(rf'<(?:textarea|input)\b[^>]*\bname="{re.escape(name)}"[^>]*>', html)
    return match[0] if match else ""


class LimitParser(FormParser):
    """The fuzzer's form parser, keeping each text area's `maxlength` too."""

    def handle_starttag(self, tag, attrs):
        super().handle_starttag(tag, attrs)
        a = dict(attrs)
        if tag == "textarea" and self._form is not None and a.get("name"):
            self._form["fields"][a["name"]]["maxlength"] = a.get("maxlength")


def text_areas(world, client_for):
    """(url name, persona, action, fields) of every POST form a persona reaches."""
    found = []
    for name, (method, make_url, expected) in sorted(MATRIX.items()):
        if method != "get":
            continue
        for persona in PERSONA_FOR_FORMS:
            if expected.get(persona) != 200:
                continue
            url = make_url(world)
            response = client_for(world[persona]).get(url)
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            parser = LimitParser()
            parser.feed(response.content.decode())
            for form in parser.forms:
                action = form["action"] or url
                if any(f["type"] == "textarea" for f in form["fields"].values()):
                    found.append((name, persona, action, form["fields"]))
    return found


@pytest.fixture
def world(personas, council, priority, group):
    return build_world(personas, council, priority, group)


def test_every_text_area_of_every_form_has_a_limit_and_refuses_past_it(world, client_for):
    """Each form a persona can reach (the fuzzer's crawl): each text area says its limit
    (`maxlength`), and a value one character past it is refused with a message next to that
    box, nothing saved. At least one form per app with text areas is exercised."""
    checked, apps_seen = set(), set()
    for name, persona, action, fields in text_areas(world, client_for):
        for field_name, field in fields.items():
            if field["type"] != "textarea" or (action, field_name) in checked:
                continue
            checked.add((action, field_name))
            assert field.get("maxlength"), f"{name} ({action}): {field_name} has no maxlength"
            limit = int(field["maxlength"])
            assert limit <= limits.LONGEST
            payload = {k: f["value"] for k, f in fields.items() if f["type"] != "file"}
            payload[field_name] = "x" * (limit + 1)
            before = table_counts()
            response = client_for(world[persona]).post(action, payload)
            assert response.status_code < 500, (name, field_name)
            assert table_counts() == before, (name, field_name)
            if response.status_code not in (200, 400):
                continue  # sent on with a message (a review comment), or refused before reading
            html = response.content.decode()
            assert f"at most {limit} characters" in html, (name, action, field_name)
            assert "is-invalid" in _box(html, field_name), (name, action, field_name)
            apps_seen.add(name.split(":")[0])
    assert {"councils", "workinggroups", "funding", "strategy", "people"} <= apps_seen, apps_seen
