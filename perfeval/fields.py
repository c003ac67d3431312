"""Fields and validators shared by the apps: free text held to a limit of perfeval/limits.py."""

from collections.abc import Callable
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.deconstruct import deconstructible

from .limits import NARRATIVE_MAX_CHARS


@deconstructible
class TextLimitValidator:
    """Refuses text longer than ``limit`` characters, saying how long it is and what to do."""

    def __init__(self, limit: int):
        self.limit = limit

    def __call__(self, value):
        length = len(value or "")
        if length > self.limit:
            raise ValidationError(
                f"内容过长：最多 {self.limit:,} 字，现有 {length:,} 字。"
                "请精简文字，详细材料可作为附件另行报送。",
                code="max_length",
                params={"limit_value": self.limit, "show_value": length},
            )

    def __eq__(self, other):
        return isinstance(other, TextLimitValidator) and other.limit == self.limit


class LimitedTextField(models.TextField):
    """A text field refusing more than ``limit`` characters in every form and ``full_clean``.

    The form has no ``maxlength``: a browser would cut pasted text silently, while the
    validator says how much is too much.
    """

    non_db_attrs = (*models.TextField.non_db_attrs, "limit")
    # Set by Django's Field.__init__ from ``validators=``; django-stubs leave it out.
    _validators: list[Callable[[Any], None]]

    def __init__(self, *args, limit: int = NARRATIVE_MAX_CHARS, **kwargs):
        self.limit = limit
        super().__init__(*args, **kwargs)
        self._validators = [*self._validators, TextLimitValidator(limit)]

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("validators", None)  # made from ``limit``
        kwargs["limit"] = self.limit
        return name, path, args, kwargs


def model_field(model: type[models.Model], name: str) -> models.Field:
    """The field ``name`` of ``model`` with a column (its label, choices, attname), as the
    type checker knows it: ``get_field`` may also answer a relation's reverse side."""
    return cast(models.Field, model._meta.get_field(name))


def text_too_long(text: str, limit: int) -> str | None:
    """The message for ``text`` over ``limit`` characters, None if it fits (for importers)."""
    try:
        TextLimitValidator(limit)(text)
    except ValidationError as error:
        return error.messages[0]
    return None
