"""The report as the PDF an auditor downloads: WeasyPrint, A4, laid out as GB/T 9704 asks."""

from __future__ import annotations

import functools
import hashlib
import re
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import CSS, HTML, URLFetcher
from weasyprint.document import Document
from weasyprint.formatting_structure import boxes
from weasyprint.layout import LayoutContext
from weasyprint.layout import inline as weasyprint_inline
from weasyprint.text.fonts import FontConfiguration
from weasyprint.text.line_break import create_layout, line_size

from scoring.table import TableRow

from .models import Report
from .narrative import Block
from .selectors import ReportDocument, report_document

TEMPLATE = "reports/pdf/report.html"
STYLESHEET = "reports/pdf/print.css"
ROW_ANCHOR_PREFIX = "row-"
TOTAL_ANCHOR = "table-total"
NOTE_ANCHOR = "table-note"
# Spreading a line wider than this between each two characters would open gaps: such a line
# (one before a long unbreakable run of Latin letters or digits) is left ragged instead.
MAX_JUSTIFICATION_EM = 0.25
# A figure ("614.49", "94.14%", "2022") or a Latin word: justification never spreads it.
TIGHT_RUN = re.compile(r"([0-9A-Za-z]+(?:[.,:/-][0-9A-Za-z]+)*%?)")
# Each pass only adds breaks, so this bounds a layout that keeps moving rows, which a real
# table does not do: the second pass settles it (a third moves the 总分 row on, if it must).
MAX_LAYOUT_PASSES = 4


@dataclass(frozen=True)
class PrintRow:
    """A 自评表 row as printed: spans as in ``TableRow``, but never across a cut."""

    index: int
    line: TableRow
    section_span: int
    group_span: int
    score_span: int
    score: Decimal | None
    deviation: str
    section_continued: bool = False  # the 一级指标 cells are printed again after a page break
    group_continued: bool = False  # the 二级指标 cell is printed again after a page break


def rows_to_cut(*, pages: Sequence[int], sections: Sequence[Hashable]) -> frozenset[int]:
    """The rows that open a page inside their level-1 group, given each row's page.

    A merged cell is not repeated when its rows run onto the next page, so the table is cut
    before each of these rows and the continuation gets its own 一级指标 and 二级指标 cells.
    """
    return frozenset(
        i
        for i in range(1, len(pages))
        if pages[i] != pages[i - 1] and sections[i] == sections[i - 1]
    )


def print_rows(rows: Sequence[TableRow], cuts: frozenset[int] = frozenset()) -> list[PrintRow]:
    """The table's rows with every merged cell ending at a level-1, level-2 or cut boundary."""
    section_starts = {i for i, r in enumerate(rows) if r.first_of_section}
    group_starts = {i for i, r in enumerate(rows) if r.group_span}

    def span(start: int, starts: set[int]) -> int:
        end = start + 1
        while end < len(rows) and end not in starts and end not in cuts:
            end += 1
        return end - start

    printed = []
    group_first = 0
    for i, line in enumerate(rows):
        if i in group_starts:
            group_first = i
        opens_section = i in section_starts or i in cuts
        opens_group = i in group_starts or i in cuts
        whole = line.group.scored_as_whole
        printed.append(
            PrintRow(
                index=i,
                line=line,
                section_span=span(i, section_starts) if opens_section else 0,
                group_span=span(i, group_starts) if opens_group else 0,
                score_span=(span(i, group_starts) if opens_group else 0) if whole else 1,
                score=line.score,
                # A group scored as a whole states its deviation once, on its first row.
                deviation=rows[group_first].deviation if whole else line.deviation,
                section_continued=i in cuts and i not in section_starts,
                group_continued=i in cuts and i not in group_starts,
            )
        )
    return printed


def row_pages(document: Document, row_count: int) -> list[int]:
    """The page each 自评表 row starts on, from the ``row-<n>`` anchors of the layout."""
    pages = [0] * row_count
    for number, page in enumerate(document.pages, start=1):
        for anchor in page.anchors:
            if anchor.startswith(ROW_ANCHOR_PREFIX):
                pages[int(anchor.removeprefix(ROW_ANCHOR_PREFIX))] = number
    return pages


@dataclass(frozen=True)
class PrintBlock:
    """A heading or paragraph of sections 一 to 八 as printed.

    Its last two characters (with any punctuation after them) are its ``tail``, printed
    unbreakable, so that no heading or paragraph ends on a line holding one character.
    """

    kind: str
    text: str
    tail: str = ""
    lead: str = ""


def last_two(text: str) -> tuple[str, str]:
    """``text`` split before its last two characters and the punctuation that follows them."""
    end = len(text)
    while end and unicodedata.category(text[end - 1]).startswith("P"):
        end -= 1
    start = max(end - 2, 0)
    return (text[:start], text[start:]) if start else ("", text)


def print_blocks(blocks: Sequence[Block]) -> list[PrintBlock]:
    return [PrintBlock(block.kind, *last_two(block.text), lead=block.lead) for block in blocks]


def _clusters(text: str) -> int:
    """How many characters ``text`` shows: marks, selectors and joiners go with the one before."""
    return sum(1 for char in text if unicodedata.category(char) not in ("Mn", "Me", "Cf"))


def _runs(text: str) -> list[tuple[str, bool]]:
    """``text`` as runs, each with whether it is a figure or Latin word, never spread inside."""
    return [(run, bool(TIGHT_RUN.fullmatch(run))) for run in TIGHT_RUN.split(text) if run]


def _opportunities(text: str) -> int:
    """The places in ``text`` that take spacing: after each character, a figure counting as one."""
    return sum(1 if tight else _clusters(run) for run, tight in _runs(text))


def _text_boxes(box: boxes.Box) -> Iterator[boxes.TextBox]:
    if isinstance(box, boxes.TextBox):
        yield box
    elif isinstance(box, (boxes.LineBox, boxes.InlineBox)):
        for child in box.children:
            if child.is_in_normal_flow():
                yield from _text_boxes(child)


def _spread_text(
    context: LayoutContext, box: boxes.TextBox, spacing: float, last: bool, x: float
) -> list[boxes.TextBox]:
    """``box`` as boxes placed from ``x`` on, ``spacing`` after each of their opportunities.

    A Chinese run takes the spacing as letter spacing; a figure or Latin word stays as set and
    takes it after its end only. Nothing follows the line's last character.
    """
    pieces = []
    runs = _runs(box.text)
    for number, (text, tight) in enumerate(runs):
        final = last and number == len(runs) - 1
        if len(runs) == 1:
            piece, width = box, box.width
        else:
            piece = box.copy_with_text(text)
            measure = create_layout(text, box.style, context, None, justification_spacing=0)
            width, _ = line_size(measure.get_first_line()[0], box.style)
            measure.deactivate()
        if not tight:
            style = box.style.copy()  # text boxes of one element share their style
            letter_spacing = style["letter_spacing"]
            base = 0 if letter_spacing == "normal" else letter_spacing
            style["letter_spacing"] = base + spacing
            piece.style = style
            layout = create_layout(text, style, context, max_width=None, justification_spacing=0)
            layout.deactivate()  # drawing reactivates it with the box's style, as WeasyPrint's
            piece.pango_layout = layout
            width += spacing * (_clusters(text) - final)
        else:
            piece.pango_layout = create_layout(
                text, box.style, context, max_width=None, justification_spacing=0
            )
            piece.pango_layout.deactivate()
            width += 0 if final else spacing
        piece.position_x, piece.width = x, width
        x += width
        pieces.append(piece)
    return pieces


def _spread(
    context: LayoutContext,
    box: boxes.LineBox | boxes.InlineBox,
    spacing: float,
    last: boxes.TextBox,
    x_advance: float,
) -> float:
    """Spread the inline ``box``'s text by ``spacing``; move it and what follows it along."""
    box.position_x += x_advance
    start = x_advance
    children = []
    for child in box.children:
        if isinstance(child, boxes.TextBox):
            end = child.position_x + child.width
            pieces = _spread_text(
                context, child, spacing, child is last, child.position_x + x_advance
            )
            x_advance = pieces[-1].position_x + pieces[-1].width - end  # where it ends now
            children += pieces
            continue
        if isinstance(child, boxes.InlineBox):
            x_advance = _spread(context, child, spacing, last, x_advance)
        elif child.is_in_normal_flow():
            child.translate(x_advance, 0)
        children.append(child)
    box.children = children
    box.width += x_advance - start
    return x_advance


# WeasyPrint's own, kept for lines in other languages (and found again if this module is
# imported a second time, so that the two never call each other).
_weasyprint_justify_line = getattr(
    weasyprint_inline.justify_line, "weasyprint_original", weasyprint_inline.justify_line
)


def _justify_line(context: LayoutContext, line: boxes.LineBox, extra_width: float) -> None:
    """Justify a Chinese line by spacing its characters evenly.

    WeasyPrint (70) justifies by widening spaces only: a Chinese line has none, or only the
    ones around figures ("支出 614.49 万元"), which would gape. Chinese typesetting spreads
    the shortfall between the characters (CSS ``text-justify: inter-character``), figures and
    Latin words kept whole, as here. WeasyPrint calls this for every line but a paragraph's
    last, so that one stays as set.
    """
    if not str(line.style["lang"] or "").lower().startswith("zh"):
        _weasyprint_justify_line(context, line, extra_width)
        return
    texts = list(_text_boxes(line))
    gaps = sum(_opportunities(box.text) for box in texts) - 1
    if gaps < 1 or extra_width / gaps > MAX_JUSTIFICATION_EM * line.style["font_size"]:
        return
    _spread(context, line, extra_width / gaps, texts[-1], 0)


_justify_line.weasyprint_original = _weasyprint_justify_line  # type: ignore[attr-defined]  # mypy types no function attributes
weasyprint_inline.justify_line = _justify_line


def _html(*, doc: ReportDocument, watermark: str, breaks: TableBreaks, part: str = "all") -> str:
    return render_to_string(
        TEMPLATE,
        {
            "doc": doc,
            "blocks": print_blocks(doc.blocks),
            "table_rows": print_rows(doc.table.rows, breaks.cuts),
            "total_opens_page": breaks.total_opens_page,
            "watermark": watermark,
            "part": part,
        },
    )


def print_css(first_page: int = 1) -> str:
    """The print stylesheet for a part whose first page has this number (odd pages right)."""
    odd, even = ("right", "left") if first_page % 2 else ("left", "right")
    # (page side, its outside edge, its binding edge): odd numbers print on the right.
    sides = ((odd, "right", "left"), (even, "left", "right"))
    return render_to_string(STYLESHEET, {"first_page": first_page, "page_sides": sides})


def _fetcher() -> URLFetcher:
    # Everything is inlined; only local files may load, so a report never reaches the network.
    return URLFetcher(allowed_protocols={"file", "data"})


@functools.lru_cache(maxsize=64)
def _stylesheet(css: str) -> CSS:
    """The stylesheet parsed once per process and variant; WeasyPrint only reads it."""
    return CSS(string=css, base_url=str(settings.BASE_DIR), url_fetcher=_fetcher())


_fonts = threading.local()


def _font_config() -> FontConfiguration:
    """This thread's font configuration, made on its first layout and kept.

    Made afresh, it reads Fontconfig's configuration and the system's font list and opens
    the CJK faces again: about a fifth of a warm render. Pango's font map is not thread-safe,
    so each thread keeps its own. The print stylesheet has no ``@font-face``, so nothing a
    document adds stays in it.
    """
    config = getattr(_fonts, "config", None)
    if config is None:
        config = _fonts.config = FontConfiguration()
    return config


def html_layout(html: str, css: str) -> Document:
    source = HTML(string=html, base_url=str(settings.BASE_DIR), url_fetcher=_fetcher())
    return source.render(stylesheets=[_stylesheet(css)], font_config=_font_config())


@dataclass(frozen=True)
class TableBreaks:
    """Where the 自评表 breaks beyond where it runs over: its cuts, and the 总分 row moved on."""

    cuts: frozenset[int] = frozenset()
    total_opens_page: bool = False


def anchor_page(document: Document, anchor: str) -> int | None:
    """The number of the page that holds the element with this ``id``."""
    for number, page in enumerate(document.pages, start=1):
        if anchor in page.anchors:
            return number
    return None


# Where a table was broken, by the hash of its unbroken HTML: laying out the same table again
# (a preview opened twice, the stored PDF after its preview) then takes one pass, not two.
_known_breaks: OrderedDict[str, TableBreaks] = OrderedDict()
KNOWN_BREAKS_MAX = 256
_known_breaks_lock = threading.Lock()


def _table_layout(*, doc: ReportDocument, watermark: str, first_page: int) -> Document:
    """The 自评表 alone, cut wherever a level-1 group crosses a page, the 注 with the 总分 row.

    The stylesheet keeps the 注, the 总分 row and the last indicator row together. When that
    row opens its page there is no earlier break to move them at, and WeasyPrint lets the 注
    go over alone: then the 总分 row starts the next page, and the 注 follows it there.
    """
    unbroken = _html(doc=doc, watermark=watermark, breaks=TableBreaks(), part="table")
    css = print_css(first_page)
    key = hashlib.sha256(f"{unbroken}{css}".encode()).hexdigest()
    with _known_breaks_lock:
        breaks = _known_breaks.get(key, TableBreaks())
    rows = doc.table.rows
    sections = [line.section.key or line.section.name for line in rows]
    for _ in range(MAX_LAYOUT_PASSES):
        html = (
            unbroken
            if breaks == TableBreaks()
            else _html(doc=doc, watermark=watermark, breaks=breaks, part="table")
        )
        table = html_layout(html, css)
        needed = rows_to_cut(pages=row_pages(table, len(rows)), sections=sections)
        if not needed <= breaks.cuts:
            breaks = replace(breaks, cuts=breaks.cuts | needed)
        elif (
            doc.table.note
            and not breaks.total_opens_page
            and anchor_page(table, NOTE_ANCHOR) != anchor_page(table, TOTAL_ANCHOR)
        ):
            breaks = replace(breaks, total_opens_page=True)
        else:
            break
    with _known_breaks_lock:  # threads of one server share it
        _known_breaks[key] = breaks
        _known_breaks.move_to_end(key)
        while len(_known_breaks) > KNOWN_BREAKS_MAX:
            _known_breaks.popitem(last=False)
    return table


def report_layout(*, report: Report, watermark: str = "") -> Document:
    """The laid-out report, with the 自评表 cut wherever a level-1 group crosses a page.

    The 自评表 starts on a page of its own, so where its rows fall does not depend on the
    text before it: the text is laid out once, the table alone (a few pages) as often as
    its cuts need, and the pages are put together. Only the smaller part is laid out again.
    """
    doc = report_document(report=report)
    text = html_layout(
        _html(doc=doc, watermark=watermark, breaks=TableBreaks(), part="text"), print_css()
    )
    table = _table_layout(doc=doc, watermark=watermark, first_page=len(text.pages) + 1)
    return text.copy([*text.pages, *table.pages])


def render_report_pdf(*, report: Report, watermark: str = "") -> bytes:
    """The report as PDF bytes; ``watermark`` (草稿, 待审核 …) is printed across every page."""
    return report_layout(report=report, watermark=watermark).write_pdf()
