"""`get_<field>_display()` that translates one label, not every label of the field.

Django's own builds a dict of the field's choices on every call, and hashing each lazy label
translates it: a request's status (11 choices) cost 12 translations, 48 µs, for one label, and
list pages call it on every row (the group-health page 200 times, issue 17). Here the choices
are read into a dict once per field (their values, which are plain strings or numbers, as keys;
the labels still lazy), and only the label shown is translated, in the language active at the
call: 4 µs.
"""

from functools import partialmethod

from django.apps import apps
from django.db.models import Model
from django.utils.encoding import force_str

# The apps whose models get it (Django's and the libraries' are left as they are).
PORTAL_APPS = (
    "core",
    "councils",
    "workinggroups",
    "funding",
    "strategy",
    "notifications",
    "people",
    "publication",
    "signin",
    "portal",
    "api",
)


def _labels(field) -> dict:
    labels = field.__dict__.get("_portal_choice_labels")
    if labels is None:
        labels = dict(field.flatchoices)  # hashes the values only: the labels stay lazy
        field.__dict__["_portal_choice_labels"] = labels
    return labels


def _get_field_display(self, field):
    value = getattr(self, field.attname)
    try:
        label = _labels(field).get(value, value)
    except TypeError:  # an unhashable value (a list in a JSON field): Django's way
        return Model._get_FIELD_display(self, field)
    return force_str(label, strings_only=True)


def _is_djangos(method, model) -> bool:
    """Whether `method` is the `get_<field>_display` Django set up, not one the model wrote."""
    return isinstance(method, partialmethod) and method.func is model._get_FIELD_display


def install() -> int:
    """Give every choice field of the portal's models (their history models too) the quick
    display method; how many were replaced (the app's ready())."""
    replaced = 0
    for model in apps.get_models():
        if model._meta.app_label not in PORTAL_APPS:
            continue
        for field in model._meta.concrete_fields:
            name = f"get_{field.name}_display"
            if field.choices is None or not _is_djangos(model.__dict__.get(name), model):
                continue
            setattr(model, name, partialmethod(_get_field_display, field=field))
            replaced += 1
    return replaced
