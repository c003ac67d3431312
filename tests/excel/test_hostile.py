"""Hostile uploads: measured and refused before openpyxl parses them, saying what to do.

The files come from tests/excel/hostile.py (the benchmark times the same ones). Each is
refused through the import service and through the clerk's upload page, and the database is
unchanged afterwards; the harmless oddities, the seed sheet and formulas still import as before.
"""

import re
import time
import zipfile
from dataclasses import replace
from decimal import Decimal as D
from io import BytesIO, StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from reports.selectors import report_data
from scoring.models import GroupResult, IndicatorResult
from sheets import read
from sheets.export import selfeval_xlsx
from sheets.importer import SelfevalImportRefused, selfeval_import
from sheets.measure import (
    UnreadableWorkbook,
    name_refusal,
    size_refusal,
    workbook_measure,
)
from tests.excel import hostile
from tests.excel.conftest import (
    Layout,
    db_state,
    seed_sections,
    selfeval_bytes,
    selfeval_workbook,
    workbook_bytes,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REFUSED = {name: case for name, case in hostile.HOSTILE.items() if case[1] is not None}
HARMLESS = {name: case[0] for name, case in hostile.HOSTILE.items() if case[1] is None}


def _post(client, report, data: bytes, name: str = "自评表.xlsx"):
    upload = SimpleUploadedFile(name, data, content_type=XLSX)
    return client.post(f"/reports/{report.pk}/import/", {"file": upload})


def _total(report) -> D:
    return report_data(report=report).scorecard.total_score


def _scores_cleared(report) -> None:
    IndicatorResult.objects.filter(report=report).update(score=None)
    GroupResult.objects.filter(report=report).delete()


# --- Every hostile file, both ways in -----------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("make", "says"), REFUSED.values(), ids=REFUSED.keys())
def test_hostile_file_is_refused_by_the_import_saying_what_to_do_and_nothing_changes(
    demo_report, make, says
):
    data = make()
    before = db_state()

    with pytest.raises(SelfevalImportRefused) as refused:
        selfeval_import(report=demo_report, data=data)

    [problem] = refused.value.errors
    assert says in problem.message
    assert "请" in problem.message  # and what to do about it
    assert db_state() == before


@pytest.mark.parametrize(("make", "says"), REFUSED.values(), ids=REFUSED.keys())
def test_hostile_file_is_refused_by_the_upload_page_and_nothing_changes(
    client_for, demo_report, make, says
):
    data = make()
    before = db_state()

    page = _post(client_for("clerk"), demo_report, data)

    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="import-problems"' in html
    assert says in html
    assert db_state() == before


@pytest.mark.django_db
@pytest.mark.parametrize("make", HARMLESS.values(), ids=HARMLESS.keys())
def test_harmless_oddity_in_the_apps_own_export_imports_as_usual(demo_report, make):
    data = make(selfeval_xlsx(report=demo_report))
    _scores_cleared(demo_report)

    selfeval_import(report=demo_report, data=data)

    assert _total(demo_report) == D("99")


def test_a_hundred_thousand_rows_are_refused_in_well_under_a_second():
    data = hostile.rows_100k_dimension_lies()
    started = time.perf_counter()
    with pytest.raises(UnreadableWorkbook, match="超过 2,000 行的上限"):
        read.selfeval_read(data)
    assert time.perf_counter() - started < 1


COMMAND_CASES = ("merge_whole_sheet", "xxe", "xlsm", "xls", "ods")


@pytest.mark.django_db
@pytest.mark.parametrize("name", COMMAND_CASES)
def test_hostile_file_fails_the_command_whatever_its_name_and_nothing_changes(
    demo_report, tmp_path, name
):
    make, says = hostile.HOSTILE[name]
    path = tmp_path / "自评表.xlsx"  # renamed: only the content tells
    path.write_bytes(make())
    before = db_state()

    with pytest.raises(CommandError) as failed:
        call_command(
            "import_selfeval", str(path), "--department", demo_report.department.name,
            "--year", str(demo_report.year), stdout=StringIO(),
        )  # fmt: skip

    assert says in str(failed.value)
    assert "没有保存任何内容" in str(failed.value)
    assert db_state() == before


# --- Formats, by name on the page and by content in the reader ----------------------------


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("自评表.xlsm", "启用宏的 Excel 工作簿（.xlsm）"),
        ("自评表.XLS", "旧版 Excel（.xls）"),
        ("自评表.et", "WPS 表格（.et）"),
        ("自评表.ods", "OpenDocument 电子表格（.ods）"),
        ("自评表.xlsb", "二进制工作簿（.xlsb）"),
        ("自评表.csv", "只能导入 .xlsx 格式的自评表"),
    ],
)
def test_upload_page_refuses_other_formats_by_name_saying_how_to_save_as_xlsx(
    client_for, demo_report, name, says
):
    before = db_state()

    html = _post(client_for("clerk"), demo_report, hostile.small_xlsx(), name).content.decode()

    assert says in html
    if not name.endswith(".csv"):
        assert "另存为" in html and "LibreOffice" in html
    assert db_state() == before


def test_name_refusal_lets_only_xlsx_through():
    assert name_refusal("2022年自评表.xlsx") is None
    assert name_refusal("自评表.XLSX ") is None
    assert "WPS" in name_refusal("自评表.et")
    assert "只能导入" in name_refusal("自评表")


def test_size_refusal_says_how_big_the_file_is():
    assert size_refusal(5 * 1024 * 1024) is None
    assert "文件大小为 6.0 MB，超过 5 MB 的上限" in size_refusal(6 * 1024 * 1024)


# --- What the measurement finds -----------------------------------------------------------


def test_measure_names_sheets_and_counts_rows_cells_and_merges():
    measured = workbook_measure(selfeval_bytes())

    [sheet] = measured.sheets.values()
    assert sheet.name == "自评表"
    assert sheet.part == "xl/worksheets/sheet1.xml"
    assert sheet.max_column == 8
    assert sheet.rows == sheet.max_row > 30
    assert sheet.merges > 10
    assert sheet.blank_formulas == frozenset()


def test_measure_counts_rows_and_cells_without_numbers_as_openpyxl_does():
    data = hostile.patched_sheet(
        rows='<row><c><v>1</v></c><c><f>A4</f></c></row><row><c r="C9"><v>1</v></c></row>'
    )
    sheet = workbook_measure(data).sheets["自评表"]
    assert (sheet.max_row, sheet.max_column) == (9, 5)
    assert sheet.blank_formulas == {(4, 2)}


def test_a_part_declaring_less_than_it_holds_is_damaged():
    with pytest.raises(UnreadableWorkbook, match="文件已损坏"):
        workbook_measure(hostile.zip_bomb_lying_size())


def test_measure_accepts_a_sheet_at_the_limits():
    rows = "".join(f'<row r="{r}"><c r="BH{r}"><v>{r}</v></c></row>' for r in range(10, 2001))
    merges = '<mergeCell ref="A10:BG1000"/>' + '<mergeCell ref="BH1:BH2"/>' * 4_998
    sheet = workbook_measure(hostile.patched_sheet(rows=rows, merges=merges)).sheets["自评表"]
    assert (sheet.max_row, sheet.max_column, sheet.merges) == (2000, 60, 5_000)


# --- Formulas: one load of the workbook, the same answers ---------------------------------


def _with_formula(*, cached: str | None) -> tuple[bytes, int]:
    """The seed sheet with 准确性's score (1) as a formula, its result saved or not."""
    workbook = selfeval_workbook()
    ws = workbook.active
    row = next(r for r in range(1, 60) if ws.cell(r, 4).value == "准确性")
    ws.cell(row, 7).value = "=0+1"
    data = workbook_bytes(workbook)
    if cached is not None:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            xml = archive.read(hostile.SHEET).decode()
        # openpyxl writes the empty result as <v /> or, from 3.1.5, as <v></v>.
        xml, found = re.subn(
            r"<f>0\+1</f><v ?/>|<f>0\+1</f><v></v>", f"<f>0+1</f><v>{cached}</v>", xml
        )
        assert found == 1
        data = hostile.rebuilt(data, parts={hostile.SHEET: xml.encode()})
    return data, row


@pytest.mark.django_db
def test_formula_without_a_saved_result_is_refused_naming_its_cell(demo_report):
    data, row = _with_formula(cached=None)
    before = db_state()

    with pytest.raises(SelfevalImportRefused) as refused:
        selfeval_import(report=demo_report, data=data)

    [problem] = refused.value.errors
    assert (problem.row, problem.column) == (row, "G")
    assert "公式，但文件中没有保存计算结果" in problem.message
    assert db_state() == before


@pytest.mark.django_db
def test_formula_with_a_saved_result_imports_the_result(demo_report):
    data, _ = _with_formula(cached="1")
    _scores_cleared(demo_report)

    result = selfeval_import(report=demo_report, data=data)

    assert not any("公式" in w.message for w in result.warnings)
    assert _total(demo_report) == D("99")


def test_the_workbook_is_loaded_once_even_with_formulas(monkeypatch):
    loads = []
    real = read.load_workbook

    def counted(*args, **kwargs):
        loads.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(read, "load_workbook", counted)
    data, row = _with_formula(cached=None)

    reading = read.selfeval_read(data)

    assert loads == [{"data_only": True}]
    assert [(p.row, p.column) for p in reading.errors] == [(row, "G")]


def test_the_upload_page_reads_the_workbook_once(client_for, demo_report, monkeypatch):
    from sheets import importer

    reads = []
    real = importer.selfeval_read

    def counted(data, **options):
        reads.append(len(data))
        return real(data, **options)

    monkeypatch.setattr(importer, "selfeval_read", counted)
    data = selfeval_xlsx(report=demo_report)
    _scores_cleared(demo_report)

    clerk = client_for("clerk")
    preview = _post(clerk, demo_report, data)
    assert preview.status_code == 200 and 'id="import-preview"' in preview.content.decode()
    assert len(reads) == 1
    pending = preview.content.decode().split('name="pending" value="', 1)[1].split('"', 1)[0]
    response = clerk.post(f"/reports/{demo_report.pk}/import/", {"pending": pending, "apply": "1"})

    assert response.status_code == 302
    assert len(reads) == 2  # once for the preview, once for the import confirmed
    assert _total(demo_report) == D("99")


# --- The seed sheet, and free text within the limits ---------------------------------------


@pytest.mark.django_db
def test_the_seed_sheet_still_imports_to_99(demo_report):
    _scores_cleared(demo_report)
    selfeval_import(report=demo_report, data=selfeval_bytes())
    assert _total(demo_report) == D("99")


def _with_deviation(text: str):
    return [
        replace(
            section,
            groups=tuple(
                replace(
                    group,
                    rows=tuple(
                        replace(r, deviation=text) if r.name == "准确性" else r for r in group.rows
                    ),
                )
                for group in section.groups
            ),
        )
        for section in seed_sections()
    ]


@pytest.mark.django_db
def test_a_deviation_over_the_row_limit_is_refused_naming_its_cell(demo_report):
    data = selfeval_bytes(_with_deviation("偏差" * 1000 + "。"))
    before = db_state()

    with pytest.raises(SelfevalImportRefused) as refused:
        selfeval_import(report=demo_report, data=data)

    [problem] = refused.value.errors
    assert "三级指标“准确性”的偏差及原因分析内容过长：最多 2,000 字，现有 2,001 字" in str(problem)
    assert problem.column == "H"
    assert problem.row == read.selfeval_read(data).rows[0].row
    assert db_state() == before


@pytest.mark.django_db
def test_an_annual_goal_over_the_narrative_limit_is_refused_naming_its_cell(demo_report):
    data = selfeval_bytes(goals=("目标" * 10_001, "完成"))
    before = db_state()

    with pytest.raises(SelfevalImportRefused) as refused:
        selfeval_import(report=demo_report, data=data)

    [problem] = refused.value.errors
    assert "年度总体目标“年初设定目标”内容过长：最多 20,000 字，现有 20,002 字" in problem.message
    assert (problem.sheet, problem.column) == ("自评表", "C")
    assert db_state() == before


@pytest.mark.django_db
def test_free_text_at_the_limits_imports(demo_report):
    data = selfeval_bytes(_with_deviation("偏" * 2000), Layout(goals=("目" * 20_000, "完成")))

    selfeval_import(report=demo_report, data=data)

    demo_report.refresh_from_db()
    assert len(demo_report.annual_goal) == 20_000
    accuracy = IndicatorResult.objects.get(report=demo_report, indicator__name="准确性")
    assert accuracy.deviation == "偏" * 2000


@pytest.mark.django_db
def test_a_target_over_200_characters_is_cut_with_a_warning(demo_report):
    sections = [
        replace(
            section,
            groups=tuple(
                replace(
                    group,
                    rows=tuple(
                        replace(r, target="≥" + "9" * 250) if r.name == "准确性" else r
                        for r in group.rows
                    ),
                )
                for group in section.groups
            ),
        )
        for section in seed_sections()
    ]

    result = selfeval_import(report=demo_report, data=selfeval_bytes(sections))

    assert any("年度指标值超过 200 字，只导入了前 200 字" in w.message for w in result.warnings)
    accuracy = IndicatorResult.objects.get(report=demo_report, indicator__name="准确性")
    assert len(accuracy.target) == 200
