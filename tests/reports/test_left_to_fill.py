"""A report with nothing filled in lists what is left to fill per page, not a wall of errors
(reports.editor.checks_shown); the errors still block submission."""

import pytest
from django.urls import reverse

from budgets.models import ThreePublicLine
from budgets.writers import lines_sync
from reports.editor import checks_shown
from reports.selectors import report_data
from reports.services import report_create
from reports.workflow import TransitionRefused, transition_apply
from scoring.models import IndicatorResult
from scoring.writers import results_write


@pytest.fixture
def blank(demo):
    """A new report of the demo's department (the clerk's own), nothing filled in."""
    return report_create(department=demo.report.department, year=2023)


def shown_errors(report) -> list:
    return [c for c in checks_shown(report_data(report=report)) if c.severity == "error"]


def test_an_untouched_page_is_one_line_saying_what_is_left(blank):
    data = report_data(report=blank)
    rows = IndicatorResult.objects.filter(report=blank).count()
    shown = shown_errors(blank)
    assert len(data.errors) > 25
    assert [c.message for c in shown] == [
        "部门概况：尚未填写（文字已填 0/3 段）：请逐项填写。",
        "“一（四）支出使用方向、主要内容和涉及范围”尚未填写：请补充这一部分的内容。",
        "“三公”经费：尚未填写（已填 0/3 行）：请逐项填写，没有发生的金额填 0。",
        "项目：尚未填写（文字已填 0/4 段）：请逐项填写。",
        "“四、资产管理情况”尚未填写：请补充这一部分的内容。",
        "绩效情况：尚未填写（文字已填 0/3 段）：请逐项填写。",
        "问题与改进：尚未填写（文字已填 0/2 段）：请逐项填写。",
        f"自评表：尚未填写（自评得分已填 0/{rows} 项）：请逐项填写。",
    ]
    assert [c.field for c in shown][2:4] == ["section-three_public", "section-projects"]


def test_a_page_partly_filled_lists_each_thing_left(blank):
    first, *rest = IndicatorResult.objects.filter(report=blank).select_related("indicator")
    results_write(report=blank, rows={first.indicator_id: {"score": first.indicator.weight}})
    unscored = [c for c in shown_errors(blank) if c.code == "indicator_unscored"]
    assert len(unscored) == len(rest)
    assert not [c for c in shown_errors(blank) if c.field == "section-scores"]


def test_the_editor_shows_the_summary_linked_to_its_page(client_for, blank):
    html = client_for("clerk").get(f"/reports/{blank.pk}/edit/overview/").content.decode()
    assert f"{len(shown_errors(blank))} 个错误（改正后才能提交审核）" in html
    assert (
        f'href="/reports/{blank.pk}/edit/three_public/">“三公”经费：尚未填写（已填 0/3 行）' in html
    )
    # Each field of the page still says what it lacks, beside it.
    assert "“一（一）部门职能概述”尚未填写：请补充这一部分的内容。" in html


def test_the_report_page_shows_the_summary_too(client_for, blank):
    html = client_for("clerk").get(f"/reports/{blank.pk}/").content.decode()
    assert f"有 {len(shown_errors(blank))} 个错误，改正后才能提交或批准" in html
    assert f'href="/reports/{blank.pk}/edit/scores/">自评表：尚未填写（自评得分已填 0/' in html


def test_the_errors_still_block_submission(client_for, users, blank):
    with pytest.raises(TransitionRefused, match="个错误，不能提交审核"):
        transition_apply(report=blank, user=users["clerk"], action="submit")
    response = client_for("clerk").post(
        reverse("report_transition", args=[blank.pk]), {"action": "submit"}, follow=True
    )
    html = response.content.decode()
    assert "不能提交审核" in html
    assert "“三公”经费：尚未填写（已填 0/3 行）" in html  # the editor's list, not 30 messages


def test_a_line_filled_with_real_zeros_is_no_missing_figure(blank):
    lines_sync(
        report=blank,
        model=ThreePublicLine,
        rows=[
            {"kind": kind, "budget": 0, "actual": 0, "previous_actual": 0}
            for kind in ThreePublicLine.Kind
        ],
    )
    data = report_data(report=blank)
    assert not [c for c in data.errors if c.code == "amount_missing"]
    suggestions = [row.suggestion for _, _, row in data.scorecard.rows() if row.suggestion]
    assert any("预算和支出均为 0，得满分" in s.working for s in suggestions)


def test_an_untouched_table_has_one_note_and_an_unscored_grid_none_per_row(client_for, blank):
    clerk = client_for("clerk")
    html = clerk.get(f"/reports/{blank.pk}/edit/three_public/").content.decode()
    assert html.count("“三公”经费的金额尚未填写（已填 0/3 行）：请逐行填写，没有发生的填 0。") == 1
    assert "“三公”经费第 1 行" not in html
    grid = clerk.get(f"/reports/{blank.pk}/edit/scores/").content.decode()
    assert "尚未评分" not in grid
    assert "自评表：尚未填写（自评得分已填 0/" in grid
