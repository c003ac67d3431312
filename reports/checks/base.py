"""What a check is: a code, a severity, a Chinese message that says what to fix, and the
field it concerns, so that the editor can put it beside that field."""

from __future__ import annotations

from dataclasses import dataclass

from budgets.calc import Amounts, ThreePublicAmounts

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class Check:
    code: str
    severity: str
    message: str
    field: str = ""

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "field": self.field}


@dataclass(frozen=True)
class StatedTotals:
    """Figures a sheet states for itself (the 自评表 header block, the 合计 row of its
    “三公”经费 table), to hold against the lines."""

    basic: Amounts | None = None
    project: Amounts | None = None
    total: Amounts | None = None
    three_public: ThreePublicAmounts | None = None
