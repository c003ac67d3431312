"""Measuring an uploaded 自评表 before openpyxl parses it: format, parts, sheets and merges.

Pure: the standard library only (the limits come from perfeval/limits.py). openpyxl believes
what a file declares: a merge over the whole sheet becomes 17 billion cells, a sheet of 100,000
rows is read to the end, an entity declaration is expanded. So the archive's declared sizes are
checked, and every worksheet is streamed through expat, stopping at the first limit passed,
before openpyxl sees a byte; what is too big is named with what to do about it. The same pass
notes the formulas saved without a result, so the workbook need be loaded only once.
"""

from __future__ import annotations

import contextlib
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from io import BytesIO
from xml.parsers import expat

from perfeval.limits import (
    SHEET_MAX_COLUMNS,
    SHEET_MAX_MERGES,
    SHEET_MAX_ROWS,
    UPLOAD_MAX_BYTES,
    UPLOAD_MAX_CELLS,
    UPLOAD_MAX_PARTS,
    UPLOAD_MAX_TAGS,
    UPLOAD_MAX_UNPACKED_BYTES,
)

MB = 1024 * 1024
CHUNK = 64 * 1024
# Every cell of one sheet's box: what its merges together may cover at most.
SHEET_MAX_CELLS = SHEET_MAX_ROWS * SHEET_MAX_COLUMNS
WORKBOOK_TYPES = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    "application/vnd.ms-excel.template.macroEnabled.main+xml",
}
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"

SAVE_AS_XLSX = (
    "请在 Excel 中“文件 → 另存为”，保存类型选“Excel 工作簿（*.xlsx）”；"
    "在 WPS 中“另存为”.xlsx 格式；在 LibreOffice 中“另存为”，文件类型选“Excel 2007-365（.xlsx）”，"
    "然后导入新保存的文件。"
)
XLS_MESSAGE = "这是旧版 Excel（.xls）文件，不能直接导入：" + SAVE_AS_XLSX
ET_MESSAGE = "这是 WPS 表格（.et）文件，不能直接导入：" + SAVE_AS_XLSX
OLE2_MESSAGE = (
    "这是旧版 Excel（.xls）或 WPS 表格（.et）文件（也可能是设置了打开密码的工作簿，请先取消密码），"
    "不能直接导入：" + SAVE_AS_XLSX
)
XLSM_MESSAGE = "这是启用宏的 Excel 工作簿（.xlsm），为安全起见不能导入：" + SAVE_AS_XLSX
XLSB_MESSAGE = "这是 Excel 二进制工作簿（.xlsb），不能直接导入：" + SAVE_AS_XLSX
ODS_MESSAGE = "这是 OpenDocument 电子表格（.ods），不能直接导入：" + SAVE_AS_XLSX
NOT_XLSX_NAME = "只能导入 .xlsx 格式的自评表：请选择 Excel 工作簿文件。"
BY_SUFFIX = {
    ".xls": XLS_MESSAGE,
    ".et": ET_MESSAGE,
    ".xlsm": XLSM_MESSAGE,
    ".xltm": XLSM_MESSAGE,
    ".xlsb": XLSB_MESSAGE,
    ".ods": ODS_MESSAGE,
}
DAMAGED = "文件已损坏（其中的“{part}”无法读取）：请在 Excel 中打开并另存为后再导入。"
NOT_A_WORKBOOK = (
    "文件是压缩包，但不是 Excel 工作簿（可能是 Word 文档或其他文件）：请上传 .xlsx 格式的自评表。"
)


class UnreadableWorkbook(Exception):
    """The bytes are not an .xlsx workbook that can be opened; the message says what they are."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class SheetMeasure:
    """What one worksheet part holds, as far as the limits and the reader care."""

    name: str
    part: str
    dimension: str = ""  # the <dimension ref> it claims, unchecked
    rows: int = 0  # <row> elements
    cells: int = 0  # cells stored, empty ones with a format included
    max_row: int = 0
    max_column: int = 0
    merges: int = 0
    merged_area: int = 0  # cells covered by merges, overlaps counted again
    # (row, column) of formulas saved without a result (<f> with no or an empty <v>).
    blank_formulas: frozenset[tuple[int, int]] = frozenset()


@dataclass(frozen=True)
class WorkbookMeasure:
    parts: int
    unpacked_bytes: int
    tags: int
    sheets: dict[str, SheetMeasure] = field(default_factory=dict)  # by sheet name


def size_refusal(size: int) -> str | None:
    """The message for a file of ``size`` bytes over the upload limit, None if it fits."""
    if size <= UPLOAD_MAX_BYTES:
        return None
    return (
        f"文件大小为 {size / MB:.1f} MB，超过 {UPLOAD_MAX_BYTES // MB} MB 的上限：自评表通常只有"
        "几十 KB，请删除多余的工作表、图片后另存再导入。"
    )


def name_refusal(filename: str) -> str | None:
    """The message for an upload whose name says it is not an .xlsx, None for an .xlsx."""
    name = filename.lower().strip()
    if name.endswith(".xlsx"):
        return None
    suffix = posixpath.splitext(name)[1]
    return BY_SUFFIX.get(suffix, NOT_XLSX_NAME)


def workbook_measure(data: bytes) -> WorkbookMeasure:
    """Measure an .xlsx upload; raise UnreadableWorkbook saying what is wrong or too big."""
    _refuse_by_magic(data)
    try:
        archive = zipfile.ZipFile(BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise UnreadableWorkbook(
            "文件已损坏或不完整（可能下载或复制时被截断）：请重新保存或重新下载后再导入。"
        ) from None
    with archive:
        return _Measuring(archive).run()


def _refuse_by_magic(data: bytes) -> None:
    if not data:
        raise UnreadableWorkbook("文件是空的：请选择填好的自评表 .xlsx 文件。")
    if message := size_refusal(len(data)):
        raise UnreadableWorkbook(message)
    if data.startswith(b"%PDF"):
        raise UnreadableWorkbook("这是 PDF 文件，不是 Excel 表格：请上传 .xlsx 格式的自评表。")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableWorkbook(OLE2_MESSAGE)
    if not data.startswith(b"PK"):
        raise UnreadableWorkbook(
            "文件不是 .xlsx 格式的 Excel 表格（可能是文本、图片或其他文件）："
            "请上传用 Excel 或 WPS 保存的 .xlsx 文件。"
        )


# --- Cell references ----------------------------------------------------------------------

_CELL = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,15})")
_BEYOND = 10**9  # a row number standing for "far too many" when it is absurdly long


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters.upper():
        index = index * 26 + ord(letter) - 64
    return index


def column_letter(index: int) -> str:
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cell(text: str) -> tuple[int, int] | None:
    """(row, column) of "B7" or "$B$7"; None when it is not a cell reference."""
    match = _CELL.fullmatch(text.strip())
    if match is None:
        return None
    return min(int(match.group(2)), _BEYOND), _column_index(match.group(1))


def _range(text: str) -> tuple[int, int, int, int] | None:
    """(min_row, min_col, max_row, max_col) of "A1:B2" or "A1"; None when not a range."""
    first, _, last = text.strip().partition(":")
    start, end = _cell(first), _cell(last or first)
    if start is None or end is None:
        return None
    return (
        min(start[0], end[0]),
        min(start[1], end[1]),
        max(start[0], end[0]),
        max(start[1], end[1]),
    )


BOX = f"A1:{column_letter(SHEET_MAX_COLUMNS)}{SHEET_MAX_ROWS}"


# --- The archive --------------------------------------------------------------------------


class _Stop(Exception):
    """Raised by a handler to stop expat once it has seen what it needed."""


class _Measuring:
    def __init__(self, archive: zipfile.ZipFile):
        self.archive = archive
        self.infos = archive.infolist()
        self.names = {info.filename for info in self.infos}
        self.tags = 0

    def run(self) -> WorkbookMeasure:
        self._refuse_other_formats()
        self._refuse_declared_sizes()
        content_types = self._content_types()
        if any("macroEnabled" in t or "vbaProject" in t for t in content_types.values()):
            raise UnreadableWorkbook(XLSM_MESSAGE)
        workbook = next(
            (part for part, kind in content_types.items() if kind in WORKBOOK_TYPES),
            "xl/workbook.xml",
        )
        if workbook not in self.names:
            raise UnreadableWorkbook(NOT_A_WORKBOOK)
        done = {"[Content_Types].xml"}
        sheets: dict[str, SheetMeasure] = {}
        cells = 0
        for name, part in self._sheet_parts(workbook, done):
            if part in done or part not in self.names:
                continue
            done.add(part)
            sheet = self._sheet(name, part, UPLOAD_MAX_CELLS - cells)
            cells += sheet.cells
            sheets.setdefault(name, sheet)
        for info in self.infos:
            if info.filename not in done:
                self._other_part(info.filename)
        return WorkbookMeasure(
            parts=len(self.infos),
            unpacked_bytes=sum(info.file_size for info in self.infos),
            tags=self.tags,
            sheets=sheets,
        )

    # Formats and sizes, from names and the central directory alone.

    def _refuse_other_formats(self) -> None:
        if "mimetype" in self.names:
            with _damaged_on_error("mimetype"):
                with self.archive.open("mimetype") as stream:
                    mimetype = stream.read(100).strip()
            if mimetype == ODS_MIMETYPE:
                raise UnreadableWorkbook(ODS_MESSAGE)
            raise UnreadableWorkbook(NOT_A_WORKBOOK)
        if "xl/workbook.bin" in self.names:
            raise UnreadableWorkbook(XLSB_MESSAGE)
        if any(name.lower().endswith("vbaproject.bin") for name in self.names):
            raise UnreadableWorkbook(XLSM_MESSAGE)

    def _refuse_declared_sizes(self) -> None:
        if len(self.infos) > UPLOAD_MAX_PARTS:
            raise UnreadableWorkbook(
                f"文件由 {len(self.infos):,} 个部件组成，超过 {UPLOAD_MAX_PARTS:,} 个的上限，"
                "不像是一张自评表（通常只有十几个）：请把自评表所在的工作表复制到新建的工作簿中，"
                "另存为 .xlsx 后再导入。"
            )
        if len(self.names) < len(self.infos):
            raise UnreadableWorkbook(
                "文件已损坏（压缩包中有重名的部件）：请在 Excel 中打开并另存为后再导入。"
            )
        for info in self.infos:
            if info.flag_bits & 0x1:
                raise UnreadableWorkbook(
                    f"文件中的“{info.filename}”已加密，无法读取："
                    "请取消密码、另存为 .xlsx 后再导入。"
                )
        unpacked = sum(info.file_size for info in self.infos)
        if unpacked > UPLOAD_MAX_UNPACKED_BYTES:
            largest = max(self.infos, key=lambda info: info.file_size)
            raise UnreadableWorkbook(
                f"文件解压后共 {unpacked / MB:,.1f} MB（其中“{largest.filename}”"
                f"{largest.file_size / MB:,.1f} MB），超过 {UPLOAD_MAX_UNPACKED_BYTES // MB} MB "
                "的上限，不像是一张自评表：请删除多余的工作表、图片后另存再导入。"
            )

    # Streaming the parts.

    def _chunks(self, part: str) -> Iterator[bytes]:
        """The part's bytes in chunks, its CRC checked at the end by zipfile."""
        with _damaged_on_error(part):
            with self.archive.open(part) as stream:
                while chunk := stream.read(CHUNK):
                    yield chunk

    def _count_tags(self, chunk: bytes) -> None:
        self.tags += chunk.count(b"<")
        if self.tags > UPLOAD_MAX_TAGS:
            raise UnreadableWorkbook(
                f"文件中的 XML 标记超过 {UPLOAD_MAX_TAGS:,} 个的上限，不像是一张自评表："
                "请删除多余的工作表、格式和对象后另存再导入。"
            )

    def _parser(self, part: str, *, namespaces: bool = False):
        parser = expat.ParserCreate(namespace_separator=" " if namespaces else None)
        parser.buffer_text = True

        def refuse(*_args):
            raise UnreadableWorkbook(
                f"文件中的“{part}”含有 DOCTYPE 或实体声明（Excel 和 WPS 保存的文件从不含有，"
                "可能是恶意构造的文件），已拒绝读取：请在 Excel 或 WPS 中打开原表，"
                "另存为新的 .xlsx 文件后再导入。"
            )

        parser.StartDoctypeDeclHandler = refuse
        parser.EntityDeclHandler = refuse
        parser.UnparsedEntityDeclHandler = refuse
        parser.ExternalEntityRefHandler = refuse
        return parser

    def _parse(self, part: str, parser) -> None:
        """Feed the whole part to ``parser``; a part that is not well-formed is damaged."""
        try:
            for chunk in self._chunks(part):
                self._count_tags(chunk)  # before parsing it: a tag bomb stops here
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
        except expat.ExpatError:
            raise UnreadableWorkbook(DAMAGED.format(part=part)) from None

    def _other_part(self, part: str) -> None:
        """Any other part: refused with a DOCTYPE, its tags counted if XML, its CRC checked."""
        parser = self._parser(part)

        def root(*_args):
            raise _Stop

        parser.StartElementHandler = root
        xml = None  # unknown while in the prolog
        for chunk in self._chunks(part):
            if xml is None:
                try:
                    parser.Parse(chunk, False)
                except _Stop:
                    xml = True
                except expat.ExpatError:
                    xml = False  # an image or another binary part
            if xml is not False:
                self._count_tags(chunk)

    def _content_types(self) -> dict[str, str]:
        """Part name (no leading slash) → its declared content type."""
        if "[Content_Types].xml" not in self.names:
            return {}
        types: dict[str, str] = {}
        parser = self._parser("[Content_Types].xml", namespaces=True)

        def start(tag, attrs):
            if tag.rpartition(" ")[2] == "Override":
                types[attrs.get("PartName", "").lstrip("/")] = attrs.get("ContentType", "")

        parser.StartElementHandler = start
        self._parse("[Content_Types].xml", parser)
        return types

    def _sheet_parts(self, workbook: str, done: set[str]) -> list[tuple[str, str]]:
        """(sheet name, worksheet part) in the workbook's order, resolved as openpyxl does."""
        sheets: list[tuple[str, str]] = []
        parser = self._parser(workbook, namespaces=True)

        def sheet(tag, attrs):
            if tag.rpartition(" ")[2] == "sheet":
                rid = next((v for k, v in attrs.items() if k.endswith(" id")), "")
                sheets.append((attrs.get("name", ""), rid))

        parser.StartElementHandler = sheet
        self._parse(workbook, parser)
        done.add(workbook)
        folder, base = posixpath.split(workbook)
        rels_part = posixpath.join(folder, "_rels", f"{base}.rels")
        targets: dict[str, str] = {}
        if rels_part in self.names:
            parser = self._parser(rels_part, namespaces=True)

            def relationship(tag, attrs):
                if tag.rpartition(" ")[2] != "Relationship":
                    return
                if attrs.get("TargetMode") == "External":
                    return
                target = attrs.get("Target", "")
                if target.startswith("/"):
                    target = target[1:]
                else:
                    target = posixpath.normpath(posixpath.join(folder, target))
                targets[attrs.get("Id", "")] = target

            parser.StartElementHandler = relationship
            self._parse(rels_part, parser)
            done.add(rels_part)
        return [(name, targets[rid]) for name, rid in sheets if rid in targets]

    def _sheet(self, name: str, part: str, cells_left: int) -> SheetMeasure:
        counter = _SheetCounter(name, part, cells_left)
        parser = self._parser(part, namespaces=True)
        counter.parser = parser
        parser.StartElementHandler = counter.start
        parser.EndElementHandler = counter.end
        self._parse(part, parser)
        return counter.measure()


@contextlib.contextmanager
def _damaged_on_error(part: str) -> Iterator[None]:
    """The archive's own errors while reading ``part`` (a bad CRC, a broken stream, an
    unsupported method) become a damaged-file refusal naming it."""
    try:
        yield
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError):
        raise UnreadableWorkbook(DAMAGED.format(part=part)) from None


# --- One worksheet ------------------------------------------------------------------------


class _SheetCounter:
    """expat handlers counting a worksheet as openpyxl will read it, refusing past a limit.

    openpyxl takes every child of a <row> as a cell, numbers rows and cells without ``r``
    on from the one before, and reads a formula and its saved result from the cell's own
    <f> and <v>; so does this.
    """

    def __init__(self, name: str, part: str, cells_left: int):
        self.name, self.part, self.cells_left = name, part, cells_left
        self.depth = 0
        self.row_depth = self.cell_depth = 0  # depth of the open <row> / cell, 0 if none
        self.row = self.column = self.cell_row = 0
        self.rows = self.cells = self.max_row = self.max_column = 0
        self.merges = self.merged_area = 0
        self.dimension = ""
        self.formula = False
        self.value: list[str] | None = None  # the text of a formula's <v>, while in it
        # Set by the caller, to listen to text only inside those.
        self.parser: expat.XMLParserType | None = None
        self.blank_formulas: set[tuple[int, int]] = set()

    @property
    def sheet(self) -> str:
        return f"工作表“{self.name}”" if self.name else f"工作表（{self.part}）"

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        self.depth += 1
        if self.row_depth and self.depth == self.row_depth + 1:
            self._cell(attrs.get("r"))
            return
        local = tag.rpartition(" ")[2]
        if self.cell_depth and self.depth == self.cell_depth + 1:
            if local == "f":
                self.formula = True
            elif local == "v" and self.formula:  # <f> comes before <v>
                self.value = []
                if self.parser is not None:
                    self.parser.CharacterDataHandler = self.value.append
        elif local == "row":
            self._row(attrs.get("r"))
        elif local == "mergeCell":
            self._merge(attrs.get("ref", ""))
        elif local == "dimension":
            self._dimension(attrs.get("ref", ""))

    def end(self, _tag: str) -> None:
        if self.value is not None and self.parser is not None:
            self.parser.CharacterDataHandler = None
        if self.depth == self.cell_depth:
            if self.formula and not "".join(self.value or ()).strip():
                self.blank_formulas.add((self.cell_row, self.column))
            self.cell_depth = 0
            self.value = None
        elif self.depth == self.row_depth:
            self.row_depth = 0
        self.depth -= 1

    def _row(self, r: str | None) -> None:
        self.row_depth, self.column = self.depth, 0
        if r is None:
            self.row += 1
        else:
            try:
                number = float(r)
            except ValueError:
                raise self._damaged(f"行号“{r[:20]}”") from None
            self.row = int(min(number, _BEYOND))
        self.rows += 1
        self.max_row = max(self.max_row, self.row)
        if self.row > SHEET_MAX_ROWS or self.rows > SHEET_MAX_ROWS:
            raise UnreadableWorkbook(
                f"{self.sheet}的第 {max(self.row, self.rows):,} 行有内容或格式，超过 "
                f"{SHEET_MAX_ROWS:,} 行的上限：自评表通常只有几十行，请删除表格下方多余的行"
                "（包括只设置了格式的空行）后另存再导入。"
            )

    def _cell(self, r: str | None) -> None:
        self.cell_depth, self.formula, self.value = self.depth, False, None
        if r is None:
            self.column += 1
            self.cell_row = self.row
        else:
            place = _cell(r)
            if place is None:
                raise self._damaged(f"单元格地址“{r[:20]}”")
            self.cell_row, self.column = place  # openpyxl believes the cell's own address
        self.cells += 1
        self.max_row = max(self.max_row, self.cell_row)
        self.max_column = max(self.max_column, self.column)
        if self.cell_row > SHEET_MAX_ROWS:
            raise UnreadableWorkbook(
                f"{self.sheet}的第 {self.cell_row:,} 行有内容或格式，超过 "
                f"{SHEET_MAX_ROWS:,} 行的上限：自评表通常只有几十行，请删除表格下方多余的行"
                "（包括只设置了格式的空行）后另存再导入。"
            )
        if self.column > SHEET_MAX_COLUMNS:
            raise self._too_wide(self.column)
        if self.cells > self.cells_left:
            raise UnreadableWorkbook(
                f"工作簿中的单元格超过 {UPLOAD_MAX_CELLS:,} 个的上限（数到{self.sheet}时，"
                "包括只设置了格式的空单元格），不像是一张自评表：请删除多余的工作表、行列和格式"
                "后另存再导入。"
            )

    def _merge(self, ref: str) -> None:
        bounds = _range(ref)
        if bounds is None:
            raise self._damaged(f"合并单元格“{ref[:40]}”")
        min_row, min_col, max_row, max_col = bounds
        self.merges += 1
        if max_row > SHEET_MAX_ROWS or max_col > SHEET_MAX_COLUMNS:
            raise UnreadableWorkbook(
                f"{self.sheet}的合并单元格 {ref[:40]} 超出了 {SHEET_MAX_ROWS:,} 行 × "
                f"{SHEET_MAX_COLUMNS} 列（{BOX}）的范围：请取消这个合并单元格，"
                "只合并表格内需要合并的单元格，另存后再导入。"
            )
        if self.merges > SHEET_MAX_MERGES:
            raise UnreadableWorkbook(
                f"{self.sheet}的合并单元格超过 {SHEET_MAX_MERGES:,} 个的上限，"
                "自评表通常只有几十个：请取消多余的合并单元格后另存再导入。"
            )
        self.merged_area += (max_row - min_row + 1) * (max_col - min_col + 1)
        if self.merged_area > SHEET_MAX_CELLS:
            # Every merge lies in the box, so together they cover more than it only by
            # overlapping.
            raise UnreadableWorkbook(
                f"{self.sheet}的合并单元格相互重叠，合计覆盖超过 {SHEET_MAX_CELLS:,} 个单元格"
                f"（到 {ref[:40]} 为止）：请取消重叠的合并单元格后另存再导入。"
            )

    def _dimension(self, ref: str) -> None:
        self.dimension = ref[:100]
        bounds = _range(ref)
        if bounds is None:
            return  # openpyxl ignores it too; the cells themselves are counted
        _, _, max_row, max_col = bounds
        if max_row > SHEET_MAX_ROWS:
            raise UnreadableWorkbook(
                f"{self.sheet}有 {max_row:,} 行（范围 {ref[:40]}），超过 {SHEET_MAX_ROWS:,} 行的"
                "上限：自评表通常只有几十行，请删除表格下方多余的行（包括只设置了格式的空行）"
                "后另存再导入。"
            )
        if max_col > SHEET_MAX_COLUMNS:
            raise self._too_wide(max_col)

    def _too_wide(self, column: int) -> UnreadableWorkbook:
        return UnreadableWorkbook(
            f"{self.sheet}有 {column:,} 列（到 {column_letter(column)} 列），超过 "
            f"{SHEET_MAX_COLUMNS} 列（{column_letter(SHEET_MAX_COLUMNS)} 列）的上限：自评表通常"
            "只有十列左右，请删除表格右侧多余的列（包括只设置了格式的空列）后另存再导入。"
        )

    def _damaged(self, what: str) -> UnreadableWorkbook:
        return UnreadableWorkbook(
            f"文件已损坏（{self.sheet}中的{what}无法识别）：请在 Excel 中打开并另存为后再导入。"
        )

    def measure(self) -> SheetMeasure:
        return SheetMeasure(
            name=self.name,
            part=self.part,
            dimension=self.dimension,
            rows=self.rows,
            cells=self.cells,
            max_row=self.max_row,
            max_column=self.max_column,
            merges=self.merges,
            merged_area=self.merged_area,
            blank_formulas=frozenset(self.blank_formulas),
        )
