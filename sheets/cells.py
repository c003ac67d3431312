"""Cell values as people type them: names and weights, numbers, percents and text; the
problems found in them; and the one rule for writing text no spreadsheet takes for a formula.

Pure: the standard library, the money arithmetic of budgets/calc.py and perfeval/numbers.py;
no openpyxl, models or settings.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from budgets.calc import ungrouped
from perfeval.numbers import HUNDRED, num

ERROR, WARNING = "error", "warning"
TEXT_LIMIT = 200  # the longest indicator name, 年度指标值 or 全年完成值 a report holds

# --- Problems -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """Something in the file to fix (an error) or to know (a warning), and where it is."""

    message: str
    sheet: str = ""
    row: int | None = None
    column: str = ""
    severity: str = ERROR

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    @property
    def where(self) -> str:
        parts = []
        if self.sheet:
            parts.append(f"工作表“{self.sheet}”")
        if self.row is not None:
            parts.append(f"第 {self.row} 行")
        if self.column:
            parts.append(f"{self.column} 列")
        return " ".join(parts)

    def __str__(self) -> str:
        return f"{self.where}：{self.message}" if self.where else self.message


# --- Text and numbers ---------------------------------------------------------------------

QUOTES = "“”‘’\"'「」『』"
_SPACE = re.compile(r"\s+")
_WIDE = r"[^\x00-\x7f]"
_SPACE_BY_WIDE = re.compile(rf"(?<={_WIDE})\s+|\s+(?={_WIDE})")
_WEIGHT_SUFFIX = re.compile(
    r"^(?P<name>.*?)\s*[（(]\s*(?P<weight>[0-9０-９]+(?:[.．][0-9０-９]+)?)\s*分?\s*[)）]\s*$",
    re.S,
)


def normalise(text) -> str:
    """The key names are matched on: NFKC width folding, no spaces, no quotation marks."""
    text = unicodedata.normalize("NFKC", "" if text is None else str(text))
    return "".join(ch for ch in _SPACE.sub("", text) if ch not in QUOTES)


def clean(text) -> str:
    """A name as it is shown: trimmed, no spaces beside Chinese characters ("产出 指标")."""
    text = "" if text is None else str(text).strip()
    return _SPACE.sub(" ", _SPACE_BY_WIDE.sub("", text))


def split_weight(text: str) -> tuple[str, str | None]:
    """("预算编审管理", "3") from "预算编审管理（3）", "相关性(5 分)" or "投入管理（30分）"."""
    match = _WEIGHT_SUFFIX.match(text or "")
    if not match or not match.group("name").strip():
        return clean(text), None
    return clean(match.group("name")), unicodedata.normalize("NFKC", match.group("weight"))


class NotANumber(ValueError):
    """A cell that should hold a number holds text."""


BLANK_MARKS = {"", "-", "—", "–", "/", "无"}


def parse_number(value, *, units: Iterable[str] = ("分", "万元")) -> Decimal | None:
    """A number from a cell: 2, 2.0, "99", " 2.00 ", "2,092.38", "3分"; None when blank.

    Thousands separators must group by three: "7,1,0.12" and "1,2,3" are refused.
    """
    if value is None:
        return None
    if isinstance(value, bool) or isinstance(value, datetime | date):
        raise NotANumber(str(value))
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value))
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if _SPACE.sub("", text) in BLANK_MARKS:
        return None
    for unit in units:
        if text.endswith(unit):
            text = text[: -len(unit)]
            break
    # Thousands separators as the editor takes them: "7,1,0.12" is a slip, not 710.12.
    digits = ungrouped(text)
    if digits is None:
        raise NotANumber(str(value))
    try:
        number = Decimal(digits)
    except InvalidOperation:
        raise NotANumber(str(value)) from None
    if not number.is_finite():
        raise NotANumber(str(value))
    return number


def parse_percent(value, number_format: str = "") -> Decimal | None:
    """A rate in percent: "87%", 0.87 (a fraction, as Excel stores 87%) or 87."""
    if isinstance(value, str) and "%" in unicodedata.normalize("NFKC", value):
        return parse_number(unicodedata.normalize("NFKC", value).replace("%", ""), units=())
    number = parse_number(value, units=())
    if number is None:
        return None
    # Excel keeps 87% as 0.87; a bare rate above 3 (300%) is taken as already in percent.
    if "%" in (number_format or "") or abs(number) <= 3:
        return number * HUNDRED
    return number


def cell_text(value, number_format: str = "") -> str:
    """A 年度指标值 or 全年完成值 as written: 0.87 formatted as a percentage reads "87%"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
        if "%" in (number_format or ""):
            return f"{num(number * HUNDRED)}%"
        return num(number)
    if isinstance(value, datetime):
        return value.date().isoformat() if not value.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


# --- Text that stays text -----------------------------------------------------------------

# A spreadsheet runs a cell starting with one of these as a formula (formula injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# What spreadsheets themselves put before text to say "this is text, not a formula".
TEXT_MARK = "'"


def formula_like(text) -> bool:
    """Whether a spreadsheet would take this text for a formula."""
    return isinstance(text, str) and text.startswith(FORMULA_STARTS)


def formula_escaped(text):
    """Text for a plain-text file (CSV): marked as text when it would run as a formula."""
    return TEXT_MARK + text if formula_like(text) else text


def formula_unescaped(text):
    """Text read back from a plain-text file: without the mark ``formula_escaped`` added."""
    if isinstance(text, str) and text.startswith(TEXT_MARK) and formula_like(text[1:]):
        return text[1:]
    return text


def text_set(cell, text: str):
    """Put ``text`` in an openpyxl cell as text: lines end in LF, the control characters
    openpyxl refuses are dropped, and it stays text (``keep_as_text``)."""
    cell.value = ILLEGAL_CHARACTERS_RE.sub("", text.replace("\r\n", "\n"))
    return keep_as_text(cell)


def keep_as_text(cell):
    """An openpyxl cell holding text that stays text: never a formula nor an error value, and
    marked as text (Excel's quote prefix) where it would run as a formula once edited."""
    if isinstance(cell.value, str):
        cell.data_type = "s"
        if formula_like(cell.value):
            cell.quotePrefix = True
    return cell
