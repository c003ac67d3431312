"""The PDF an auditor downloads: read back from real WeasyPrint output with poppler."""

import logging
import math
import re
import subprocess
import threading
from dataclasses import dataclass
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from weasyprint.document import Document
from weasyprint.formatting_structure.boxes import BlockBox, LineBox, TextBox

from reports import pdf as report_pdf
from reports.demo.load import demo_load
from reports.pdf import last_two, print_rows, render_report_pdf, rows_to_cut
from reports.selectors import report_data
from reports.workflow import transition_apply
from scoring.core import Group, Row, Scorecard, Section
from scoring.models import Indicator, IndicatorResult
from scoring.services import framework_copy
from scoring.table import selfeval_rows
from tests.conftest import DEMO_DEPARTMENT
from tests.writes import rows_update

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
TABLE_NOTE = "注：上述产出指标和效益指标既可以按照重点任务完成情况分别填列"
# The foot of the type area, in pt from the top of the page (GB/T 9704: 37 mm + 225 mm).
TYPE_AREA_FOOT = (37 + 225) * 72 / 25.4
# A line of the 偏差及原因分析 column (10.5 pt, line-height 1.35) and the characters it holds.
DEVIATION_LINE = 10.5 * 1.35
DEVIATION_LINE_CHARS = 7

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


def lowest_text(path: Path, page: int) -> float:
    """How far down the page (pt) the lowest text inside the type area reaches."""
    out = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    bottoms = [float(y) for y in re.findall(r'yMax="([0-9.]+)"', out)]
    return max(y for y in bottoms if y < TYPE_AREA_FOOT)


def _descendants(box):
    yield box
    for child in getattr(box, "children", ()):
        yield from _descendants(child)


def _text_boxes(line: LineBox) -> list[TextBox]:
    return [box for box in _descendants(line) if isinstance(box, TextBox)]


def line_text(line: LineBox) -> str:
    return "".join(box.text for box in _text_boxes(line))


def body_blocks(layout: Document) -> list[tuple[str, list[tuple[LineBox, float]]]]:
    """Each heading and paragraph of sections 一 to 八, in order: its tag and its lines, those
    of a paragraph that runs onto the next page included, each with the right edge of its box."""
    blocks: dict = {}
    for page in layout.pages:
        for section in _descendants(page._page_box):
            if section.element_tag != "section" or section.element.get("class") != "body":
                continue
            for box in section.children:
                if isinstance(box, BlockBox) and box.element_tag in {"h1", "h2", "h3", "p"}:
                    right = box.content_box_x() + box.width
                    _, lines = blocks.setdefault(box.element, (box.element_tag, []))
                    lines += [(line, right) for line in box.children if isinstance(line, LineBox)]
    return list(blocks.values())


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
    layout: Document
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
            layout = report_pdf.report_layout(report=report)  # what render_report_pdf writes
            data = layout.write_pdf()
        finally:
            weasyprint_log.removeHandler(warnings)
        names = [row.name for _, _, row in report_data(report=report).scorecard.rows()]
        transaction.set_rollback(True)
    path = tmp_path_factory.mktemp("pdf") / "demo.pdf"
    path.write_bytes(data)
    return RenderedPdf(path, data, layout, names, warnings.messages)


def write(tmp_path, data: bytes, name="report.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# The demo report, read back


@pytest.mark.pdf
def test_cover_shows_title_unit_and_date_without_a_page_number(demo_pdf):
    cover = demo_pdf.pages[0]
    assert "2022 年部门整体支出绩效自评报告" in cover
    assert "单位名称（盖章）：浏阳市人大常委会办公室" in squash(cover)
    assert "二〇二三年九月" in cover
    assert not PAGE_NUMBER.search(cover)


@pytest.mark.pdf
def test_every_section_heading_is_printed_in_order(demo_pdf):
    text = squash("".join(demo_pdf.pages))
    positions = [text.find(heading) for heading in HEADINGS]
    assert -1 not in positions
    assert positions == sorted(positions)


@pytest.mark.pdf
def test_key_figures_are_printed(demo_pdf):
    text = squash("".join(demo_pdf.pages))
    assert "2022年度收入总额2575.66万元" in text
    assert "基本支出1961.17万元" in text
    assert "项目支出614.49万元" in text
    assert "决算2.92万元" in text
    assert "评分得分99分" in text


@pytest.mark.pdf
def test_cover_and_metadata_name_the_signing_unit(demo_pdf):
    info = subprocess.run(
        ["pdfinfo", str(demo_pdf.path)], check=True, capture_output=True, text=True
    ).stdout
    assert re.search(r"^Author:\s+浏阳市人大常委会办公室$", info, re.MULTILINE)
    assert re.search(
        r"^Title:\s+浏阳市人大常委会办公室 2022 年部门整体支出绩效自评报告$", info, re.M
    )


@pytest.mark.pdf
def test_cover_and_table_name_one_signing_unit(demo_pdf):
    unit = re.search(r"单位名称（盖章）：(.+?)二〇", squash(demo_pdf.pages[0])).group(1)
    table = next(squash(page) for page in demo_pdf.pages if "部门整体支出绩效自评表" in page)
    assert f"部门（单位）名称{unit}整体支出规模" in table


@pytest.mark.pdf
def test_section_eight_refers_to_the_table_by_its_title(demo_pdf):
    text = squash("".join(demo_pdf.pages))
    start = text.index("八、部门整体支出绩效评价等级")
    reference = re.search(r"（详见(.+?)）", text[start:]).group(1)
    table = next(squash(page) for page in demo_pdf.pages if "部门整体支出绩效自评表" in page)
    title = re.match(r"附件\d+年(\S+?表)单位：", table).group(1)
    assert reference in {"附件", title, f"附件：{title}"}


@pytest.mark.pdf
def test_body_text_is_justified_but_for_each_paragraphs_last_line(demo_pdf):
    paragraphs = [lines for tag, lines in body_blocks(demo_pdf.layout) if tag == "p"]
    set_spacing = paragraphs[0][0][0].style["letter_spacing"]  # the stylesheet's
    short, spread, stretched = [], 0, []
    for lines in paragraphs:
        for line, right in lines[:-1]:
            texts = _text_boxes(line)
            if abs(texts[-1].position_x + texts[-1].width - right) > 1:  # CSS px
                short.append(line_text(line))
            spread += any(text.style["letter_spacing"] != set_spacing for text in texts)
        last, _ = lines[-1]
        if any(text.style["letter_spacing"] != set_spacing for text in _text_boxes(last)):
            stretched.append(line_text(last))
    assert short == []
    # Lines a character short (a "，" may not open a line) are spread between their characters,
    # but never inside a figure.
    assert spread > 20
    assert stretched == []
    figures = [
        text
        for lines in paragraphs
        for line, _ in lines
        for text in _text_boxes(line)
        if re.fullmatch(r"[0-9.%]+", text.text)
    ]
    assert figures
    assert all(text.style["letter_spacing"] == set_spacing for text in figures)


def test_the_last_two_characters_of_a_heading_or_paragraph_go_together():
    assert last_two("（四）部门整体支出规模、使用方向、主要内容和涉及范围") == (
        "（四）部门整体支出规模、使用方向、主要内容和涉及",
        "范围",
    )
    assert last_two("（一）细化预算编制工作，提升预算管理水平。") == (
        "（一）细化预算编制工作，提升预算管理",
        "水平。",
    )
    assert last_two("概况") == ("", "概况")


@pytest.mark.pdf
def test_no_heading_line_and_no_last_line_is_a_lone_character(demo_report):
    # 27 characters: the first line holds 26 after the indent, and the last would be alone.
    long_heading = "（三）健全预算绩效管理制度，推动评价结果与预算安排挂钩"
    demo_report.improvements += f"\n{long_heading}"
    demo_report.save(update_fields=["improvements"])

    blocks = [
        (tag, [line_text(line) for line, _ in lines])
        for tag, lines in body_blocks(report_pdf.report_layout(report=demo_report))
    ]

    def lone(line: str) -> bool:
        return len(re.sub(r"\W", "", line)) < 2

    headings = [lines for tag, lines in blocks if tag != "p"]
    assert len(headings) > 20
    assert ["（四）部门整体支出规模、使用方向、主要内容和涉及范围"] in headings  # the full line
    assert ["（三）健全预算绩效管理制度，推动评价结果与预算安排", "挂钩"] in headings
    assert [lines for lines in headings if any(lone(line) for line in lines)] == []
    assert [lines for tag, lines in blocks if tag == "p" and lone(lines[-1])] == []


@pytest.mark.pdf
def test_headings_print_in_a_hei_and_a_kai_face(demo_pdf):
    faces = font_faces(demo_pdf.path)
    assert "Noto-Sans-CJK-SC" in faces  # "一、" in 黑体
    assert any("Kai" in face for face in faces)  # "（一）" in 楷体


@pytest.mark.pdf
def test_selfeval_table_starts_a_page_as_the_attachment_with_title_unit_and_header(demo_pdf):
    first = next(i for i, page in enumerate(demo_pdf.pages) if "部门整体支出绩效自评表" in page)
    page = squash(demo_pdf.pages[first])
    assert page.startswith("附件2022年部门整体支出绩效自评表单位：万元")
    assert "部门（单位）名称浏阳市人大常委会" in page
    # Amounts with thousands separators and two places; the execution rate as a percentage.
    assert "资金来源：（1）财政拨款2,092.382,575.66123.10%" in page
    assert "资金结构：（1）基本支出1,382.261,961.17141.88%" in page
    assert "（2）项目支出710.12614.4986.53%" in page
    assert "年初设定目标全年完成情况" in page
    assert "分解目标自评" in page
    assert "一级指标权重二级指标三级指标年度指标值全年完成值自评得分偏差及原因分析" in page
    # The seed types 123% for 准确性; the table prints it computed, as the header prints the
    # same rate: a deliberate difference from the seed (README: the seed's typed values).
    assert "投入管理30预算编审管理（3）准确性100%123.10%1" in page


@pytest.mark.pdf
def test_every_level3_indicator_is_in_the_table(demo_pdf):
    text = squash("".join(demo_pdf.pages))
    table = text[text.index("分解目标自评") :]
    assert len(demo_pdf.level3_names) == 27
    missing = [name for name in demo_pdf.level3_names if squash(name) not in table]
    assert missing == []


@pytest.mark.pdf
def test_total_row_grade_and_note_close_the_table(demo_pdf):
    last_page = squash(PAGE_NUMBER.sub("", demo_pdf.pages[-1]))
    assert "总分10099评价等级：优" in last_page
    assert last_page.endswith(
        "注：上述产出指标和效益指标既可以按照重点任务完成情况分别填列，"
        "也可以依据所有重点任务归纳提炼综合指标。"
        "全年完成值中“准确性”“公用经费控制率”“‘三公经费’控制率”按本报告收支数据计算。"
    )


def _set_deviation(report, indicator: str, text: str) -> None:
    rows_update(
        IndicatorResult.objects.filter(report=report, indicator__name=indicator), deviation=text
    )


def _deviation(lines: int) -> str:
    """A 偏差及原因分析 that prints on this many lines."""
    return ("偏差原因分析说明" * lines)[: DEVIATION_LINE_CHARS * lines - 3]


@pytest.mark.parametrize("rows_on_last_page", [1, 2])
@pytest.mark.pdf
def test_the_note_never_goes_over_without_the_total_row(demo_report, tmp_path, rows_on_last_page):
    """A longer 偏差 that leaves no room for the 注 under the 总分 row takes the 总分 row, and
    the last indicator row where it can, over with the 注 (issue 15: one ten-character 偏差
    sent the 注 alone onto a page of its own)."""
    last = "社会公众满意度"
    before_last = "创新“两官”履职评议方式，“两官”履职能力持续提升"
    # Rows too tall for the page before open the last page: the last row alone, or both.
    if rows_on_last_page == 1:
        last_lines = 12
        _set_deviation(demo_report, last, _deviation(last_lines))
    else:
        last_lines = 2
        _set_deviation(demo_report, last, "部分项目执行进度偏慢")  # ten characters, two lines
        _set_deviation(demo_report, before_last, _deviation(14))
    base = write(tmp_path, render_report_pdf(report=demo_report), "base.pdf")
    pages = [squash(page) for page in page_texts(base)]
    assert PAGE_NUMBER.sub("", pages[-1]).startswith("一级指标权重")
    assert (squash(before_last) in pages[-1]) == (rows_on_last_page == 2)
    # One line more than the room left under the 注: the 注 no longer fits, the 总分 row does.
    room = TYPE_AREA_FOOT - lowest_text(base, len(pages))
    _set_deviation(demo_report, last, _deviation(last_lines + math.ceil(room / DEVIATION_LINE)))

    grown = page_texts(write(tmp_path, render_report_pdf(report=demo_report)))

    assert len(grown) == len(pages) + 1
    (note_page,) = [squash(page) for page in grown if TABLE_NOTE in squash(page)]
    assert "总分10099评价等级：优" in note_page
    assert (last in note_page) == (rows_on_last_page == 2)


@pytest.mark.pdf
def test_body_pages_are_numbered_from_two_and_the_cover_is_not(demo_pdf):
    pages = demo_pdf.pages
    numbers = [PAGE_NUMBER.findall(page) for page in pages]
    assert numbers[0] == []
    assert numbers[1:] == [[str(n)] for n in range(2, len(pages) + 1)]
    assert "— 2 —" in pages[1]


@pytest.mark.pdf
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


@pytest.mark.pdf
def test_no_character_falls_back_to_a_missing_glyph(demo_pdf):
    assert not [message for message in demo_pdf.warnings if ".notdef" in message]
    assert "\ufffd" not in "".join(demo_pdf.pages)


@pytest.mark.pdf
def test_the_pdf_is_under_two_megabytes(demo_pdf):
    assert demo_pdf.data.startswith(b"%PDF-")
    assert len(demo_pdf.data) < MAX_BYTES


@pytest.mark.pdf
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


@pytest.mark.pdf
def test_a_kept_font_configuration_prints_what_a_fresh_one_prints(
    demo_pdf, demo_report, tmp_path, monkeypatch
):
    render_report_pdf(report=demo_report)  # this thread's configuration has been used before
    kept = write(tmp_path, render_report_pdf(report=demo_report), "kept.pdf")
    monkeypatch.setattr(report_pdf, "_fonts", threading.local())
    fresh = write(tmp_path, render_report_pdf(report=demo_report), "fresh.pdf")
    assert page_texts(kept) == page_texts(fresh)
    assert font_faces(kept) == font_faces(fresh)


@pytest.mark.pdf
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


@pytest.mark.pdf
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


@pytest.mark.pdf
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


@pytest.mark.pdf
def test_export_of_an_approved_report_needs_no_flag_and_has_no_watermark(
    users, demo_report, tmp_path
):
    transition_apply(report=demo_report, user=users["clerk"], action="submit")
    transition_apply(report=demo_report, user=users["reviewer"], action="approve")
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
