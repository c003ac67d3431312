"""The editor's pages in order, where on them each check is fixed, and what is left to fill
on each page."""

from __future__ import annotations

from dataclasses import dataclass

from ..checks import ERROR, Check
from ..models import NARRATIVE_FIELDS
from .pages import EditorPage, MoneySection, ProjectsSection, ThreePublicSection
from .project_tables import CHECK_PREFIX, ProjectTablesSection
from .scores import ScoresSection

SECTIONS: tuple[EditorPage, ...] = (
    EditorPage("overview", "部门概况", ("report_date", "functions", "organisation", "work_plan")),
    MoneySection(),
    ThreePublicSection(),
    ProjectsSection(),
    ProjectTablesSection(),
    EditorPage("assets", "资产管理", ("asset_management",)),
    EditorPage("performance", "绩效情况", ("annual_goal", "annual_goal_result", "performance")),
    EditorPage("problems", "问题与改进", ("problems", "improvements")),
    ScoresSection(),
)
SECTIONS_BY_KEY = {section.key: section for section in SECTIONS}

# Where a check's field lives in the editor: (section key, anchor id on that page).
FIXED_ANCHORS = {
    "income": ("money", "income"),
    "expenditure": ("money", "expenditure"),
    "three_public": ("three_public", "three_public"),
    "projects": ("projects", "projects"),
}


def check_anchor(field: str) -> tuple[str, str]:
    if field in FIXED_ANCHORS:
        return FIXED_ANCHORS[field]
    if field.startswith(SECTION_FIELD) and field.removeprefix(SECTION_FIELD) in SECTIONS_BY_KEY:
        return field.removeprefix(SECTION_FIELD), ""
    if field.startswith(("row-", "group-")):
        return "scores", field
    if field.startswith(CHECK_PREFIX):
        return ProjectTablesSection.key, field
    if field.startswith("narrative-"):
        name = field.removeprefix("narrative-")
        for section in SECTIONS:
            if name in section.narrative:
                return section.key, f"div_id_{name}"
    return "overview", ""


# --- What is left to fill, section by section --------------------------------------------

# The field of a check that speaks of a whole section: section-<key>.
SECTION_FIELD = "section-"
# Errors that say something is not filled in yet, and what they count.
UNFILLED = {"amount_missing": "lines", "narrative_missing": "text", "indicator_unscored": "scores"}


@dataclass(frozen=True)
class Part:
    """One kind of thing to fill on an editor page: its lines of a table, its text, its scores."""

    key: str  # a table's prefix, "text" or "scores"
    what: str
    unit: str
    filled: int
    total: int

    def __str__(self) -> str:
        return f"{self.what}已填 {self.filled}/{self.total} {self.unit}"


def section_parts(section: EditorPage, data) -> dict[str, Part]:
    """How much of each thing to fill on ``section``'s page is filled (``data``: ReportData).

    A line counts once all its amounts are filled, a text once it is not blank, a 自评表 row
    once it or its group has a score.
    """
    parts = {}
    for prefix, _, title in section.formsets:
        lines = [line for line in data.figures.lines if line.table == prefix]
        done = sum(1 for line in lines if not line.empty)
        parts[prefix] = Part(prefix, title, "行", done, len(lines))
    texts = [field for field in section.narrative if field in NARRATIVE_FIELDS]
    if texts:
        done = sum(1 for field in texts if (getattr(data.report, field) or "").strip())
        parts["text"] = Part("text", "文字", "段", done, len(texts))
    if isinstance(section, ScoresSection):
        rows = [(group, row) for _, group, row in data.scorecard.rows()]
        done = sum(1 for group, row in rows if group.scored_as_whole or row.score is not None)
        parts["scores"] = Part("scores", "自评得分", "项", done, len(rows))
    return parts


def _untouched(data) -> dict[str, tuple[EditorPage, list[Part]]]:
    """The pages with at least two things left to fill and nothing of those kinds filled in
    yet: each with the parts concerned."""
    unfilled: dict[str, list[Check]] = {}
    for check in data.errors:
        if check.code in UNFILLED:
            unfilled.setdefault(check_anchor(check.field)[0], []).append(check)
    untouched = {}
    for key, found in unfilled.items():
        section = SECTIONS_BY_KEY[key]
        parts = section_parts(section, data)
        concerned = [parts[_part_key(check)] for check in found if _part_key(check) in parts]
        concerned = list({part.key: part for part in concerned}.values())
        if len(found) >= 2 and concerned and not any(part.filled for part in concerned):
            untouched[key] = (section, concerned)
    return untouched


def checks_shown(data) -> list[Check]:
    """The report's checks as a page lists them (``data``: ReportData), errors first.

    The errors that something is not filled in come after the others, page by page in the
    editor's order. On a page that nothing of that kind has been filled in on yet, they (one
    per line, text or row: a new report has dozens) are one line saying how much is left
    there, linked to that page; a page partly filled keeps them one by one, to find the rest.
    Errors still block only submission; warnings are listed as they are.
    """
    summaries: dict[str, Check] = {}
    for key, (section, concerned) in _untouched(data).items():
        zero = "，没有发生的金额填 0" if any(part.unit == "行" for part in concerned) else ""
        # “三公”经费：尚未填写（已填 0/3 行）, not （“三公”经费已填 0/3 行）.
        left = "、".join(
            str(part).removeprefix(section.title) if part.what == section.title else str(part)
            for part in concerned
        )
        summaries[key] = Check(
            "section_unfilled",
            ERROR,
            f"{section.title}：尚未填写（{left}）：请逐项填写{zero}。",
            f"{SECTION_FIELD}{key}",
        )
    to_fill: list[Check] = []
    for check in data.errors:
        key = check_anchor(check.field)[0]
        if check.code in UNFILLED and key in summaries:
            if summaries[key] not in to_fill:
                to_fill.append(summaries[key])
        elif check.code in UNFILLED:
            to_fill.append(check)
    order = [section.key for section in SECTIONS]
    to_fill.sort(key=lambda check: order.index(check_anchor(check.field)[0]))
    others = [check for check in data.errors if check.code not in UNFILLED]
    return others + to_fill + data.warnings


def checks_beside_fields(data) -> list[Check]:
    """The checks a page shows beside its fields (``data``: ReportData).

    Beside a table none of whose lines is filled in, one note for the table rather than one
    per line; beside the rows of a 自评表 with no score yet, none (the list at the top says
    how many are left). A text field left empty keeps its own note.
    """
    untouched = _untouched(data)
    shown, tables = [], set()
    for check in data.checks:
        key = check_anchor(check.field)[0]
        kind = UNFILLED.get(check.code)
        if kind == "lines" and key in untouched:
            if check.field not in tables:
                tables.add(check.field)
                part = section_parts(untouched[key][0], data)[check.field]
                shown.append(
                    Check(
                        check.code,
                        ERROR,
                        f"{part.what}的金额尚未填写（已填 0/{part.total} 行）："
                        "请逐行填写，没有发生的填 0。",
                        check.field,
                    )
                )
            continue
        if kind == "scores" and key in untouched:
            continue
        shown.append(check)
    return shown


@dataclass(frozen=True)
class SectionState:
    """What a section's tab says: ✓, what is left to fill, or how many errors there are."""

    mark: str  # "done", "unfilled" or "errors"
    text: str

    @property
    def label(self) -> str:
        """The state for a screen reader, after the tab's title."""
        return {"done": "已完成，没有错误"}.get(self.mark, self.text)


def section_states(data) -> dict[str, SectionState]:
    """Each section's state for its tab (``data``: ReportData): ✓ without errors; 未填 n when
    its only errors are things not filled in yet; n 个错误 otherwise. Warnings do not count:
    they do not stop a submission."""
    errors: dict[str, list[Check]] = {section.key: [] for section in SECTIONS}
    for check in data.errors:
        errors[check_anchor(check.field)[0]].append(check)
    states = {}
    for key, found in errors.items():
        if not found:
            states[key] = SectionState("done", "✓")
        elif all(check.code in UNFILLED for check in found):
            states[key] = SectionState("unfilled", f"未填 {len(found)}")
        else:
            states[key] = SectionState("errors", f"{len(found)} 个错误")
    return states


def _part_key(check: Check) -> str:
    kind = UNFILLED[check.code]
    return check.field if kind == "lines" else kind
