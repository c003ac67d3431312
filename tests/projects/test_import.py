"""Importing a project's 项目支出绩效自评表 from .xlsx: the reader, the preview page and the
confirmation, with workbooks built here the way clerks lay them out."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from budgets.models import Project
from budgets.writers import lines_sync
from departments.models import Department
from projects import importer
from projects.models import ProjectAssessment, ProjectIndicator
from projects.selectors import assessment_table
from projects.services import project_framework_default
from projects.sheet import project_sheet_write
from projects.writers import assessment_sync
from reports.services import report_create
from reports.workflow import transition_apply

pytestmark = pytest.mark.django_db

D = Decimal
NAME = "人大代表履职服务保障"
ROWS = [
    # (一级, 二级, 三级, 年度指标值, 实际完成值, 分值, 得分, 偏差原因分析及改进措施)
    ("产出指标", "数量指标", "代表培训人次", "≥300人次", "326人次", "20", "20", ""),
    ("产出指标", "质量指标", "培训合格率", "≥95%", "98%", "15", "15", ""),
    ("产出指标", "时效指标", "按时完成率", "100%", "95%", "15", "13", "雨季两期培训延后。"),
    ("效益指标", "社会效益指标", "代表建议办结率", "100%", "100%", "20", "20", ""),
    ("效益指标", "可持续影响指标", "履职服务长效机制", "建立", "已建立", "10", "10", ""),
    ("满意度指标", "服务对象满意度指标", "代表满意度", "≥90%", "93%", "10", "9", "通知偏晚。"),
]
EXECUTION_SCORE = D("8.65")  # 10 × 86.53 %
TOTAL = EXECUTION_SCORE + D("87")
TEXTS = {
    "goal": "全年培训代表 300 人次以上，保障代表依法履职。",
    "goal_result": "全年培训代表 326 人次，代表建议全部办结。",
    "execution_reason": "两期集中培训因雨季延至次年，相关经费未支付。",
    "conclusion": "项目总体完成年度目标，自评等级为优。",
    "problems": "部分培训延期，预算执行率偏低。",
    "measures": "提前安排培训计划，加快资金支付进度。",
}


@dataclass(frozen=True)
class Sheet:
    """How a built sheet is laid out: the clean form of FORMS.md §4, or a clerk's."""

    name: str = NAME
    rows: tuple = tuple(ROWS)
    budget: str | float = 710.12
    actual: str | float = 614.49
    initial: str | float = 700
    stated_score: str | float | None = 8.65
    total: str | float | None = float(TOTAL)
    unit: str = "万元"
    merged: bool = False  # 一级指标 merged over its rows, 二级指标 blank below
    level1_points: bool = False  # "产出指标（50分）"
    spacers: bool = False  # blank rows between groups
    top: int = 0  # blank rows above the table (no title then)


def build(sheet: Sheet = Sheet(), *, extra_sheets: tuple[str, ...] = ()) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "项目自评表"
    r = 1 + sheet.top
    if not sheet.top:
        ws.cell(r, 1, "2022年度项目支出绩效自评表")
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=8)
    r += 1
    ws.cell(r, 1, "项目名称")
    ws.cell(r, 2, sheet.name)
    ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=8)
    r += 1
    ws.cell(r, 1, "主管部门")
    ws.cell(r, 2, "浏阳市人大常委会")
    ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=4)
    ws.cell(r, 5, "实施单位")
    ws.cell(r, 6, "浏阳市人大常委会办公室")
    r += 1
    ws.cell(r, 1, f"项目资金（{sheet.unit}）")
    ws.merge_cells(start_row=r, start_column=1, end_row=r + 3, end_column=1)
    for col, label in enumerate(
        ("年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"), 3
    ):
        ws.cell(r, col, label)
    money = (sheet.initial, sheet.budget, sheet.actual, 10, "86.53%", sheet.stated_score)
    for offset, label in enumerate(("年度资金总额", "其中：财政拨款", "其他资金"), 1):
        ws.cell(r + offset, 2, label)
        if offset < 3:
            for col, value in enumerate(money[: 3 if offset == 2 else 6], 3):
                ws.cell(r + offset, col, value)
    r += 4
    ws.cell(r, 1, "执行率偏低原因")
    ws.cell(r, 2, TEXTS["execution_reason"])
    ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=8)
    r += 1
    ws.cell(r, 1, "年度总体目标")
    ws.merge_cells(start_row=r, start_column=1, end_row=r + 1, end_column=1)
    ws.cell(r, 2, "预期目标")
    ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=5)
    ws.cell(r, 6, "实际完成情况")
    ws.merge_cells(start_row=r, start_column=6, end_row=r, end_column=8)
    ws.cell(r + 1, 2, TEXTS["goal"])
    ws.merge_cells(start_row=r + 1, start_column=2, end_row=r + 1, end_column=5)
    ws.cell(r + 1, 6, TEXTS["goal_result"])
    ws.merge_cells(start_row=r + 1, start_column=6, end_row=r + 1, end_column=8)
    r += 2
    labels = ("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分")
    for col, label in enumerate((*labels, "偏差原因分析及改进措施"), 1):
        ws.cell(r, col, label)
    r = _indicators(ws, sheet, r + 1)
    if sheet.total is not None:
        ws.cell(r, 1, "总分")
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=5)
        ws.cell(r, 6, 100)
        ws.cell(r, 7, sheet.total)
        r += 1
    for key, label in (
        ("conclusion", "评价结论"),
        ("problems", "存在问题"),
        ("measures", "改进措施"),
    ):
        ws.cell(r, 1, label)
        ws.cell(r, 2, TEXTS[key])
        ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=8)
        r += 1
    for title in extra_sheets:
        other = wb.create_sheet(title)
        other.cell(1, 1, "项目名称")
        other.cell(1, 2, title)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


POINTS = {"产出指标": 50, "效益指标": 30, "满意度指标": 10}


def _indicators(ws, sheet: Sheet, r: int) -> int:
    previous = ("", "")
    first_of = {}
    for row in sheet.rows:
        l1, l2, *values = row
        if sheet.spacers and previous[0] and l1 != previous[0]:
            r += 1  # a blank spacer row between groups
        label1 = (
            f"{l1}（{POINTS[l1.removesuffix('指标') + '指标']}分）" if sheet.level1_points else l1
        )
        if not sheet.merged or l1 != previous[0]:
            ws.cell(r, 1, label1)
            first_of[l1] = r
        elif sheet.merged:
            ws.merge_cells(start_row=first_of[l1], start_column=1, end_row=r, end_column=1)
        if not sheet.merged or (l1, l2) != previous:
            ws.cell(r, 2, l2)
        for col, value in enumerate(values, 3):
            ws.cell(r, col, value if value != "" else None)
        previous = (l1, l2)
        r += 1
    return r


@pytest.fixture
def project(demo_report):
    lines_sync(
        report=demo_report,
        model=Project,
        rows=[{"name": NAME, "budget": D("710.12"), "actual": D("614.49")}],
    )
    return Project.objects.get(report=demo_report)


def _plan(project, data: bytes):
    return importer.project_plan(
        data=data, project=project, layout=project_framework_default().layout
    )


def _url(project) -> str:
    return reverse("project_import", args=[project.report_id, project.pk])


def _upload(client, project, data: bytes, name="项目自评表.xlsx"):
    return client.post(_url(project), {"file": SimpleUploadedFile(name, data)})


def _stored(project) -> list[tuple]:
    return list(
        ProjectIndicator.objects.filter(assessment__project=project)
        .order_by("order")
        .values_list("level1", "level2", "name", "target", "actual", "points", "score", "deviation")
    )


# --- The reader -------------------------------------------------------------------------


def test_a_clean_table_reads_every_value_with_nothing_wrong(project):
    plan = _plan(project, build())

    assert plan.problems == []
    assert plan.sheet == "项目自评表"
    assert plan.values["initial_budget"] == D("700")
    assert plan.values["competent_department"] == "浏阳市人大常委会"
    assert plan.values["implementing_unit"] == "浏阳市人大常委会办公室"
    assert {k: plan.values[k] for k in TEXTS} == TEXTS
    assert [(r["level1"], r["level2"], r["name"]) for r in plan.indicators] == [
        row[:3] for row in ROWS
    ]
    assert [r["points"] for r in plan.indicators] == [D(row[5]) for row in ROWS]
    assert plan.execution_score == EXECUTION_SCORE and plan.total_score == TOTAL


def test_a_clerks_messy_table_reads_the_same_rows(project):
    wide = str.maketrans("0123456789", "０１２３４５６７８９")
    rows = [
        (
            "效益" if l1 == "效益指标" else l1,  # 效益 → 效益指标
            "社会效益" if l2 == "社会效益指标" else l2,
            l3,
            target,
            actual,
            points.translate(wide),  # full-width digits
            f"{score}分",
            dev,
        )
        for l1, l2, l3, target, actual, points, score, dev in ROWS
    ]
    sheet = Sheet(
        rows=tuple(rows),
        merged=True,
        level1_points=True,
        spacers=True,
        top=2,
        unit="元",
        budget="7,101,200",
        actual="6,144,900",
        initial="７,000,000",
        total=None,
    )
    plan = _plan(project, build(sheet))

    assert plan.errors == []
    assert [str(w) for w in plan.warnings] == [
        "工作表“项目自评表” 第 6 行 A 列："
        "表中金额单位为元，已换算为万元（保留两位小数）：请核对换算后的金额。"
    ]
    clean = _plan(project, build())
    assert plan.indicators == clean.indicators
    assert plan.values == clean.values


def test_a_score_above_its_points_is_an_error_at_its_cell(project):
    rows = list(ROWS)
    rows[1] = (*ROWS[1][:6], "18", "")
    plan = _plan(project, build(Sheet(rows=tuple(rows))))

    assert [str(e) for e in plan.errors] == [
        "工作表“项目自评表” 第 13 行 G 列：得分 18 超过分值 15：得分不能高于分值，请改正。"
    ]


def test_negative_and_non_numeric_scores_are_errors_at_their_cells(project):
    rows = list(ROWS)
    rows[0] = (*ROWS[0][:6], "-2", "")
    rows[3] = (*ROWS[3][:6], "二十", "")
    plan = _plan(project, build(Sheet(rows=tuple(rows))))

    assert [(e.row, e.column) for e in plan.errors] == [(12, "G"), (15, "G")]
    assert "不能为负数" in plan.errors[0].message
    assert "“二十”不是数字" in plan.errors[1].message


def test_absurd_numbers_are_errors_not_crashes(project):
    rows = list(ROWS)
    rows[2] = (*ROWS[2][:5], "1e30", "1e-9", "")
    plan = _plan(project, build(Sheet(rows=tuple(rows), initial="9e40")))

    assert [(e.row, e.column) for e in plan.errors] == [(5, "C"), (14, "F"), (14, "G")]
    assert "过大或超过两位小数" in plan.errors[0].message
    assert "不是有效的分数" in plan.errors[1].message


def test_an_unknown_first_level_name_names_the_cell_and_the_allowed_names(project):
    rows = [("产出效果", *row[1:]) if row[0] == "产出指标" else row for row in ROWS]
    plan = _plan(project, build(Sheet(rows=tuple(rows))))

    assert [str(e) for e in plan.errors] == [
        "工作表“项目自评表” 第 12 行 A 列：一级指标“产出效果”不在本表格式中："
        "请选择 产出指标、效益指标、满意度指标 之一。"
    ]


def test_a_second_level_name_under_the_wrong_first_level_says_where_it_belongs(project):
    rows = list(ROWS)
    rows[1] = ("产出指标", "社会效益", *ROWS[1][2:])
    plan = _plan(project, build(Sheet(rows=tuple(rows))))

    assert [str(e) for e in plan.errors] == [
        "工作表“项目自评表” 第 13 行 B 列：二级指标“社会效益”不属于“产出指标”："
        "请选择 数量指标、质量指标、时效指标、成本指标 之一。"
        "（“社会效益”属于“效益指标”：请把这一行移到其下。）"
    ]


def test_budget_and_actual_differing_from_the_project_are_errors_saying_both(project):
    plan = _plan(project, build(Sheet(budget=700, actual="614.49")))

    assert [str(e) for e in plan.errors] == [
        "工作表“项目自评表” 第 5 行 D 列：表中全年预算数为 700.00 万元，项目“人大代表履职服务保障”"
        "中为 710.12 万元：项目的全年预算数在报告的“项目”部分填写，导入不修改它。"
        "请把表中的全年预算数改为与项目一致，或先在“项目”部分改正后再导入。"
    ]


def test_a_stated_execution_score_and_total_that_differ_are_warnings(project):
    plan = _plan(project, build(Sheet(stated_score=10, total=97)))

    assert plan.errors == []
    assert [str(w) for w in plan.warnings] == [
        "工作表“项目自评表” 第 5 行 H 列：表中预算执行得分为 10，按本系统计算为 8.65："
        "预算执行得分不导入，由系统按项目的数字和各项得分计算，请核对。",
        "工作表“项目自评表” 第 18 行 G 列：表中总分为 97，按本系统计算为 95.65："
        "总分不导入，由系统按项目的数字和各项得分计算，请核对。",
    ]


def test_of_several_sheets_the_one_naming_the_project_is_read(project):
    data = build(extra_sheets=("另一个项目",))

    assert _plan(project, data).sheet == "项目自评表"


def test_an_oversize_sheet_is_refused_by_the_measure_step(project):
    wb = Workbook()
    wb.active.cell(2500, 1, "多余的一行")
    out = BytesIO()
    wb.save(out)

    with pytest.raises(importer.ProjectImportRefused) as refused:
        _plan(project, out.getvalue())
    assert "超过 2,000 行的上限" in str(refused.value)


# --- The page ---------------------------------------------------------------------------


def test_the_preview_lists_the_rows_and_writes_nothing(project, client_for):
    response = _upload(client_for("clerk"), project, build())

    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="import-preview"' in page
    assert "代表培训人次" in page and "履职服务长效机制" in page
    assert "95.65" in page  # the total perfeval computes
    assert not ProjectAssessment.objects.exists()


def test_confirming_writes_the_table_through_the_writer(project, client_for, users):
    client = client_for("clerk")
    preview = _upload(client, project, build())
    pending = preview.context["pending"]

    response = client.post(_url(project), {"pending": pending, "apply": "1"})

    assert response.status_code == 302
    assessment = ProjectAssessment.objects.get(project=project)
    assert assessment.initial_budget == D("700.00")
    assert assessment.goal == TEXTS["goal"]
    assert assessment.execution_reason == TEXTS["execution_reason"]
    assert assessment.measures == TEXTS["measures"]
    assert assessment.framework == project_framework_default()
    assert _stored(project) == [
        (l1, l2, l3, target, actual, D(points), D(score), dev)
        for l1, l2, l3, target, actual, points, score, dev in ROWS
    ]
    record = assessment.history.latest()
    assert (record.history_user, record.history_change_reason) == (users["clerk"], "从 Excel 导入")
    project.refresh_from_db()
    assert (project.budget, project.actual) == (D("710.12"), D("614.49"))


def test_a_used_confirmation_writes_nothing_again(project, client_for):
    client = client_for("clerk")
    pending = _upload(client, project, build()).context["pending"]
    client.post(_url(project), {"pending": pending, "apply": "1"})
    ProjectIndicator.objects.all().delete()

    response = client.post(_url(project), {"pending": pending, "apply": "1"}, follow=True)

    assert "确认已使用或已过期" in response.content.decode()
    assert not ProjectIndicator.objects.exists()


def test_cancelling_the_preview_writes_nothing(project, client_for):
    client = client_for("clerk")
    pending = _upload(client, project, build()).context["pending"]

    response = client.post(_url(project), {"pending": pending, "cancel": "1"}, follow=True)

    assert "已取消导入，没有保存任何内容" in response.content.decode()
    assert not ProjectAssessment.objects.exists()


def test_a_bad_file_changes_nothing_and_lists_its_cells(project, client_for):
    client = client_for("clerk")
    client.post(_url(project), {"pending": _upload(client, project, build()).context["pending"]})
    before = _stored(project)
    rows = list(ROWS)
    rows[1] = (*ROWS[1][:6], "18", "")
    response = _upload(client, project, build(Sheet(rows=tuple(rows), initial=1)))

    page = response.content.decode()
    assert 'id="import-problems"' in page
    assert "第 13 行 G 列：得分 18 超过分值 15" in page
    assert 'id="import-apply"' not in page
    assert len(before) == len(ROWS) and _stored(project) == before
    assert ProjectAssessment.objects.get(project=project).initial_budget == D("700.00")


def test_a_file_that_is_not_a_workbook_is_refused_with_a_message(project, client_for):
    response = _upload(client_for("clerk"), project, b"%PDF-1.4 not a sheet", name="表.xlsx")

    assert "这是 PDF 文件" in response.content.decode()
    assert not ProjectAssessment.objects.exists()


def test_a_submitted_report_refuses_the_import(project, client_for, users):
    transition_apply(report=project.report, user=users["clerk"], action="submit")

    response = _upload(client_for("clerk"), project, build())

    assert response.status_code == 403
    assert not ProjectAssessment.objects.exists()


@pytest.mark.parametrize("username, status", [("auditor", 404), ("reviewer", 403)])
def test_who_may_not_edit_the_report_cannot_import(project, client_for, username, status):
    assert client_for(username).get(_url(project)).status_code == status
    assert _upload(client_for(username), project, build()).status_code == status
    assert not ProjectAssessment.objects.exists()


def test_a_project_of_another_report_is_not_found(project, client_for):
    department = Department.objects.create(
        name="浏阳市测试局", code="430181-099", reporting_unit="浏阳市测试局办公室"
    )
    other = report_create(department=department, year=2022)
    lines_sync(report=other, model=Project, rows=[{"name": "别的项目"}])
    stranger = Project.objects.get(report=other)

    url = reverse("project_import", args=[project.report_id, stranger.pk])
    assert client_for("clerk").get(url).status_code == 404


def test_the_upload_form_has_a_labelled_file_input(project, client_for):
    page = client_for("clerk").get(_url(project)).content.decode()

    assert '<label class="form-label" for="id_file">' in page
    assert 'id="id_file"' in page


# --- The round trip ---------------------------------------------------------------------


@pytest.mark.parametrize("blank", [(), ("problems", "measures", "goal_result")])
def test_an_exported_table_imports_back_to_the_same_values(project, blank):
    framework = project_framework_default()
    indicators = [
        dict(zip(INDICATOR_KEYS, (*row[:5], D(row[5]), D(row[6]), row[7]), strict=True))
        for row in ROWS
    ]
    values = {
        **TEXTS,
        "competent_department": "浏阳市人大常委会",
        "implementing_unit": "浏阳市人大常委会办公室",
        "initial_budget": D("700.00"),
    } | dict.fromkeys(blank, "")
    assessment_sync(project=project, framework=framework, values=values, indicators=indicators)
    assessment = ProjectAssessment.objects.get(project=project)
    wb = Workbook()
    project_sheet_write(wb.active, assessment_table(assessment, year=2022))
    out = BytesIO()
    wb.save(out)

    plan = _plan(project, out.getvalue())

    assert plan.problems == []
    assert plan.values == values
    assert plan.indicators == indicators
    assert not importer.project_import_write(
        project=project, framework=framework, plan=plan, user=None
    )  # nothing to change


INDICATOR_KEYS = ("level1", "level2", "name", "target", "actual", "points", "score", "deviation")
