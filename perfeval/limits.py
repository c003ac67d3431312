"""Every size limit of perfeval in one place: free text, uploads and the sheets inside them.

Each is generous for a real report (the published 浏阳 report runs to some 17,000 characters
in all; a real 自评表 has well under 100 rows and 15 columns) and small enough that no input
can tie up a worker or its memory. README.md lists them for users.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.deconstruct import deconstructible

# Free text, in characters.
NARRATIVE_MAX_CHARS = 20_000  # one narrative section of a report, a project's 实施内容和成效
ROW_TEXT_MAX_CHARS = 2_000  # 偏差及原因分析, 不采用建议得分的理由 of one indicator or group
COMMENT_MAX_CHARS = 2_000  # a reviewer's or clerk's comment on a transition

# Uploads of a filled 自评表 (.xlsx), measured before the workbook is parsed.
UPLOAD_MAX_BYTES = 5 * 1024 * 1024  # the file as uploaded
UPLOAD_MAX_UNPACKED_BYTES = 30 * 1024 * 1024  # all of its parts, unpacked
UPLOAD_MAX_PARTS = 500  # files inside the archive
SHEET_MAX_ROWS = 2_000  # rows of one worksheet
SHEET_MAX_COLUMNS = 60  # columns of one worksheet (BH)
SHEET_MAX_MERGES = 5_000  # merged ranges of one worksheet


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

    def __init__(self, *args, limit: int = NARRATIVE_MAX_CHARS, **kwargs):
        self.limit = limit
        super().__init__(*args, **kwargs)
        self._validators = [*self._validators, TextLimitValidator(limit)]

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("validators", None)  # made from ``limit``
        kwargs["limit"] = self.limit
        return name, path, args, kwargs


def text_too_long(text: str, limit: int) -> str | None:
    """The message for ``text`` over ``limit`` characters, None if it fits (for importers)."""
    try:
        TextLimitValidator(limit)(text)
    except ValidationError as error:
        return error.messages[0]
    return None
