"""Projects' 项目支出绩效自评表 in the demo and in every print of the report: the page, the
PDF, the Excel sheets, the Word attachments, the narrative; and their admin."""

import io
import subprocess
from decimal import Decimal as D

import pytest
from docx import Document as open_docx
from openpyxl import load_workbook

from budgets.models import Project
from projects.demo import projects_demo_load
from projects.models import ProjectAssessment, ProjectFramework
from projects.services import project_framework_default
from projects.word import project_tables_docx
from projects.writers import assessment_sync
from reports.pdf import render_report_pdf
from reports.selectors import report_data, report_document
from reports.word import document_new
from sheets.export import MONEY_FORMAT, RATE_FORMAT, selfeval_xlsx
from sheets.read import selfeval_read

NAMES = ["人大代表履职服务保障", "人大常委会会议及视察调研", "机关信息化建设及运维"]
TITLE = "2022年度项目支出绩效自评表"
DEMO_LINE = "示例数据：本表为演示用虚构数据，与原报告项目支出合计一致。"
# Per project: 执行率, 预算执行得分, 总分 (the demo's made-up figures).
RESULTS = [
    (D("91.54"), D("9.15"), D("96.15")),
    (D("85.72"), D("8.57"), D("93.57")),
    (D("80.87"), D("8.09"), D("95.09")),
]


@pytest.fixture
def with_projects(demo_report):
    assert projects_demo_load(report=demo_report)
    return demo_report


def test_the_demo_projects_add_up_to_the_reports_project_spending(with_projects):
    assert not projects_demo_load(report=with_projects)  # a second call changes nothing
    projects = list(Project.objects.filter(report=with_projects))
    assert [p.name for p in projects] == NAMES
    assert sum(p.budget for p in projects) == D("710.12")
    assert sum(p.actual for p in projects) == D("614.49")
    data = report_data(report=with_projects)
    assert (data.figures.project.budget, data.figures.project.actual) == (
        D("710.12"),
        D("614.49"),
    )
    tables = data.project_tables
    assert [t.name for t in tables] == NAMES
    assert [(t.execution_rate, t.execution_score, t.total_score) for t in tables] == RESULTS
    for table in tables:
        assert table.is_demo
        assert table.total_points == D("100")
        assert table.execution_points + sum(r.points for r in table.rows) == D("100")
        assert table.competent_department == "浏阳市人大常委会"
        assert table.implementing_unit == "浏阳市人大常委会机关"
        assert table.money[0].initial is not None
        assert table.goal and table.goal_result and table.conclusion
        assert table.problems and table.measures
        assert all(r.deviation for r in table.rows if r.score < r.points)
        assert table.needs_reason == bool(table.execution_reason)
    assert all(a.is_demo for a in ProjectAssessment.objects.filter(report=with_projects))
    # The projects leave the report's own checks without an error.
    assert data.errors == []
    assert [c.code for c in data.warnings if c.code.startswith("project")] == []


def test_the_narrative_gives_each_projects_score_and_grade(with_projects):
    text = "\n".join(block.text for block in report_document(report=with_projects).blocks)
    for name, (_, _, total) in zip(NAMES, RESULTS, strict=True):
        paragraph = next(line for line in text.splitlines() if name in line)
        assert f"项目自评得分 {total} 分，评价等级为“优”" in paragraph


def test_the_report_page_shows_each_project_table(with_projects, client_for):
    response = client_for("clerk").get(f"/reports/{with_projects.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    after = html.split("年部门整体支出绩效自评表")[-1]
    assert after.count(TITLE) == 3
    assert after.count(DEMO_LINE) == 3
    for name, (rate, _, total) in zip(NAMES, RESULTS, strict=True):
        assert name in after
        assert f"{rate}%" in after
        assert f">{total}<" in after
    assert after.count("执行率偏低原因") == 2  # the two projects below 90 %
    assert "偏差原因分析及改进措施" in after
    assert "产出指标（50）" in after


def _page_texts(pdf: bytes, tmp_path) -> list[str]:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return ["".join(page.split()) for page in out.split("\f")[:-1]]


@pytest.mark.pdf
def test_the_pdf_prints_each_project_table_after_the_selfeval_table(with_projects, tmp_path):
    pages = _page_texts(render_report_pdf(report=with_projects), tmp_path)
    selfeval = next(n for n, page in enumerate(pages) if "2022年部门整体支出绩效自评表" in page)
    starts = [n for n, page in enumerate(pages) if TITLE in page]
    assert len(starts) == 3
    assert selfeval < starts[0]
    for number, (start, name, (rate, score, total)) in enumerate(
        zip(starts, NAMES, RESULTS, strict=True), start=2
    ):
        page = pages[start]
        assert page.startswith(f"附件{number}")
        assert name in page
        assert f"{rate}%" in page and str(score) in page
        table = "".join(pages[start : start + 2])
        assert f"总分100{total}评价等级：优" in table
        assert DEMO_LINE in table


def _cells(ws) -> dict[str, object]:
    return {cell.coordinate: cell.value for row in ws.iter_rows() for cell in row}


def test_the_workbook_has_a_sheet_per_project_with_its_figures(with_projects):
    data = selfeval_xlsx(report=with_projects)
    workbook = load_workbook(io.BytesIO(data))
    projects = ["项目1 自评表", "项目2 自评表", "项目3 自评表"]
    assert workbook.sheetnames == ["自评表", *projects, "收支明细"]
    ws = workbook["项目2 自评表"]
    cells = _cells(ws)
    assert cells["A1"] == TITLE
    assert (cells["A3"], cells["C3"]) == ("项目名称", "人大常委会会议及视察调研")
    assert (cells["A4"], cells["C4"], cells["E4"], cells["F4"]) == (
        "主管部门",
        "浏阳市人大常委会",
        "实施单位",
        "浏阳市人大常委会机关",
    )
    assert [cells[f"{c}5"] for c in "CDEFGH"] == [
        "年初预算数",
        "全年预算数",
        "全年执行数",
        "分值",
        "执行率",
        "得分",
    ]
    assert [cells[f"{c}6"] for c in "BCDEFH"] == [
        "年度资金总额",
        190,
        198.72,
        170.35,
        10,
        8.57,
    ]  # numbers, read back as openpyxl gives them
    assert cells["G6"] == pytest.approx(0.8572)
    assert ws["D6"].number_format == MONEY_FORMAT and ws["G6"].number_format == RATE_FORMAT
    assert (cells["B7"], cells["D7"], cells["F7"]) == ("其中：财政拨款", 198.72, None)
    assert "A5:A8" in ws.merged_cells
    assert cells["A9"] == "执行率偏低原因"
    labels = next(r for r in ws.iter_rows() if r[0].value == "一级指标")
    assert [c.value for c in labels] == [
        "一级指标",
        "二级指标",
        "三级指标",
        "年度指标值",
        "实际完成值",
        "分值",
        "得分",
        "偏差原因分析及改进措施",
    ]
    total = next(r for r in ws.iter_rows() if r[0].value == "总分")
    assert [c.value for c in total[5:]] == [100, 93.57, "评价等级：优"]
    texts = [r[0].value for r in ws.iter_rows(min_row=total[0].row + 1)]
    assert texts[:3] == ["评价结论", "存在问题", "改进措施"]
    assert texts[-1] == DEMO_LINE


def test_the_department_import_still_takes_the_selfeval_sheet_of_the_export(with_projects):
    reading = selfeval_read(selfeval_xlsx(report=with_projects), year=2022)
    assert reading.sheet == "自评表"
    assert [p for p in reading.problems if p.is_error] == []


def test_a_formula_like_text_stays_text_in_the_project_sheet(with_projects):
    project = Project.objects.get(report=with_projects, name=NAMES[0])
    assessment = project.assessment
    indicators = [
        {f: getattr(row, f) for f in ("level1", "level2", "name", "target", "actual")}
        | {"points": row.points, "score": row.score, "deviation": row.deviation}
        for row in assessment.indicators.all()
    ]
    assessment_sync(
        project=project,
        framework=project_framework_default(),
        values={"conclusion": "=1+1"},
        indicators=indicators,
    )
    ws = load_workbook(io.BytesIO(selfeval_xlsx(report=with_projects)))["项目1 自评表"]
    cell = next(r[2] for r in ws.iter_rows() if r[0].value == "评价结论")
    assert (cell.value, cell.data_type, cell.quotePrefix) == ("=1+1", "s", True)


def test_the_word_file_carries_each_table_as_an_attachment(with_projects):
    tables = report_document(report=with_projects).projects
    document = document_new(title="t", author="a")
    project_tables_docx(document, tables)
    out = io.BytesIO()
    document.save(out)
    read = open_docx(io.BytesIO(out.getvalue()))
    headings = [p.text for p in read.paragraphs if p.style.name == "Heading 1"]
    assert headings == [TITLE] * 3
    assert [p.text for p in read.paragraphs if p.text.startswith("附件")] == [
        "附件2",
        "附件3",
        "附件4",
    ]
    assert sum(p.text == DEMO_LINE for p in read.paragraphs) == 3
    assert len(read.tables) == 3
    table = read.tables[1]
    assert table.cell(0, 2).text == table.cell(0, 7).text == NAMES[1]  # merged across
    assert table.cell(2, 0).text == table.cell(5, 0).text == "项目资金\n（万元）"  # merged down
    assert [table.cell(3, c).text for c in range(1, 8)] == [
        "年度资金总额",
        "190.00",
        "198.72",
        "170.35",
        "10",
        "85.72%",
        "8.57",
    ]
    assert table.cell(6, 0).text == "执行率偏低原因"
    total = next(row for row in table.rows if row.cells[0].text == "总分")
    assert [c.text for c in total.cells[5:]] == ["100", "93.57", "评价等级：优"]
    first_rows = [row.cells[0].text for row in table.rows]
    assert first_rows.count("产出指标（50）") == 3  # merged over its three rows


def test_the_admin_lists_and_saves_a_project_table_through_the_writer(
    with_projects, admin_client_demo
):
    response = admin_client_demo.get("/admin/projects/projectassessment/")
    assert response.status_code == 200
    assert all(name in response.content.decode() for name in NAMES)
    assessment = ProjectAssessment.objects.get(project__name=NAMES[0])
    url = f"/admin/projects/projectassessment/{assessment.pk}/change/"
    page = admin_client_demo.get(url)
    assert page.status_code == 200
    assert "代表培训人次" in page.content.decode()
    form = page.context["adminform"].form
    data = {
        name: ("" if value is None else value)
        for name, value in form.initial.items()
        if name in form.fields
    }
    data |= {"report": assessment.report_id, "project": assessment.project_id}
    data |= {"conclusion": "管理后台改写的评价结论。"}
    formset = page.context["inline_admin_formsets"][0].formset
    data |= {f"{formset.prefix}-{k}": v for k, v in formset.management_form.initial.items()}
    for n, sub in enumerate(formset.forms):
        for name in sub.fields:
            value = sub[name].value()
            data[f"{formset.prefix}-{n}-{name}"] = "" if value is None else value
    new = len(formset.forms)  # one row added in the inline
    data[f"{formset.prefix}-TOTAL_FORMS"] = new + 1
    row = {"level1": "产出指标", "level2": "成本指标", "name": "人均培训成本", "target": "≤800元"}
    row |= {"actual": "760元", "points": "0", "score": "0", "deviation": "", "order": "9"}
    data |= {f"{formset.prefix}-{new}-{name}": value for name, value in row.items()}
    response = admin_client_demo.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    assessment.refresh_from_db()
    assert assessment.conclusion == "管理后台改写的评价结论。"
    added = assessment.indicators.get(name="人均培训成本")
    assert added.report_id == assessment.report_id
    record = assessment.history.first()
    assert (record.history_user.username, record.history_change_reason) == ("admin", "管理后台修改")


def test_the_admin_keeps_a_used_framework_as_it_is(with_projects, admin_client_demo):
    framework = ProjectFramework.objects.get(is_default=True)
    response = admin_client_demo.get("/admin/projects/projectframework/")
    assert response.status_code == 200
    assert framework.name in response.content.decode()
    url = f"/admin/projects/projectframework/{framework.pk}/change/"
    page = admin_client_demo.get(url)
    assert page.status_code == 200
    assert "已被项目使用" in page.content.decode()
    response = admin_client_demo.post(url, {"name": framework.name, "execution_points": "20"})
    assert response.status_code == 403
    framework.refresh_from_db()
    assert framework.execution_points == D("10")


def test_the_admin_says_what_to_fix_in_a_framework_that_does_not_add_up(admin_client_demo):
    framework = ProjectFramework.objects.create(
        name="新格式",
        version="2023",
        groups=[{"name": "产出指标", "points": "90", "children": ["数量指标"]}],
    )
    groups = '[{"name": "产出指标", "points": "80", "children": ["数量指标"]}]'
    data = {"name": "新格式", "version": "2023", "execution_points": "10"}
    data |= {"reason_below_rate": "90", "groups": groups, "table_note": "", "description": ""}
    url = f"/admin/projects/projectframework/{framework.pk}/change/"
    response = admin_client_demo.post(url, data)
    assert response.status_code == 200
    assert "预算执行分值与各一级指标分值合计为 90，应为 100" in response.content.decode()
    framework.refresh_from_db()
    assert framework.groups[0]["points"] == "90"
