"""The language of each part of a bilingual form (WCAG 3.1.2): the box for the English text is
marked lang="en" and the French box lang="fr", while labels, help and errors stay in the
page's language — never a French label inside a lang="en" region."""

import importlib
import re

import pytest
from django import forms
from django.urls import reverse

APPS = ["councils", "workinggroups", "people", "funding", "strategy", "notifications", "portal"]


def _form_classes():
    for app in APPS:
        try:
            importlib.import_module(f"{app}.forms")
        except ModuleNotFoundError:
            continue
    seen, stack = set(), [forms.BaseForm]
    while stack:
        cls = stack.pop()
        for sub in cls.__subclasses__():
            if sub not in seen:
                seen.add(sub)
                stack.append(sub)
    return sorted(
        (c for c in seen if c.__module__.split(".")[0] in APPS), key=lambda c: c.__qualname__
    )


def test_every_english_and_french_box_of_every_form_says_its_language():
    checked = []
    for form_class in _form_classes():
        for name, field in getattr(form_class, "base_fields", {}).items():
            suffix = name.rsplit("_", 1)[-1]
            if suffix in ("en", "fr") and not isinstance(field.widget, forms.HiddenInput):
                checked.append(f"{form_class.__qualname__}.{name}")
                assert field.widget.attrs.get("lang") == suffix, checked[-1]
    assert len(checked) > 40  # the bilingual fields of every app's forms, not a handful


OPENING_TAG = re.compile(r"<(\w+)([^>]*)\slang=\"(en|fr)\"", re.S)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_funding_form_marks_only_the_boxes_with_the_other_language(
    client_for, group_cochair, group, language
):
    page = client_for(group_cochair).get(f"/{language}{reverse('funding:request_create')[3:]}")
    html = page.content.decode()
    tags = [(tag, lang) for tag, _attrs, lang in OPENING_TAG.findall(html)]
    boxes = [(tag, lang) for tag, lang in tags if tag in ("input", "textarea")]
    assert len(boxes) == 10  # title, summary, outcomes, justification, co-funding × 2
    others = [(tag, lang) for tag, lang in tags if tag not in ("input", "textarea")]
    # Only the page itself and the language switcher's button carry lang otherwise.
    assert sorted(others) == sorted(
        [("html", language), ("button", "fr" if language == "en" else "en")]
    )
    assert "Titre (anglais)" in html if language == "fr" else "Title (French)" in html
