"""Idempotent writes for loaders: touch a row only when something really differs, so that
running a loader twice creates no new rows, not even history rows."""

from django.db import models


def upsert(model: type[models.Model], lookup: dict, values: dict):
    """Get the row matching `lookup`; create it with `values`, or update only changed fields."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.full_clean()
        obj.save()
        return obj, True
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.full_clean(exclude=["password"])
        obj.save(update_fields=changed)
    return obj, False
