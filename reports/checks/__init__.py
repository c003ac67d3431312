"""Checks on a report: errors block submission, warnings are shown. Pure: plain values in.

Every check has a stable code and a Chinese message that says what to fix, and names the
field it concerns so that the editor can put it beside that field.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from budgets.calc import Amounts, BudgetFigures
from scoring.core import Scorecard

from .base import ERROR, WARNING, Check, StatedTotals
from .money import (
    EXECUTION_BAND,
    LINE_TABLES,
    REMOVABLE_LINES,
    amount_missing_checks,
    money_checks,
    reconciliation_checks,
)
from .scores import (
    actual_checks,
    falls_short,
    full_marks_checks,
    group_checks,
    score_checks,
)
from .text import (
    NARRATIVE_HEADINGS,
    REQUIRED_NARRATIVE,
    carried_text_checks,
    followup_checks,
    narrative_checks,
    narrative_figure_checks,
)

__all__ = [
    "ERROR",
    "EXECUTION_BAND",
    "LINE_TABLES",
    "NARRATIVE_HEADINGS",
    "REMOVABLE_LINES",
    "REQUIRED_NARRATIVE",
    "WARNING",
    "Check",
    "StatedTotals",
    "actual_checks",
    "amount_missing_checks",
    "carried_text_checks",
    "falls_short",
    "full_marks_checks",
    "group_checks",
    "money_checks",
    "narrative_checks",
    "narrative_figure_checks",
    "reconciliation_checks",
    "report_checks",
    "score_checks",
]


def report_checks(
    *,
    figures: BudgetFigures,
    scorecard: Scorecard,
    texts: Mapping[str, str],
    projects: Amounts | None = None,
    stated: StatedTotals | None = None,
    year: int | None = None,
    carried: Sequence[str] = (),
    carried_from: int | None = None,
    followups: Sequence = (),
) -> list[Check]:
    """Every check of a report, errors first, each group in the report's order.

    ``carried`` names the text fields copied from the ``carried_from`` year's report and
    not edited since.
    """
    checks = (
        amount_missing_checks(figures.lines)
        + money_checks(figures, stated=stated)
        + reconciliation_checks(figures, projects=projects, stated=stated)
        + score_checks(scorecard)
        + actual_checks(scorecard)
        + full_marks_checks(scorecard)
        + narrative_checks(texts, figures)
        + narrative_figure_checks(texts, figures, year=year)
        + carried_text_checks(texts, carried=carried, carried_from=carried_from, year=year)
        + followup_checks(followups)
    )
    return [c for c in checks if c.severity == ERROR] + [c for c in checks if c.severity == WARNING]
