"""The report as a Word document (.docx): the PDF's content in the PDF's order, in Word's styles.

Clerks finalise and stamp (盖章) the report in Word or WPS. The document is made from the same
``ReportDocument`` as the PDF, headings in Word's built-in heading styles (the navigation
pane and a table of contents find them), the faces named as PRINT.md asks so that a machine
with the official fonts shows them, the 自评表 as a Word table merged as the PDF's rowspans.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from docx import Document as new_document
from docx.document import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.opc.oxml import serialize_part_xml
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.styles.style import ParagraphStyle
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from projects.word import project_tables_docx
from scoring.table import COLUMN_LABELS

from .models import Report
from .narrative import H1, H2, H3
from .pdf import PrintRow, print_rows
from .selectors import ReportDocument, report_document
from .templatetags.perfeval import money, pct, points

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class Face:
    """A typeface as Word names it, and the names it goes by where that one is missing.

    The alternates go to the font table (``w:altName``): Word and WPS look a face up by them
    when the machine lacks its first name (a Windows without 仿宋_GB2312 has 仿宋).
    """

    name: str
    alternates: tuple[str, ...] = ()


FANGSONG = Face("仿宋_GB2312", ("仿宋", "FangSong"))
HEITI = Face("黑体", ("SimHei",))
KAITI = Face("楷体_GB2312", ("楷体", "KaiTi"))
XIAOBIAOSONG = Face("方正小标宋简体", ("方正小标宋_GBK", "FZXiaoBiaoSong-B05S"))
SONGTI = Face("宋体", ("SimSun",))
FACES = (FANGSONG, HEITI, KAITI, XIAOBIAOSONG, SONGTI)
LATIN = "Times New Roman"  # figures and Latin letters

BODY_SIZE = Pt(16)  # 3号
TITLE_SIZE = Pt(22)  # 2号
TABLE_TITLE_SIZE = Pt(18)
TABLE_SIZE = Pt(10.5)
NOTE_SIZE = Pt(12)
PAGE_NUMBER_SIZE = Pt(14)  # 4号
# 22 lines on the 225 mm type area, as the PDF sets them.
LINE = Pt(28.9)
INDENT = Pt(32)  # two characters
# GB/T 9704-2012: A4; 天头 37 mm, 订口 28 mm (inside), outer 26 mm, bottom 35 mm.
PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
TOP, BOTTOM, INSIDE, OUTSIDE = Mm(37), Mm(35), Mm(28), Mm(26)
# The page number 7 mm below the type area: its line (14 pt, some 5 mm) ends 23 mm up.
FOOTER_DISTANCE = Mm(23)
HEADER_DISTANCE = Mm(15)
WATERMARK_COLOR = RGBColor(0x99, 0x99, 0x99)
# The 自评表's columns as the PDF's print stylesheet sets them: 156 mm, the type area.
COLUMN_WIDTHS = tuple(Mm(w) for w in (17, 9, 22, 32, 18, 18, 11, 29))
CELL_MARGIN_TWIPS = 34  # 0.6 mm, the PDF's padding
TABLE_TEXT_STYLE = "自评表文字"
# The styles the report's H1, H2 and H3 blocks take, with the face and weight of each level
# (PRINT.md: "一、" 黑体; "（一）" 楷体; "1." 仿宋, bold as the PDF prints it).
HEADING_STYLES = {H1: "Heading 1", H2: "Heading 2", H3: "Heading 3"}
HEADING_FACES = {H1: (HEITI, False), H2: (KAITI, False), H3: (FANGSONG, True)}


def report_docx(*, report: Report, watermark: str = "") -> bytes:
    """The report as .docx bytes; ``watermark`` (草稿, 待审核 …) heads every page."""
    rd = report_document(report=report)
    doc = document_new(title=f"{rd.cover.unit} {rd.cover.title}", author=rd.cover.unit)
    _page_setup(doc, watermark)
    _cover(doc, rd)
    _body(doc, rd)
    _selfeval(doc, rd)
    _attachments(doc, rd)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _attachments(doc: Document, rd: ReportDocument) -> None:
    """The attachments after the 自评表: each project's own 项目支出绩效自评表 (附件2 …), in
    the order the PDF prints them."""
    project_tables_docx(doc, rd.projects)


# Styles


def document_new(*, title: str, author: str) -> Document:
    """An empty document with the report's styles: faces, sizes and the heading levels."""
    doc = new_document()
    doc.core_properties.title = title
    doc.core_properties.author = author
    doc.core_properties.language = "zh-CN"
    _font_table(doc)
    normal = doc.styles["Normal"]
    assert isinstance(normal, ParagraphStyle)
    _style_reset(normal, FANGSONG, BODY_SIZE)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    normal.element.get_or_add_rPr().append(lang)
    body = normal.paragraph_format
    body.line_spacing_rule, body.line_spacing = WD_LINE_SPACING.EXACTLY, LINE
    body.space_before = body.space_after = Pt(0)
    body.widow_control = True
    for level, (kind, name) in enumerate(HEADING_STYLES.items()):
        style = doc.styles[name]
        assert isinstance(style, ParagraphStyle)
        face, bold = HEADING_FACES[kind]
        _style_reset(style, face, BODY_SIZE, bold=bold)
        fmt = style.paragraph_format
        fmt.first_line_indent = INDENT
        fmt.space_before = fmt.space_after = Pt(0)
        fmt.keep_with_next = fmt.keep_together = True
        fmt.alignment = WD_ALIGN_PARAGRAPH.LEFT
        # The level the navigation pane and a table of contents read.
        style.element.get_or_add_pPr().get_or_add_outlineLvl().set(qn("w:val"), str(level))
    title = doc.styles["Title"]
    assert isinstance(title, ParagraphStyle)
    _style_reset(title, XIAOBIAOSONG, TITLE_SIZE, bold=True)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    title.paragraph_format.line_spacing = Pt(22 * 1.6)
    cell = doc.styles.add_style(TABLE_TEXT_STYLE, 1)  # WD_STYLE_TYPE.PARAGRAPH
    assert isinstance(cell, ParagraphStyle)
    cell.base_style = normal
    cell.font.size = TABLE_SIZE
    fmt = cell.paragraph_format
    fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.MULTIPLE, 1.1
    fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fmt.first_line_indent = Pt(0)
    for name in ("Header", "Footer"):
        style = doc.styles[name]
        assert isinstance(style, ParagraphStyle)
        style.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    return doc


def _style_reset(style: ParagraphStyle, face: Face, size: Pt, *, bold: bool = False) -> None:
    """The style's own look replaced: this face and size, black, no theme fonts or borders."""
    element = style.element
    for child in (element.pPr, element.rPr):
        if child is not None:
            element.remove(child)
    _set_face(element.get_or_add_rPr(), face)
    style.font.size = size
    style.font.bold = bold
    style.font.color.rgb = RGBColor(0, 0, 0)
    style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY


def _set_face(rpr, face: Face) -> None:
    """``face`` for East Asian text (``w:eastAsia``, which python-docx does not set), Times
    New Roman for figures and Latin letters."""
    fonts = rpr.get_or_add_rFonts()
    for attr in list(fonts.attrib):
        if attr.endswith("Theme") or attr.endswith("theme"):
            del fonts.attrib[attr]
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), LATIN)
    fonts.set(qn("w:eastAsia"), face.name)
    fonts.set(qn("w:hint"), "eastAsia")


def _font_table(doc: Document) -> None:
    """The report's faces in the document's font table, each with its other names."""
    part = next(
        p for p in doc.part.package.iter_parts() if str(p.partname) == "/word/fontTable.xml"
    )
    fonts = parse_xml(part.blob)
    for face in FACES:
        font = OxmlElement("w:font")
        font.set(qn("w:name"), face.name)
        if face.alternates:
            alt = OxmlElement("w:altName")
            alt.set(qn("w:val"), ",".join(face.alternates))
            font.append(alt)
        for tag, value in (("w:charset", "86"), ("w:family", "auto"), ("w:pitch", "variable")):
            child = OxmlElement(tag)
            child.set(qn("w:val"), value)
            font.append(child)
        fonts.append(font)
    # A plain Part: python-docx keeps its bytes only.
    part._blob = serialize_part_xml(fonts)


# Pages: A4, margins, page numbers, the draft's status


def _page_setup(doc: Document, watermark: str) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin, section.bottom_margin = TOP, BOTTOM
    section.left_margin, section.right_margin = INSIDE, OUTSIDE  # mirrored: left is inside
    section.footer_distance, section.header_distance = FOOTER_DISTANCE, HEADER_DISTANCE
    settings = doc.settings.element
    settings.insert_element_before(  # in the schema's order, or Word refuses the file
        OxmlElement("w:mirrorMargins"),
        "w:alignBordersAndEdges",
        "w:proofState",
        "w:attachedTemplate",
        "w:defaultTabStop",
        "w:characterSpacingControl",
        "w:compat",
    )
    # Odd pages carry the number on the right, even ones on the left; the cover none.
    doc.settings.odd_and_even_pages_header_footer = True
    section.different_first_page_header_footer = True
    _page_number(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)
    if watermark:
        for header in (section.header, section.even_page_header, section.first_page_header):
            paragraph = header.paragraphs[0]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = _run(paragraph, watermark, HEITI, size=Pt(22), bold=True)
            run.font.color.rgb = WATERMARK_COLOR


def _page_number(paragraph: Paragraph, side: WD_ALIGN_PARAGRAPH) -> None:
    """ "— 1 —" in 4号 宋体, one character in from the outside edge (a PAGE field)."""
    paragraph.alignment = side
    if side == WD_ALIGN_PARAGRAPH.RIGHT:
        paragraph.paragraph_format.right_indent = PAGE_NUMBER_SIZE
    else:
        paragraph.paragraph_format.left_indent = PAGE_NUMBER_SIZE
    _run(paragraph, "— ", SONGTI, size=PAGE_NUMBER_SIZE)
    for kind, text in (("begin", ""), ("instr", " PAGE "), ("separate", ""), ("text", "1")):
        run = _run(paragraph, "", SONGTI, size=PAGE_NUMBER_SIZE)
        if kind == "instr":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        elif kind == "text":
            run.text = text
        else:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
    end = _run(paragraph, "", SONGTI, size=PAGE_NUMBER_SIZE)
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), "end")
    end._r.append(char)
    _run(paragraph, " —", SONGTI, size=PAGE_NUMBER_SIZE)


def _run(paragraph: Paragraph, text: str, face: Face | None = None, *, size=None, bold=None):
    run = paragraph.add_run(text)
    if face is not None:
        _set_face(run._r.get_or_add_rPr(), face)
    if size is not None:
        run.font.size = size
    if bold is not None:
        run.font.bold = bold
    return run


# Cover and sections 一 to 八


def _cover(doc: Document, rd: ReportDocument) -> None:
    """Title, 单位名称（盖章） (the place the seal goes) and date, placed as on the PDF."""
    title = doc.add_paragraph(rd.cover.title, style="Title")
    title.paragraph_format.space_before = Mm(48)
    unit = doc.add_paragraph(f"单位名称（盖章）：{rd.cover.unit}")
    date = doc.add_paragraph(rd.cover.date)
    for paragraph, before in ((unit, Mm(86)), (date, Mm(6))):
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_before = before
    date.add_run().add_break(WD_BREAK.PAGE)


def _body(doc: Document, rd: ReportDocument) -> None:
    """Sections 一 to 八: headings in Word's heading styles; a paragraph's run-in ``lead``
    in bold before its text."""
    for block in rd.blocks:
        if block.kind in HEADING_STYLES:
            doc.add_paragraph(block.text, style=HEADING_STYLES[block.kind])
            continue
        paragraph = doc.add_paragraph()
        paragraph.paragraph_format.first_line_indent = INDENT
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        if block.lead:
            _run(paragraph, block.lead, bold=True)
        _run(paragraph, block.text)


# The 自评表, the report's attachment


def _attachment_heading(doc: Document, title: str, label_text: str = "附件") -> None:
    """ "附件" (or "附件2" …) in 黑体 at the top of a new page, the title centred (a level-1
    heading)."""
    label = doc.add_paragraph()
    label.paragraph_format.page_break_before = True
    _run(label, label_text, HEITI)
    heading = doc.add_paragraph(style="Heading 1")
    fmt = heading.paragraph_format
    fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fmt.first_line_indent = Pt(0)
    fmt.space_before = LINE
    fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(18 * 1.6)
    _run(heading, title, XIAOBIAOSONG, size=TABLE_TITLE_SIZE, bold=True)


def _selfeval(doc: Document, rd: ReportDocument) -> None:
    t = rd.table
    # With projects' tables after it, the 自评表 is the first of several attachments.
    label = "附件1" if rd.projects else "附件"
    _attachment_heading(doc, f"{t.year} 年部门整体支出绩效自评表", label)
    unit = doc.add_paragraph()
    unit.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _run(unit, "单位：万元", size=NOTE_SIZE)
    _selfeval_head(doc, rd)
    # The two tables meet as one, as in the PDF; a paragraph between keeps Word from merging
    # them, so that the column labels can repeat on every page of the indicators.
    joint = doc.add_paragraph()
    joint.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    joint.paragraph_format.line_spacing = Pt(0.05)
    _selfeval_body(doc, rd)
    if t.note:
        note = doc.add_paragraph()
        note.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        note.paragraph_format.space_before = Mm(2)
        note.paragraph_format.line_spacing_rule = WD_LINE_SPACING.MULTIPLE
        note.paragraph_format.line_spacing = 1.3
        _run(note, f"注：{t.note}", size=NOTE_SIZE)


def _table(doc: Document, rows: int) -> Table:
    """A bordered table of the 自评表's eight columns, at the PDF's widths, fixed (``autofit``
    off), rows never split over a page."""
    table = doc.add_table(rows=rows, cols=len(COLUMN_WIDTHS), style="Table Grid")
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    margins = OxmlElement("w:tblCellMar")
    for side in ("top", "left", "bottom", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), str(CELL_MARGIN_TWIPS))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    table._tbl.tblPr.insert_element_before(
        margins, "w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange"
    )
    for number, width in enumerate(COLUMN_WIDTHS):
        table.columns[number].width = width
        for cell in table.columns[number].cells:
            cell.width = width
    for row in table.rows:
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    return table


def _put(
    table: Table,
    row: int,
    col: int,
    text: str,
    *,
    to: tuple[int, int] | None = None,
    label: bool = False,
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.CENTER,
) -> _Cell:
    """``text`` in a cell (merged through the cell at ``to``); ``label``: in 黑体."""
    cell = table.cell(row, col)
    if to is not None and to != (row, col):
        cell = cell.merge(table.cell(*to))
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    lines = text.splitlines() or [""]
    for number, line in enumerate(lines):
        paragraph = cell.paragraphs[0] if number == 0 else cell.add_paragraph()
        paragraph.style = TABLE_TEXT_STYLE
        paragraph.alignment = align
        if line:
            _run(paragraph, line, HEITI if label else None)
    return cell


def _selfeval_head(doc: Document, rd: ReportDocument) -> None:
    """部门（单位）名称, 整体支出规模 and 年度总体目标, as ``_selfeval_head.html`` lays them."""
    t = rd.table
    lines = len(t.header)
    table = _table(doc, rows=lines + 5)
    left, right = WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.RIGHT
    _put(table, 0, 0, "部门（单位）名称", to=(0, 1), label=True)
    _put(table, 0, 2, t.unit, to=(0, 7))
    _put(table, 1, 0, "整体支出规模", to=(lines + 1, 1), label=True)
    _put(table, 1, 2, "", to=(1, 3))
    _put(table, 1, 4, "全年预算数", label=True)
    _put(table, 1, 5, "全年执行数", label=True)
    _put(table, 1, 6, "执行率%", to=(1, 7), label=True)
    for number, line in enumerate(t.header, start=2):
        amounts = line.amounts
        _put(table, number, 2, line.label, to=(number, 3), align=left)
        _put(table, number, 4, money(amounts.budget) if amounts else "", align=right)
        _put(table, number, 5, money(amounts.actual) if amounts else "", align=right)
        _put(
            table, number, 6, pct(amounts.rate_pct) if amounts else "", to=(number, 7), align=right
        )
    goal = lines + 2
    _put(table, goal, 0, "年度总体目标", to=(goal + 1, 1), label=True)
    _put(table, goal, 2, "年初设定目标", to=(goal, 4), label=True)
    _put(table, goal, 5, "全年完成情况", to=(goal, 7), label=True)
    _put(table, goal + 1, 2, t.annual_goal, to=(goal + 1, 4), align=left)
    _put(table, goal + 1, 5, t.annual_goal_result, to=(goal + 1, 7), align=left)
    _put(table, goal + 2, 0, "分解目标自评", to=(goal + 2, 7), label=True)


def _selfeval_body(doc: Document, rd: ReportDocument) -> Table:
    """The column labels (repeated on every page), one row per level-3 indicator, merged as
    the PDF's rowspans, and the 总分 row."""
    t = rd.table
    rows: Sequence[PrintRow] = print_rows(t.rows)  # the PDF's spans, without a page's cuts
    table = _table(doc, rows=len(rows) + 2)
    for col, label in enumerate(COLUMN_LABELS):
        _put(table, 0, col, label, label=True)
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for number, r in enumerate(rows, start=1):
        last = number - 1
        if r.section_span:
            end = (last + r.section_span, 0)
            _put(table, number, 0, r.line.section.name, to=end, label=True)
            _put(table, number, 1, points(r.line.section.weight), to=(end[0], 1))
        if r.group_span:
            _put(table, number, 2, r.line.level2_label, to=(last + r.group_span, 2))
        _put(table, number, 3, r.line.row.name)
        _put(table, number, 4, r.line.row.target)
        _put(table, number, 5, r.line.row.actual_display)
        if r.score_span:
            end_row = last + r.score_span
            _put(table, number, 6, points(r.score), to=(end_row, 6))
            _put(table, number, 7, r.deviation, to=(end_row, 7), align=WD_ALIGN_PARAGRAPH.LEFT)
    total = len(rows) + 1
    _put(table, total, 0, "总分", label=True)
    _put(table, total, 1, points(t.total_weight), label=True)
    _put(table, total, 2, "", to=(total, 5))
    _put(table, total, 6, points(t.total_score), label=True)
    _put(table, total, 7, f"评价等级：{t.grade}", label=True)
    return table
