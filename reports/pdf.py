"""The report as the PDF an auditor downloads: WeasyPrint, A4, laid out as GB/T 9704 asks."""

from __future__ import annotations

import functools
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import CSS, HTML, URLFetcher
from weasyprint.document import Document
from weasyprint.text.fonts import FontConfiguration

from scoring.table import TableRow

from .models import Report
from .selectors import report_document

TEMPLATE = "reports/pdf/report.html"
STYLESHEET = "reports/pdf/print.css"
ROW_ANCHOR_PREFIX = "row-"
# Each pass only adds cuts, so this bounds a layout that keeps moving rows, which a real
# table does not do: the second pass settles it.
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


def _html(*, doc: dict, watermark: str, cuts: frozenset[int], part: str = "all") -> str:
    return render_to_string(
        TEMPLATE,
        {
            "doc": doc,
            "table_rows": print_rows(doc["rows"], cuts),
            "watermark": watermark,
            "part": part,
        },
    )


def _css(first_page: int = 1) -> str:
    """The print stylesheet for a part whose first page has this number (odd pages right)."""
    odd, even = ("right", "left") if first_page % 2 else ("left", "right")
    return render_to_string(
        STYLESHEET, {"first_page": first_page, "odd_side": odd, "even_side": even}
    )


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


def _layout(html: str, css: str) -> Document:
    source = HTML(string=html, base_url=str(settings.BASE_DIR), url_fetcher=_fetcher())
    return source.render(stylesheets=[_stylesheet(css)], font_config=_font_config())


# Where a table was cut, by the hash of its uncut HTML: laying out the same table again (a
# preview opened twice, the stored PDF after its preview) then takes one pass, not two.
_known_cuts: OrderedDict[str, frozenset[int]] = OrderedDict()
KNOWN_CUTS_MAX = 256
_known_cuts_lock = threading.Lock()


def _table_layout(*, doc: dict, watermark: str, first_page: int) -> Document:
    """The 自评表 alone, cut wherever a level-1 group crosses a page."""
    uncut = _html(doc=doc, watermark=watermark, cuts=frozenset(), part="table")
    css = _css(first_page)
    key = hashlib.sha256(f"{uncut}{css}".encode()).hexdigest()
    with _known_cuts_lock:
        cuts = _known_cuts.get(key, frozenset())
    sections = [line.section.key or line.section.name for line in doc["rows"]]
    for _ in range(MAX_LAYOUT_PASSES):
        html = uncut if not cuts else _html(doc=doc, watermark=watermark, cuts=cuts, part="table")
        table = _layout(html, css)
        needed = rows_to_cut(pages=row_pages(table, len(doc["rows"])), sections=sections)
        if needed <= cuts:
            break
        cuts |= needed
    with _known_cuts_lock:  # threads of one server share it
        _known_cuts[key] = cuts
        _known_cuts.move_to_end(key)
        while len(_known_cuts) > KNOWN_CUTS_MAX:
            _known_cuts.popitem(last=False)
    return table


def report_layout(*, report: Report, watermark: str = "") -> Document:
    """The laid-out report, with the 自评表 cut wherever a level-1 group crosses a page.

    The 自评表 starts on a page of its own, so where its rows fall does not depend on the
    text before it: the text is laid out once, the table alone (a few pages) as often as
    its cuts need, and the pages are put together. Only the smaller part is laid out again.
    """
    doc = report_document(report=report)
    text = _layout(_html(doc=doc, watermark=watermark, cuts=frozenset(), part="text"), _css())
    table = _table_layout(doc=doc, watermark=watermark, first_page=len(text.pages) + 1)
    return text.copy([*text.pages, *table.pages])


def render_report_pdf(*, report: Report, watermark: str = "") -> bytes:
    """The report as PDF bytes; ``watermark`` (草稿, 待审核 …) is printed across every page."""
    return report_layout(report=report, watermark=watermark).write_pdf()
