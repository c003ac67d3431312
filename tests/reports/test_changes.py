"""What changed since a report's earlier submission, and its figures beside last year's."""

from decimal import Decimal as D

import pytest

from budgets.models import IncomeLine, Project
from budgets.writers import line_save, lines_sync
from reports.changes import (
    baseline_submission,
    report_changes,
    text_segments,
    year_comparison,
)
from reports.models import Report
from reports.selectors import report_data
from reports.services import report_start_next_year
from reports.workflow import transition_apply
from scoring.models import IndicatorResult
from scoring.rules import num
from scoring.writers import results_write


def submit(report, users, comment=""):
    transition_apply(report=report, user=users["clerk"], action="submit", comment=comment)


def send_back(report, users, comment="请修改"):
    transition_apply(report=report, user=users["reviewer"], action="return", comment=comment)


def income_rows(report):
    return [
        {f: getattr(line, f) for f in ("source", "description", "budget", "actual", "order")}
        for line in IncomeLine.objects.filter(report=report).order_by("order", "pk")
    ]


@pytest.fixture
def returned(users, demo_report):
    """The demo report submitted once and returned to its clerk."""
    submit(demo_report, users)
    send_back(demo_report, users, "请核对收入")
    demo_report.refresh_from_db()
    return demo_report


def test_first_submission_has_nothing_to_compare(users, demo_report):
    submit(demo_report, users)
    demo_report.refresh_from_db()
    changes = report_changes(report=demo_report)
    assert changes.first_submission
    assert changes.unchanged
    assert baseline_submission(report=demo_report) is None


def test_a_resubmitted_report_is_compared_with_the_submission_before(users, returned):
    first = returned.transitions.get(action="submit")
    assert baseline_submission(report=returned) == first  # being reworked: the last one
    submit(returned, users)
    returned.refresh_from_db()
    assert baseline_submission(report=returned) == first  # under review: the one before
    changes = report_changes(report=returned)
    assert changes.since == first
    assert changes.ended_by.action == "return"
    assert changes.ended_by.comment == "请核对收入"


def test_changed_figures_scores_and_text_are_listed_old_to_new(users, returned):
    line = IncomeLine.objects.get(report=returned, source="general_budget")
    line.actual = D("2330.58")
    line_save(line, user=users["clerk"], reason="改正")
    result = IndicatorResult.objects.get(report=returned, indicator__name="准确性")
    results_write(
        report=returned,
        rows={
            result.indicator_id: {
                "score": result.score - 1,
                "deviation": "预算编制偏差较大",
                "override_reason": "经复核扣分",
            }
        },
        user=users["clerk"],
    )
    with Report.editing([returned.pk]):
        returned.problems = returned.problems + "\n新增的问题说明。"
        returned.save()
    submit(returned, users)
    returned.refresh_from_db()

    changes = report_changes(report=returned)

    totals = {c.label: (c.old, c.new) for c in changes.totals}
    assert totals == {"收入合计": ("2,575.66", "2,585.66"), "总分": ("99", "98")}
    [income] = changes.tables()[0][1]
    assert changes.tables()[0][0] == "收入"
    assert (income.name, income.status) == ("一般公共预算财政拨款", "修改")
    assert [(c.label, c.old, c.new) for c in income.changes] == [
        ("全年执行数（万元）", "2,320.58", "2,330.58")
    ]
    [row] = [line for line in changes.lines if line.table == "三级指标"]
    assert row.name == "预算编审管理 · 准确性"
    assert [c.label for c in row.changes] == ["自评得分", "偏差及原因分析", "不采用建议得分的理由"]
    assert (row.changes[0].old, row.changes[0].new) == (num(result.score), num(result.score - 1))
    [text] = changes.texts
    assert text.label == "六、存在的主要问题"
    assert ("ins", "\n新增的问题说明。") in [(s.kind, s.text) for s in text.segments]
    assert changes.count == 5


def test_lines_deleted_and_written_again_show_no_change(users, returned):
    rows = income_rows(returned)
    lines_sync(report=returned, model=IncomeLine, rows=[], reason="导入")
    lines_sync(report=returned, model=IncomeLine, rows=rows, reason="导入")
    assert IncomeLine.history.filter(report_id=returned.pk, history_type="-").count() == 2
    submit(returned, users)
    returned.refresh_from_db()
    changes = report_changes(report=returned)
    assert not changes.first_submission
    assert changes.unchanged
    assert changes.count == 0


def test_projects_are_matched_by_name(users, returned):
    lines_sync(
        report=returned,
        model=Project,
        rows=[{"name": "人大代表履职平台建设", "budget": D("710.12"), "actual": D("614.49")}],
        user=users["clerk"],
    )
    submit(returned, users)
    send_back(returned, users)
    lines_sync(
        report=returned,
        model=Project,
        rows=[{"name": "代表履职平台建设", "budget": D("710.12"), "actual": D("614.49")}],
        user=users["clerk"],
    )
    submit(returned, users)
    returned.refresh_from_db()

    changes = report_changes(report=returned)

    assert [(c.table, c.name, c.status) for c in changes.lines] == [
        ("项目", "代表履职平台建设", "新增"),
        ("项目", "人大代表履职平台建设", "删除"),
    ]
    added = changes.lines[0]
    assert [(c.label, c.new) for c in added.changes] == [
        ("资金来源", "财政拨款"),
        ("全年预算数（万元）", "710.12"),
        ("全年执行数（万元）", "614.49"),
    ]
    assert changes.totals == ()  # projects are not summed into the report's totals


def test_two_lines_of_one_source_are_told_apart_by_place(users, returned):
    rows = income_rows(returned)
    extra = {"source": "other", "description": "利息", "actual": D("1.00"), "order": 9}
    lines_sync(report=returned, model=IncomeLine, rows=[*rows, extra], user=users["clerk"])
    submit(returned, users)
    returned.refresh_from_db()
    [line] = report_changes(report=returned).lines
    assert (line.name, line.status) == ("其他收入（第 2 行）", "新增")
    assert [(c.label, c.new) for c in line.changes] == [
        ("说明", "利息"),
        ("全年执行数（万元）", "1.00"),
    ]


def test_text_diff_marks_what_was_taken_out_and_put_in():
    segments = text_segments("本部门共有工作人员 20 名。", "本部门共有工作人员 23 名。")
    assert [(s.kind, s.text) for s in segments] == [
        ("same", "本部门共有工作人员 2"),
        ("del", "0"),
        ("ins", "3"),
        ("same", " 名。"),
    ]


def test_text_diff_shortens_long_unchanged_stretches():
    before = "甲" * 100 + "。" + "乙" * 100 + "。"
    after = "甲" * 100 + "。" + "乙" * 100 + "。新句。"
    segments = text_segments(before, after)
    assert [s.kind for s in segments] == ["same", "ins"]
    assert segments[0].text == "…" + ("甲" * 100 + "。" + "乙" * 100 + "。")[-40:]
    assert segments[1].text == "新句。"
    assert [(s.kind, s.text) for s in text_segments("一样。", "一样。\r\n")] == [("same", "一样。")]


def test_text_diff_shows_long_rewritten_passages_whole():
    before, after = "旧" * 2000 + "。", "新" * 2000 + "。"
    segments = text_segments(before, after)
    assert [(s.kind, len(s.text)) for s in segments] == [("del", 2001), ("ins", 2001)]


def test_main_figures_beside_last_years(demo_report):
    previous = demo_report
    current = report_start_next_year(previous=previous)
    lines_sync(
        report=current,
        model=IncomeLine,
        rows=[{"source": "general_budget", "actual": D("2400.00"), "order": 1}],
    )
    data = report_data(report=current)

    rows = {
        row.label: row
        for row in year_comparison(
            figures=data.figures, scorecard=data.scorecard, previous=previous
        )
    }

    assert (rows["收入合计"].this_year, rows["收入合计"].last_year) == ("2,400.00", "2,575.66")
    assert rows["收入合计"].change == "-175.66"
    assert rows["其中：人员经费"].last_year == "1,846.37"
    assert rows["其中：人员经费"].this_year == "—"  # the new year's amounts are still empty
    assert rows["其中：人员经费"].change == ""
    assert (rows["总分"].this_year, rows["总分"].last_year) == ("—", "99")
    assert (rows["等级"].this_year, rows["等级"].last_year) == ("未评分", "优")


def test_main_figures_without_last_year_have_one_column(demo_report):
    data = report_data(report=demo_report)
    rows = year_comparison(figures=data.figures, scorecard=data.scorecard, previous=None)
    assert [(r.label, r.this_year, r.last_year, r.change) for r in rows][:2] == [
        ("收入合计", "2,575.66", "", ""),
        ("支出合计", "2,575.66", "", ""),
    ]
    assert [(r.label, r.this_year) for r in rows][-2:] == [("总分", "99"), ("等级", "优")]
