"""The PDF an auditor downloads: read back from real WeasyPrint output with poppler."""

import logging
import re
import subprocess
import threading
from dataclasses import dataclass
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from reports import pdf as report_pdf
from reports.pdf import print_rows, render_report_pdf, rows_to_cut
from reports.selectors import report_data
from reports.services import demo_load
from reports.workflow import report_transition
from scoring.core import Group, Row, Scorecard, Section
from scoring.models import Indicator
from scoring.services import framework_copy
from scoring.table import selfeval_rows
from tests.conftest import DEMO_DEPARTMENT

HEADINGS = [
    "一、部门概况",
    "二、部门整体支出资金管理及使用情况",
    "三、部门项目实施情况",
    "四、资产管理情况",
    "五、部门整体支出绩效情况",
    "六、存在的主要问题",
    "七、改进措施和有关建议",
    "八、部门整体支出绩效评价等级",
]
PAGE_NUMBER = re.compile(r"—\s*(\d+)\s*—")
MAX_BYTES = 2 * 1024 * 1024

# Every test reads the database (the module's render needs the roles and framework that
# migrations create), so all run with the database tests, before pytest-django's
# transactional tests empty it.
pytestmark = pytest.mark.django_db


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def page_texts(path: Path) -> list[str]:
    """Each page's text in drawing order, so a wrapped table cell reads as one string."""
    out = subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return out.split("\f")[:-1]


def font_faces(path: Path) -> list[str]:
    """The embedded fonts' names, without the subset tag (``ABCDEF+``)."""
    out = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True)
    return sorted(line.split()[0].partition("+")[2] for line in out.stdout.splitlines()[2:])


def page_count(path: Path) -> int:
    return len(page_texts(path))


class _Warnings(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


@dataclass(frozen=True)
class RenderedPdf:
    path: Path
    data: bytes
    level3_names: list[str]
    warnings: list[str]

    @property
    def pages(self) -> list[str]:
        return page_texts(self.path)


@pytest.fixture(scope="module")
def demo_pdf(django_db_setup, django_db_blocker, tmp_path_factory) -> RenderedPdf:
    """The demo report rendered once for the module; the database is left as it was."""
    warnings = _Warnings()
    weasyprint_log = logging.getLogger("weasyprint")
    with django_db_blocker.unblock(), transaction.atomic():
        report = demo_load().report
        weasyprint_log.addHandler(warnings)
        try:
            data = render_report_pdf(report=report)
        finally:
            weasyprint_log.removeHandler(warnings)
        names = [row.name for _, _, row in report_data(report=report).scorecard.rows()]
        transaction.set_rollback(True)
    path = tmp_path_factory.mktemp("pdf") / "demo.pdf"
    path.write_bytes(data)
    return RenderedPdf(path, data, names, warnings.messages)


def write(tmp_path, data: bytes, name="report.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# The demo report, read back


def test_cover_shows_title_unit_and_date_without_a_page_number(demo_pdf):
    cover = demo_pdf.pages[0]
    assert "2022 年部门整体支出绩效自评报告" in cover
    assert "单位名称（盖章）：浏阳市人大常委会办公室" in squash(cover)
    assert "二〇二三年九月" in cover
    assert not PAGE_NUMBER.search(cover)


def test_every_section_heading_is_printed_in_order(demo_pdf):
    text = squash("".join(demo_pdf.pages))
    positions = [text.find(heading) for heading in HEADINGS]
    assert -1 not in positions
    assert positions == sorted(positions)


def test_key_figures_are_printed(demo_pdf):
    text = squash("".join(demo_pdf.pages))
    assert "2022年度收入总额2575.66万元" in text
    assert "基本支出1961.17万元" in text
    assert "项目支出614.49万元" in text
    assert "决算2.92万元" in text
    assert "评分得分99分" in text


def test_selfeval_table_starts_a_page_with_title_unit_and_header(demo_pdf):
    first = next(i for i, page in enumerate(demo_pdf.pages) if "部门整体支出绩效自评表" in page)
    page = squash(demo_pdf.pages[first])
    assert page.startswith("2022年部门整体支出绩效自评表单位：万元")
    assert "部门（单位）名称浏阳市人大常委会机关" in page
    # Amounts with thousands separators and two places; the execution rate as a percentage.
    assert "资金来源：（1）财政拨款2,092.382,575.66123.10%" in page
    assert "资金结构：（1）基本支出1,382.261,961.17141.88%" in page
    assert "（2）项目支出710.12614.4986.53%" in page
    assert "年初设定目标全年完成情况" in page
    assert "分解目标自评" in page
    assert "一级指标权重二级指标三级指标年度指标值全年完成值自评得分偏差及原因分析" in page
    assert "投入管理30预算编审管理（3）准确性100%123%1" in page


def test_every_level3_indicator_is_in_the_table(demo_pdf):
    text = squash("".join(demo_pdf.pages))
    table = text[text.index("分解目标自评") :]
    assert len(demo_pdf.level3_names) == 27
    missing = [name for name in demo_pdf.level3_names if squash(name) not in table]
    assert missing == []


def test_total_row_grade_and_note_close_the_table(demo_pdf):
    last_page = squash(PAGE_NUMBER.sub("", demo_pdf.pages[-1]))
    assert "总分10099评价等级：优" in last_page
    assert last_page.endswith(
        "注：上述产出指标和效益指标既可以按照重点任务完成情况分别填列，"
        "也可以依据所有重点任务归纳提炼综合指标。"
    )


def test_body_pages_are_numbered_from_two_and_the_cover_is_not(demo_pdf):
    pages = demo_pdf.pages
    numbers = [PAGE_NUMBER.findall(page) for page in pages]
    assert numbers[0] == []
    assert numbers[1:] == [[str(n)] for n in range(2, len(pages) + 1)]
    assert "— 2 —" in pages[1]


def test_fonts_are_embedded_subsets_with_a_cjk_font(demo_pdf):
    out = subprocess.run(
        ["pdffonts", str(demo_pdf.path)], check=True, capture_output=True, text=True
    ).stdout
    fonts = [line.split() for line in out.splitlines()[2:] if line.strip()]
    assert fonts
    # Columns from the right: object id, generation, uni, sub, emb.
    assert all(font[-5] == "yes" for font in fonts), out
    assert all(font[-4] == "yes" for font in fonts), out
    assert any("CJK" in font[0] for font in fonts), out


def test_no_character_falls_back_to_a_missing_glyph(demo_pdf):
    assert not [message for message in demo_pdf.warnings if ".notdef" in message]
    assert "\ufffd" not in "".join(demo_pdf.pages)


def test_the_pdf_is_under_two_megabytes(demo_pdf):
    assert demo_pdf.data.startswith(b"%PDF-")
    assert len(demo_pdf.data) < MAX_BYTES


def test_page_count_is_the_same_on_every_render(demo_pdf, demo_report, tmp_path):
    again = write(tmp_path, render_report_pdf(report=demo_report))
    assert page_count(again) == page_count(demo_pdf.path)


def test_each_thread_keeps_one_font_configuration():
    kept = report_pdf._font_config()
    assert report_pdf._font_config() is kept
    other = []
    thread = threading.Thread(target=lambda: other.append(report_pdf._font_config()))
    thread.start()
    thread.join()
    assert other and other[0] is not kept


def test_a_kept_font_configuration_prints_what_a_fresh_one_prints(
    demo_pdf, demo_report, tmp_path, monkeypatch
):
    render_report_pdf(report=demo_report)  # this thread's configuration has been used before
    kept = write(tmp_path, render_report_pdf(report=demo_report), "kept.pdf")
    monkeypatch.setattr(report_pdf, "_fonts", threading.local())
    fresh = write(tmp_path, render_report_pdf(report=demo_report), "fresh.pdf")
    assert page_texts(kept) == page_texts(fresh)
    assert font_faces(kept) == font_faces(fresh)


def test_watermark_is_printed_on_every_page_when_asked(demo_pdf, demo_report, tmp_path):
    marked = write(tmp_path, render_report_pdf(report=demo_report, watermark="待审核"))
    pages = page_texts(marked)
    assert len(pages) == len(demo_pdf.pages)
    assert all("待审核" in squash(page) for page in pages)
    assert not any("待审核" in page for page in demo_pdf.pages)


# Where the 自评表 is cut


def _card(*sections: tuple[str, list[int]]) -> Scorecard:
    """Sections with groups of the given numbers of rows, every row named after its place."""
    return Scorecard(
        sections=tuple(
            Section(
                name=name,
                weight=D(10),
                key=name,
                groups=tuple(
                    Group(
                        name=f"{name}{g}",
                        weight=D(5),
                        rows=tuple(Row(name=f"{name}{g}-{r}") for r in range(size)),
                    )
                    for g, size in enumerate(sizes)
                ),
            )
            for name, sizes in sections
        )
    )


def test_a_level1_group_running_onto_the_next_page_is_cut_there():
    # 投入 has rows 0-4 and 产出 rows 5-6; 投入 runs from page 3 onto page 4 at row 3.
    sections = ["投入"] * 5 + ["产出"] * 2
    pages = [3, 3, 3, 4, 4, 4, 4]
    assert rows_to_cut(pages=pages, sections=sections) == {3}


def test_a_level1_group_starting_on_a_new_page_is_not_cut():
    sections = ["投入"] * 3 + ["产出"] * 2
    assert rows_to_cut(pages=[3, 3, 3, 4, 4], sections=sections) == frozenset()
    assert rows_to_cut(pages=[3] * 5, sections=sections) == frozenset()


def test_a_cut_repeats_the_level1_and_level2_cells_on_the_continuation():
    rows = selfeval_rows(_card(("投入", [2, 3]), ("产出", [2])))
    printed = print_rows(rows, cuts=frozenset({3}))
    spans = [
        (r.section_span, r.group_span, r.section_continued, r.group_continued) for r in printed
    ]
    assert spans == [
        (3, 2, False, False),  # 投入 on the first page: rows 0-2
        (0, 0, False, False),
        (0, 1, False, False),  # 投入1 starts here, and is cut after one row
        (2, 2, True, True),  # the continuation prints 投入 and 投入1 again
        (0, 0, False, False),
        (2, 2, False, False),  # 产出 as before
        (0, 0, False, False),
    ]


def test_without_cuts_the_spans_are_the_previews():
    rows = selfeval_rows(_card(("投入", [2, 3]), ("产出", [2])))
    printed = print_rows(rows)
    assert [(p.section_span, p.group_span) for p in printed] == [
        (r.section_span, r.group_span) for r in rows
    ]


def test_a_group_scored_as_a_whole_prints_its_score_on_each_part():
    group = Group(
        name="预决算信息公开管理",
        weight=D(4),
        rows=(Row(name="规范性"), Row(name="及时性")),
        group_score=D(4),
        group_deviation="无偏差",
    )
    rows = selfeval_rows(Scorecard(sections=(Section("投入管理", D(30), (group,), key=1),)))
    printed = print_rows(rows, cuts=frozenset({1}))
    assert [(p.score_span, p.score, p.deviation) for p in printed] == [
        (1, D(4), "无偏差"),
        (1, D(4), "无偏差"),
    ]


def test_a_long_level1_group_shows_its_name_again_on_the_next_page(demo_report, tmp_path):
    framework = framework_copy(framework=demo_report.framework, version="2022 长表")
    group = Indicator.objects.get(framework=framework, level=2, name="预算执行管理")
    for n in range(1, 46):
        Indicator.objects.create(
            framework=framework, parent=group, name=f"补充指标{n:02d}", order=100 + n
        )
    demo_report.framework = framework
    demo_report.save(update_fields=["framework"])

    pages = page_texts(write(tmp_path, render_report_pdf(report=demo_report)))

    long_pages = [squash(page) for page in pages if "补充指标" in page]
    assert len(long_pages) >= 2
    for page in long_pages:
        assert "一级指标权重二级指标三级指标" in page  # the column headers repeat
        assert "投入管理" in page
        assert "30" in page
        assert "预算执行管理（4）" in page
    assert all("（续）" in page for page in long_pages[1:])
    text = squash("".join(pages))
    assert all(f"补充指标{n:02d}" in text for n in range(1, 46))


# The export command


def test_export_refuses_a_report_not_yet_approved(demo_report, tmp_path):
    target = tmp_path / "report.pdf"
    with pytest.raises(CommandError, match="尚未批准.*--draft"):
        call_command(
            "export_pdf", "--department", DEMO_DEPARTMENT, "--year", "2022", "-o", str(target)
        )
    assert not target.exists()


def test_export_of_a_draft_writes_a_pdf_watermarked_with_its_status(demo_report, tmp_path):
    target = tmp_path / "draft.pdf"
    call_command(
        "export_pdf",
        "--department",
        DEMO_DEPARTMENT,
        "--year",
        "2022",
        "-o",
        str(target),
        "--draft",
    )
    pages = page_texts(target)
    assert target.read_bytes().startswith(b"%PDF-")
    assert all("草稿" in squash(page) for page in pages)


def test_export_of_an_approved_report_needs_no_flag_and_has_no_watermark(
    users, demo_report, tmp_path
):
    report_transition(report=demo_report, user=users["clerk"], action="submit")
    report_transition(report=demo_report, user=users["reviewer"], action="approve")
    target = tmp_path / "approved.pdf"
    call_command("export_pdf", "--department", DEMO_DEPARTMENT, "--year", "2022", "-o", str(target))
    text = "".join(page_texts(target))
    assert "浏阳市人大常委会办公室" in text
    assert "草稿" not in text and "待审核" not in text


def test_export_names_an_unknown_report(db, tmp_path):
    with pytest.raises(CommandError, match="找不到"):
        call_command(
            "export_pdf",
            "--department",
            "无此部门",
            "--year",
            "2022",
            "-o",
            str(tmp_path / "x.pdf"),
        )
