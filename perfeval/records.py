"""Idempotent writes: create a row or bring it to given values, touching nothing that matches."""

from typing import TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)


def record_sync(model: type[M], *, lookup: dict, values: dict) -> tuple[M, bool]:
    """Return the row matching ``lookup`` with ``values``, and whether anything was written.

    Rows are validated (``full_clean``) before they are saved, and saved only when a value
    differs, so running a loader twice changes nothing.
    """
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.full_clean()
        obj.save()
        return obj, True
    changed = [field for field, value in values.items() if getattr(obj, field) != value]
    if not changed:
        return obj, False
    for field in changed:
        setattr(obj, field, values[field])
    obj.full_clean()
    obj.save(update_fields=changed)
    return obj, True
