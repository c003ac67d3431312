"""Next year's report starts clean (issue 15, part 4): amounts empty rather than 0.00, no
suggestion or score made up from missing data, 未评分 in the lists, last year's text marked
until it is edited, and what is left to fill one line per page."""

import re
import subprocess

import pytest
from django.urls import reverse

from budgets.models import ExpenditureLine, IncomeLine, Project, ThreePublicLine
from budgets.writers import lines_sync
from reports.checks import carried_text_checks
from reports.editor import SECTIONS
from reports.models import Report
from reports.pdf import render_report_pdf
from reports.selectors import report_data, report_scores
from reports.services import report_start_next_year
from scoring.models import GroupResult, IndicatorResult
from scoring.writers import GROUP_FIELDS, ROW_FIELDS, results_write
from tests.reports.test_editor import edit_url, form_data

# An amount printed as 0.00 (not 100.00, not 2,320.58).
ZERO_AMOUNT = re.compile(r"(?<![\d,.])0\.00(?!\d)")
# Last year's 决算, a real figure (the demo spent 0 on 因公出国 in 2022), as 上年决算数.
LAST_YEARS_ACTUAL = re.compile(r'<input[^>]*name="three_public-\d-previous_actual"[^>]*>')
CARRIED_MARK = "沿用上年内容，请修改"


@pytest.fixture
def next_year(demo_report):
    """2023, started from the demo's 2022 report as the clerk's “start next year” does."""
    return report_start_next_year(previous=demo_report)


def pdf_text(report) -> str:
    command = ["pdftotext", "-raw", "-enc", "UTF-8", "-", "-"]
    data = render_report_pdf(report=report, watermark="草稿")
    return subprocess.run(command, input=data, capture_output=True, check=True).stdout.decode()


def fill_from(report, previous) -> None:
    """Give ``report`` the figures and scores of ``previous``, through the two writers, and
    leave its text as it was copied."""
    for model in (IncomeLine, ExpenditureLine, Project):
        fields = [
            f.name
            for f in model._meta.concrete_fields
            if f.editable and not f.primary_key and f.name != "report"
        ]
        lines_sync(
            report=report,
            model=model,
            rows=[
                {field: getattr(line, field) for field in fields}
                for line in model.objects.filter(report=previous)
            ],
        )
    stated = {line.kind: line for line in ThreePublicLine.objects.filter(report=report)}
    lines_sync(
        report=report,
        model=ThreePublicLine,
        rows=[
            {
                "kind": line.kind,
                "budget": line.budget,
                "actual": line.actual,
                "previous_actual": stated[line.kind].previous_actual,
                "count": line.count,
            }
            for line in ThreePublicLine.objects.filter(report=previous)
        ],
    )
    results_write(
        report=report,
        rows={
            r.indicator_id: {field: getattr(r, field) for field in ROW_FIELDS}
            for r in IndicatorResult.objects.filter(report=previous)
        },
        groups={
            g.indicator_id: {field: getattr(g, field) for field in GROUP_FIELDS}
            for g in GroupResult.objects.filter(report=previous)
        },
    )


def test_next_year_copies_structure_and_text_with_every_amount_empty(demo_report, next_year):
    assert next_year.year == 2023
    for model in (IncomeLine, ExpenditureLine, Project):
        lines = model.objects.filter(report=next_year)
        assert lines.count() == model.objects.filter(report=demo_report).count()
        assert set(lines.values_list("actual", flat=True)) <= {None}
    assert IncomeLine.objects.filter(report=next_year).count() == 2
    assert set(IncomeLine.objects.filter(report=next_year).values_list("budget", flat=True)) == {
        None
    }
    three = {line.kind: line for line in ThreePublicLine.objects.filter(report=next_year)}
    last = {line.kind: line for line in ThreePublicLine.objects.filter(report=demo_report)}
    assert {(line.budget, line.actual) for line in three.values()} == {(None, None)}
    # Last year's 决算 is this year's 上年决算.
    assert {kind: line.previous_actual for kind, line in three.items()} == {
        kind: line.actual for kind, line in last.items()
    }
    assert next_year.carried_from == 2022
    assert "performance" in next_year.carried_fields
    assert "annual_goal_result" in next_year.carried_fields
    assert next_year.performance == demo_report.performance


@pytest.mark.pdf
def test_no_page_of_next_year_reads_0_00(client_for, next_year):
    clerk = client_for("clerk")
    for section in SECTIONS:
        html = clerk.get(edit_url(next_year, section.key)).content.decode()
        assert not ZERO_AMOUNT.search(LAST_YEARS_ACTUAL.sub("", html)), section.key
    page = clerk.get(f"/reports/{next_year.pk}/").content.decode()
    assert not ZERO_AMOUNT.search(page)
    assert "2023 年度收入总额 — 万元" in page

    text = re.sub(r"\s+", "", pdf_text(next_year))
    assert not ZERO_AMOUNT.search(text)
    assert "收入总额—万元" in text
    # Nothing scored: no 0 分, no 差.
    assert "2023年度尚未评分" in text
    assert "评价等级：未评分" in text


def test_no_suggestion_or_computed_value_on_missing_data(client_for, next_year):
    data = report_data(report=next_year)
    rows = [row for _, _, row in data.scorecard.rows()]
    assert [row.name for row in rows if row.suggestion or row.computed_actual is not None] == []
    html = client_for("clerk").get(edit_url(next_year, "scores")).content.decode()
    assert "预算和支出均为 0" not in html
    assert "data-fill-value" not in html  # no 采用 button: nothing to adopt


def test_home_page_shows_the_new_report_unscored(client_for, next_year):
    html = client_for("clerk").get("/").content.decode()
    row = re.search(r"<tr>\s*<td[^>]*>2023</td>(.*?)</tr>", html, re.S).group(1)
    cells = [
        re.sub(r"<[^>]+>", "", cell).strip()
        for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    ]
    assert cells[2:4] == ["—", "未评分"]
    assert report_scores(reports=[next_year]) == {next_year.pk: (None, "未评分")}


def test_submitting_untouched_copied_text_warns_naming_the_paragraph_and_last_year(
    client_for, demo_report, next_year
):
    fill_from(next_year, demo_report)
    response = client_for("clerk").post(
        reverse("report_transition", args=[next_year.pk]), {"action": "submit"}, follow=True
    )
    html = response.content.decode()
    assert "已提交，等待审核" in html
    assert Report.objects.get(pk=next_year.pk).status == Report.Status.SUBMITTED
    assert (
        "“五、部门整体支出绩效情况”沿用了 2022 年报告的文字，尚未修改，"
        "仍写着“2022年，在市委的坚强领导下，在…”：请改写为 2023 年的情况。" in html
    )
    assert "“年度总体目标：全年完成情况”沿用了 2022 年报告的文字" in html
    assert "请改写为 2023 年的情况" in html


def test_editing_a_carried_paragraph_clears_its_mark(client_for, next_year):
    clerk = client_for("clerk")
    page = clerk.get(edit_url(next_year, "performance"))
    html = page.content.decode()
    assert 'id="carried-performance"' in html and CARRIED_MARK in html
    data = form_data(page)

    # Saved again unchanged (the browser sends CR LF line ends): still last year's text.
    unchanged = data | {"performance": data["performance"].replace("\n", "\r\n")}
    clerk.post(edit_url(next_year, "performance"), unchanged)
    assert "performance" in Report.objects.get(pk=next_year.pk).carried_fields

    data = form_data(clerk.get(edit_url(next_year, "performance")))
    data["performance"] = "2023年，机关围绕中心工作，圆满完成全年任务。"
    response = clerk.post(edit_url(next_year, "performance"), data, follow=True)
    html = response.content.decode()
    assert "已保存“绩效情况”" in html
    stored = Report.objects.get(pk=next_year.pk)
    assert "performance" not in stored.carried_fields
    assert "annual_goal_result" in stored.carried_fields  # not changed: still marked
    assert 'id="carried-performance"' not in html
    assert 'id="carried-annual_goal_result"' in html
    codes = {
        c.field
        for c in report_data(report=stored).warnings
        if c.code == "carried_text_names_last_year"
    }
    assert "narrative-performance" not in codes
    assert "narrative-annual_goal_result" in codes


def test_an_empty_amount_saves_and_is_left_to_fill(client_for, next_year):
    clerk = client_for("clerk")
    data = form_data(clerk.get(edit_url(next_year, "money")))
    assert data["income-0-actual"] == ""
    data["income-0-actual"] = "2,320.58"
    response = clerk.post(edit_url(next_year, "money"), data, follow=True)
    html = response.content.decode()
    assert "已保存“收入和支出”" in html
    lines = IncomeLine.objects.filter(report=next_year)
    assert [line.actual for line in lines][:2] == [lines[0].actual, None]
    assert str(lines[0].actual) == "2320.58"
    # Partly filled: each line still to fill is named, linked to its table.
    assert "收入第 2 行（" in html and "的全年执行数尚未填写：请填写金额，没有发生的填 0" in html


def test_every_list_shows_the_new_report_unscored(client_for, next_year):
    admin = client_for("admin")
    dashboard = admin.get("/dashboard/2023/").content.decode()
    table = dashboard[dashboard.index('id="dashboard-table"') :]
    row = re.search(r"<tbody>\s*<tr>(.*?)</tr>", table, re.S).group(1)
    assert re.search(r'<td class="num"></td>\s*<td>未评分</td>', row)
    assert '<span class="grade-badge">未评分</span> <strong id="grade-5">1</strong>' in dashboard
    assert 'id="mean-score">—<' in dashboard  # no 0 averaged in
    assert "未评分" in admin.get("/dashboard/2023/?grade=未评分").content.decode()

    history = admin.get(f"/departments/{next_year.department_id}/history/").content.decode()
    assert 'id="latest-score">—<' in history
    assert 'id="latest-grade">未评分<' in history

    changelist = admin.get("/admin/reports/report/").content.decode()
    row = re.search(r"<tr>(?:(?!</tr>).)*?2023(?:(?!</tr>).)*</tr>", changelist, re.S).group(0)
    assert '<td class="field-grade">未评分</td>' in row
    assert "差" not in row


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("2022 年，机关圆满完成任务。", "2022 年，机关圆满完成任务。"),
        ("一、" + "机关" * 10 + "在2022年度", "…关机关机关机关机关机关在2022年度"),
        (
            "全年召开会议12次。２０２２年度预算执行良好。",
            "全年召开会议12次。２０２２年度预算执行良好。",
        ),
        (
            "二〇二二年，机关坚持围绕中心、服务大局，取得了一定成绩。",
            "二〇二二年，机关坚持围绕中心、服务…",
        ),
    ],
)
def test_carried_text_naming_last_year_is_quoted_where_it_does(text, quoted):
    (warning,) = carried_text_checks(
        {"problems": text}, carried=["problems"], carried_from=2022, year=2023
    )
    assert warning.severity == "warning" and warning.field == "narrative-problems"
    assert warning.message == (
        f"“六、存在的主要问题”沿用了 2022 年报告的文字，尚未修改，仍写着“{quoted}”："
        "请改写为 2023 年的情况。"
    )


def test_carried_text_is_left_alone_once_edited_or_without_last_year():
    texts = {"problems": "2022 年的问题。", "improvements": "继续加强管理。"}
    assert carried_text_checks(texts, carried=["improvements"], carried_from=2022) == []
    assert carried_text_checks(texts, carried=["problems"], carried_from=2021) == []
    (twice,) = carried_text_checks(
        {"problems": "2022年如此，2022 年亦然。"}, carried=["problems"], carried_from=2022
    )
    assert "（共 2 处）" in twice.message
