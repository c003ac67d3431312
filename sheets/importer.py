"""Importing a filled 自评表 workbook into a report: all problems at once, nothing saved on any.

``selfeval_import`` reads the workbook (``read.py``), matches its rows to the report's
framework by normalised name (``matching.py``) — or builds a new framework version from the
sheet (``framework.py``) — checks weights, scores and figures (``money.py``), and only when
nothing is wrong writes results, group scores, the 年度总体目标 and the money lines in one
transaction (``writes.py``). What it changed (or, in a dry run, would change) comes back as a
list of values, old → new (``preview.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from perfeval import access
from perfeval.fields import text_too_long
from perfeval.limits import NARRATIVE_MAX_CHARS, ROW_TEXT_MAX_CHARS, UPLOAD_MAX_BYTES
from reports.models import Report
from reports.selectors import report_data
from reports.totals import totals_deferred
from scoring.models import Framework

from .cells import WARNING, Problem, normalise
from .framework import framework_for_sheet, sheet_tree
from .matching import GroupPlan, match_rows, total_warning
from .measure import size_refusal
from .money import lines_plan
from .preview import ImportChanges, content_changes, content_snapshot
from .read import UnreadableWorkbook, selfeval_read
from .reading import SheetReading
from .writes import bind_framework, fill_override_reasons, write_goals, write_lines, write_results

MAX_BYTES = UPLOAD_MAX_BYTES


class SelfevalImportRefused(Exception):
    """The workbook was not imported; ``problems`` lists every error (and the warnings)."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        self.errors = [p for p in self.problems if p.is_error]
        self.warnings = [p for p in self.problems if not p.is_error]
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return f"自评表未导入，没有保存任何内容：发现 {len(self.errors)} 个问题，请改正后重新导入。"


class SelfevalSheetChoice(SelfevalImportRefused):
    """Several sheets of the workbook could be the 自评表: the user names one of ``sheets``."""

    def __init__(self, problems: list[Problem], sheets: tuple[str, ...]):
        self.sheets = tuple(sheets)
        super().__init__(problems)

    @property
    def message(self) -> str:
        return (
            "自评表未导入，没有保存任何内容：工作簿中有多张工作表可能是自评表，请选择要导入的一张。"
        )


class SelfevalImportOutdated(Exception):
    """The report changed since the preview was shown: nothing was written; ``result`` is
    the import as it now would be (a new preview)."""

    def __init__(self, result: ImportResult):
        self.result = result
        super().__init__("报告在预览之后有了改动：请核对重新列出的修改后再确认导入。")


@dataclass
class ImportResult:
    """What an import wrote, and what the clerk should look at."""

    report: Report
    sheet: str = ""  # the worksheet read
    written: list[str] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    framework: Framework | None = None  # the framework built with ``new_framework``
    changes: ImportChanges = field(default_factory=ImportChanges)  # what it wrote, old → new

    @property
    def message(self) -> str:
        """The success message, naming the sheet read: 已导入工作表“自评表”：…"""
        done = f"已导入工作表“{self.sheet}”"
        return f"{done}：{'；'.join(self.written)}" if self.written else f"{done}。"

    @property
    def fingerprint(self) -> str:
        """Equal for two imports that write exactly the same (``expected`` of the import)."""
        return self.changes.fingerprint


def selfeval_import(
    *,
    report: Report,
    data: bytes | None = None,
    reading: SheetReading | None = None,
    sheet: str = "",
    new_framework: str = "",
    user=None,
    filename: str = "",
    dry_run: bool = False,
    expected: str | None = None,
) -> ImportResult:
    """Import a filled 自评表 into ``report``, or raise SelfevalImportRefused listing why not.

    The workbook is given as its bytes (``data``) or as already read by ``selfeval_reading``
    (``reading``), so that a page checking the sheet first reads the file once. ``sheet``
    names the worksheet to read from the bytes; without it the reader picks the one of the
    report's year, or SelfevalSheetChoice asks which.
    ``new_framework`` names a new framework built from the sheet's own indicators and
    weights; the report is bound to it. ``user`` is recorded in the change history;
    ``filename`` goes into the override reasons the import fills in. ``dry_run`` does
    everything and then rolls it back, so a page can show the warnings (another department's
    sheet, another year) and ask the clerk to confirm before importing for real.

    The result lists each value changed, old → new (``changes``): a dry run is the preview
    of an import. ``expected`` is the ``fingerprint`` of the preview the user confirmed: if
    the import would now change anything else (the report was edited since), nothing is
    written and SelfevalImportOutdated carries the new preview.
    """
    reading = _open_for(report, data, reading, sheet)
    with transaction.atomic():
        with totals_deferred():  # the writers' refreshes, once at the end
            locked = (
                Report.objects.select_for_update()
                .select_related("department", "framework")
                .get(pk=report.pk)
            )
            _refuse_unless_editable(locked)
            if user is not None and (refusal := access.write_refusal(user, access.CHANGE, locked)):
                raise SelfevalImportRefused([Problem(refusal)])
            before = content_snapshot(locked.pk)
            result = _import(locked, reading, new_framework.strip(), user, filename)
            result.changes = content_changes(before, content_snapshot(locked.pk))
            if expected is not None and result.fingerprint != expected:
                raise SelfevalImportOutdated(result)  # rolls the import back
        if dry_run:
            transaction.set_rollback(True)
    report.refresh_from_db()
    result.report = report
    return result


def selfeval_reading(data: bytes, *, year: int | None = None, sheet: str = "") -> SheetReading:
    """The workbook read (``read.selfeval_read``), or SelfevalImportRefused saying why not.

    The file is measured before it is parsed: too large, not an .xlsx, or a sheet, merge or
    part over the limits of perfeval/limits.py is refused with what to do. ``year`` is the
    report's, to choose among several sheets; ``sheet`` names the one to read. A workbook
    whose sheet cannot be chosen raises SelfevalSheetChoice with the candidates, one without
    such a sheet SelfevalImportRefused.
    """
    _refuse_if_too_large(data)
    try:
        reading = selfeval_read(data, year=year, sheet=sheet)
    except UnreadableWorkbook as unreadable:
        raise SelfevalImportRefused([Problem(unreadable.message)]) from None
    _refuse_unless_read(reading)
    return reading


def selfeval_identity_check(
    *,
    report: Report,
    data: bytes | None = None,
    reading: SheetReading | None = None,
    sheet: str = "",
) -> list[Problem]:
    """Where the sheet's printed 部门名称 or year differ from the report's, before importing.

    An upload page asks the clerk to confirm these. A file that cannot be imported at all
    (too large, not a workbook, a report not open for editing, no sheet to choose) is
    refused as by the import. Give the bytes (``data``, with the ``sheet`` to read if one
    was named) or the reading the import will then be given.
    """
    return _identity_warnings(report, _open_for(report, data, reading, sheet))


def _open_for(
    report: Report, data: bytes | None, reading: SheetReading | None, sheet: str = ""
) -> SheetReading:
    """The reading to import into ``report``, once the report is known to be open for it."""
    _refuse_unless_editable(report)
    if reading is None:
        if data is None:
            raise TypeError("give the workbook's bytes (data) or its reading")
        return selfeval_reading(data, year=report.year, sheet=sheet)
    _refuse_unless_read(reading)
    return reading


def _refuse_unless_read(reading: SheetReading) -> None:
    """No sheet was read: several could be the 自评表, the one named is not there, or none."""
    if reading.choices:
        raise SelfevalSheetChoice(reading.problems, reading.choices)
    if not reading.sheet:
        raise SelfevalImportRefused(reading.problems)


def _refuse_if_too_large(data: bytes) -> None:
    if message := size_refusal(len(data)):
        raise SelfevalImportRefused([Problem(message)])


def _refuse_unless_editable(report: Report) -> None:
    status = Report.objects.filter(pk=report.pk).values_list("status", flat=True).first()
    if status is None:
        raise SelfevalImportRefused([Problem("报告不存在或已被删除：请重新打开报告后再导入。")])
    if status in Report.EDITABLE_STATUSES:
        return
    label = Report.Status(status).label
    what_to_do = {
        Report.Status.SUBMITTED: "请等待审核，或请审核人退回后再导入",
        Report.Status.APPROVED: "已批准的报告内容已锁定，如确需修改请联系超级管理员重新打开",
    }.get(Report.Status(status), "")
    raise SelfevalImportRefused(
        [
            Problem(
                f"报告“{report}”当前状态为“{label}”，不能导入自评表："
                f"只有“草稿”或“已退回”的报告可以导入，{what_to_do}。"
            )
        ]
    )


def _import(
    report: Report, reading: SheetReading, new_framework: str, user, filename: str
) -> ImportResult:
    problems: list[Problem] = list(reading.problems)
    result = ImportResult(report=report, sheet=reading.sheet)
    problems += _identity_warnings(report, reading)

    framework = report.framework
    can_match = reading.header_row is not None and bool(reading.rows)
    if reading.header_row is not None and not reading.rows:
        problems.append(
            Problem(
                "表头行下面没有读到任何三级指标行：请在表头行下逐行填写指标和得分。",
                sheet=reading.sheet,
                row=reading.header_row,
            )
        )
    if new_framework and can_match:
        tree, tree_problems = sheet_tree(reading)
        problems += tree_problems
        if any(p.is_error for p in problems):
            can_match = False
        else:
            framework, created = framework_for_sheet(new_framework, report, tree)
            result.framework = framework
            result.written.append(
                f"{'新建' if created else '沿用'}指标体系“{framework}”，报告改用该指标体系"
                if framework.pk != report.framework_id
                else f"指标体系“{framework}”（报告已在使用）"
            )
            bind_framework(report, framework, user)

    plans: list[GroupPlan] = []
    if can_match:
        plans = match_rows(reading, framework, problems)
        problems += total_warning(reading)
    lines = lines_plan(report, reading, problems)
    problems += _text_problems(reading)

    problems.sort(key=lambda p: (p.sheet != reading.sheet, p.sheet, p.row or 0, p.column))
    if any(p.is_error for p in problems):
        raise SelfevalImportRefused(problems)

    write_results(report, plans, user, result.written)
    write_goals(report, reading, user, result.written)
    if lines is not None:
        write_lines(report, lines, user, result.written)
    result.warnings = [p for p in problems if not p.is_error]
    fill_override_reasons(report, plans, user, filename)
    after = report_data(report=report)
    if after.errors:
        result.warnings.append(
            Problem(
                f"导入后报告还有 {len(after.errors)} 个问题需要在提交前改正"
                f"（如：{after.errors[0].message}）：请在报告编辑页面查看。",
                severity=WARNING,
            )
        )
    return result


# --- Identity: the sheet's department and year -------------------------------------------


def _text_problems(reading: SheetReading) -> list[Problem]:
    """Free text longer than the report may hold: refused, not cut, since it is the clerk's."""
    problems = []
    for name, label in (("annual_goal", "年初设定目标"), ("annual_goal_result", "全年完成情况")):
        if message := text_too_long(getattr(reading, name), NARRATIVE_MAX_CHARS):
            at_row, column = reading.goal_cells.get(name, (None, ""))
            problems.append(
                Problem(
                    f"年度总体目标“{label}”{message}",
                    sheet=reading.sheet,
                    row=at_row,
                    column=column,
                )
            )
    reported: set[str] = set()  # a merged 偏差及原因分析 is read on every row it covers
    for row in reading.rows:
        message = text_too_long(row.deviation, ROW_TEXT_MAX_CHARS)
        if message and row.deviation not in reported:
            reported.add(row.deviation)
            problems.append(
                Problem(
                    f"三级指标“{row.level3}”的偏差及原因分析{message}",
                    sheet=reading.sheet,
                    row=row.row,
                    column=row.columns.get("deviation", ""),
                )
            )
    return problems


def _identity_warnings(report: Report, reading: SheetReading) -> list[Problem]:
    warnings = []
    department = report.department
    names = {normalise(n) for n in (department.name, department.short_name) if n}
    names.add(normalise(department.reporting_unit))
    if reading.department and normalise(reading.department) not in names:
        warnings.append(
            Problem(
                f"表中部门名称为“{reading.department}”，与导入的报告所属部门“{department.name}”"
                "不同：已按报告的部门导入，请确认这是本部门的自评表。",
                sheet=reading.sheet,
                row=reading.department_row,
                column=reading.department_column,
                severity=WARNING,
            )
        )
    if reading.year is not None and reading.year != report.year:
        warnings.append(
            Problem(
                f"表头标题为 {reading.year} 年，与导入的报告年度 {report.year} 年不同："
                f"已按 {report.year} 年导入，请确认年度。",
                sheet=reading.sheet,
                row=reading.year_row,
                severity=WARNING,
            )
        )
    return warnings


__all__ = [
    "MAX_BYTES",
    "ImportResult",
    "SelfevalImportOutdated",
    "SelfevalImportRefused",
    "SelfevalSheetChoice",
    "selfeval_identity_check",
    "selfeval_import",
    "selfeval_reading",
]
