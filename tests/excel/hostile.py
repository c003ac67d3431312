"""Hostile uploads of a 自评表, made in memory, for the tests and the benchmark (bench/hostile.py).

Each function returns the bytes of one file: most are a small valid workbook with one part
rewritten (a merge over the whole sheet, a dimension that lies, 100,000 rows, an entity
declaration, a part declaring hundreds of MB), some are other formats under an .xlsx name.
``HOSTILE`` names them with a fragment of the message each must be refused with; None marks a
harmless oddity that must import as usual. Only openpyxl and the standard library: the
benchmark imports this module without pytest.
"""

from __future__ import annotations

import functools
import re
import struct
import zipfile
from collections.abc import Callable
from io import BytesIO

from openpyxl import Workbook

SHEET = "xl/worksheets/sheet1.xml"
MB = 1024 * 1024


@functools.cache
def small_xlsx() -> bytes:
    """A small valid workbook: a sheet named 自评表 with a title, a header and one merge."""
    workbook = Workbook()
    ws = workbook.active
    ws.title = "自评表"
    ws.append(["2022 年部门整体支出绩效自评表"])
    ws.append(["一级指标", "权重", "二级指标", "三级指标", "自评得分"])
    ws.append(["投入管理", 30, "预算编审管理（3）", "准确性", 2])
    ws.merge_cells("A1:E1")
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- Rewriting parts ----------------------------------------------------------------------


def rebuilt(
    data: bytes,
    *,
    parts: dict[str, bytes | None] | None = None,
    extra: dict[str, bytes] | None = None,
) -> bytes:
    """``data`` with ``parts`` replaced (None drops one) and ``extra`` parts added."""
    parts = parts or {}
    buffer = BytesIO()
    with (
        zipfile.ZipFile(BytesIO(data)) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            if info.filename in parts:
                if parts[info.filename] is not None:
                    target.writestr(info.filename, parts[info.filename])
            else:
                target.writestr(info.filename, source.read(info.filename))
        for name, content in (extra or {}).items():
            target.writestr(name, content)
    return buffer.getvalue()


def _sheet_xml(data: bytes) -> str:
    with zipfile.ZipFile(BytesIO(data)) as archive:
        return archive.read(SHEET).decode("utf-8")


def patched_sheet(
    data: bytes | None = None,
    *,
    dimension: str | None = None,
    rows: str = "",
    merges: str = "",
    after_data: str = "",
    prolog: str = "",
) -> bytes:
    """The workbook with its first sheet's dimension set, and rows, merges or elements added."""
    data = data or small_xlsx()
    xml = _sheet_xml(data)
    if dimension is not None:
        xml = re.sub(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{dimension}"/>', xml)
    if rows:
        xml = xml.replace("<sheetData />", "<sheetData></sheetData>")
        xml = xml.replace("</sheetData>", rows + "</sheetData>", 1)
    if merges:
        if "</mergeCells>" in xml:
            xml = xml.replace("</mergeCells>", merges + "</mergeCells>", 1)
        else:
            xml = xml.replace("</sheetData>", f"</sheetData><mergeCells>{merges}</mergeCells>", 1)
    if after_data:
        xml = xml.replace("</sheetData>", "</sheetData>" + after_data, 1)
    if prolog:
        xml = prolog + xml
    return rebuilt(data, parts={SHEET: xml.encode("utf-8")})


def _rows(first: int, last: int) -> str:
    return "".join(
        f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>第{n}行</t></is></c>'
        f'<c r="B{n}"><v>{n}</v></c></row>'
        for n in range(first, last + 1)
    )


def declared_size(data: bytes, name: str, size: int) -> bytes:
    """``data`` with the uncompressed size of part ``name`` declared as ``size`` bytes.

    Both the local header and the central directory say it, as a hand-made archive would.
    """
    out = bytearray(data)
    end = out.rindex(b"PK\x05\x06")
    entries, directory = struct.unpack_from("<H4xI", out, end + 10)
    at = directory
    for _ in range(entries):
        (name_len, extra_len, comment_len) = struct.unpack_from("<HHH", out, at + 28)
        (local,) = struct.unpack_from("<I", out, at + 42)
        if out[at + 46 : at + 46 + name_len].decode() == name:
            struct.pack_into("<I", out, at + 24, size)
            struct.pack_into("<I", out, local + 22, size)
        at += 46 + name_len + extra_len + comment_len
    return bytes(out)


# --- The hostile files --------------------------------------------------------------------


def merge_whole_sheet(data: bytes | None = None) -> bytes:
    """One merge over every cell of a sheet: 17 billion cells for openpyxl, in 9 KB."""
    return patched_sheet(data, merges='<mergeCell ref="A1:XFD1048576"/>')


def merge_million_cells(data: bytes | None = None) -> bytes:
    """A merge of 100 columns × 10,000 rows."""
    return patched_sheet(data, merges='<mergeCell ref="A3000:CV12999"/>')


def overlapping_merges(data: bytes | None = None) -> bytes:
    """A thousand merges inside the limits, each over the same 2000 × 60 cells."""
    return patched_sheet(data, merges='<mergeCell ref="A1:BH2000"/>' * 1000)


def too_many_merges(data: bytes | None = None) -> bytes:
    """6,000 small merges side by side, none overlapping."""
    merges = "".join(
        f'<mergeCell ref="{a}{r}:{b}{r}"/>'
        for r in range(10, 2010)
        for a, b in (("F", "G"), ("H", "I"), ("J", "K"))
    )
    return patched_sheet(data, merges=merges)


def dimension_lies(data: bytes | None = None) -> bytes:
    """A sheet claiming A1:B2 with 5,000 rows."""
    return patched_sheet(data, dimension="A1:B2", rows=_rows(10, 5009))


@functools.cache
def rows_100k(data: bytes | None = None, *, honest: bool = True) -> bytes:
    """100,000 rows; ``honest=False`` keeps the small dimension, so only the rows tell."""
    return patched_sheet(data, dimension="A1:E100000" if honest else None, rows=_rows(10, 100_009))


def rows_100k_dimension_lies(data: bytes | None = None) -> bytes:
    return rows_100k(data, honest=False)


def too_wide(data: bytes | None = None) -> bytes:
    """A cell in the sheet's last column, XFD, with the dimension left small."""
    return patched_sheet(data, rows='<row r="5"><c r="XFD5"><v>1</v></c></row>')


@functools.cache
def zip_bomb(data: bytes | None = None) -> bytes:
    """A part of 300 MB of zeros, some 300 KB compressed: it declares and expands to 300 MB."""
    buffer = BytesIO()
    with zipfile.ZipFile(BytesIO(data or small_xlsx())) as source:
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
            for info in source.infolist():
                target.writestr(info.filename, source.read(info.filename))
            with target.open("xl/media/image1.png", "w") as part:
                zeros = bytes(MB)
                for _ in range(300):
                    part.write(zeros)
    return buffer.getvalue()


@functools.cache
def zip_bomb_lying_size(data: bytes | None = None) -> bytes:
    """A sheet of 100,000 rows declaring the size of the small sheet it replaced."""
    data = data or small_xlsx()
    with zipfile.ZipFile(BytesIO(data)) as archive:
        small = archive.getinfo(SHEET).file_size
    return declared_size(rows_100k_dimension_lies(data), SHEET, small)


def many_parts(data: bytes | None = None) -> bytes:
    """5,000 empty parts in the archive."""
    return rebuilt(data or small_xlsx(), extra={f"customXml/item{n}.xml": b"" for n in range(5000)})


def tag_bomb(data: bytes | None = None) -> bytes:
    """1.5 million empty elements after the sheet's data: openpyxl would keep every one."""
    return patched_sheet(data, after_data="<x/>" * 1_500_000)


def xxe(data: bytes | None = None) -> bytes:
    """An external entity reading /etc/passwd into a cell."""
    return patched_sheet(
        data,
        prolog='<?xml version="1.0"?>'
        '<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
        rows='<row r="9"><c r="A9" t="inlineStr"><is><t>&xxe;</t></is></c></row>',
    )


def billion_laughs(data: bytes | None = None) -> bytes:
    """Nested entities expanding to 10⁹ "lol"s, in the workbook part every reader opens first."""
    data = data or small_xlsx()
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)
    )
    with zipfile.ZipFile(BytesIO(data)) as archive:
        workbook = archive.read("xl/workbook.xml").decode("utf-8")
    workbook = re.sub(r"^(<\?xml[^>]*\?>)?", rf"\1<!DOCTYPE workbook [{entities}]>", workbook)
    workbook = re.sub(r'(<sheet [^>]*name=")[^"]*"', r'\1&lol9;"', workbook, count=1)
    return rebuilt(data, parts={"xl/workbook.xml": workbook.encode("utf-8")})


def xlsm(data: bytes | None = None) -> bytes:
    """A macro-enabled workbook saved under an .xlsx name."""
    data = data or small_xlsx()
    with zipfile.ZipFile(BytesIO(data)) as archive:
        types = archive.read("[Content_Types].xml").decode("utf-8")
    types = types.replace(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    )
    return rebuilt(
        data,
        parts={"[Content_Types].xml": types.encode("utf-8")},
        extra={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)},
    )


def xls(data: bytes | None = None) -> bytes:
    """The start of an OLE2 compound file: an old .xls, a WPS .et or an encrypted workbook."""
    return (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(24) + b"\x3e\x00\x03\x00\xfe\xff" + bytes(478)
    )


def ods(data: bytes | None = None) -> bytes:
    """An OpenDocument spreadsheet: ``mimetype`` first and stored, as ODF requires."""
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr(
            "content.xml",
            '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:'
            'office:1.0" office:version="1.3"><office:body><office:spreadsheet/></office:body>'
            "</office:document-content>",
            compress_type=zipfile.ZIP_DEFLATED,
        )
        archive.writestr(
            "META-INF/manifest.xml",
            '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:'
            'manifest:1.0"/>',
            compress_type=zipfile.ZIP_DEFLATED,
        )
    return buffer.getvalue()


def _cells(rows: range, columns: list[int]) -> str:
    return "".join(
        f'<row r="{r}">'
        + "".join(f'<c r="{_letter(c)}{r}"><v>{c}</v></c>' for c in columns)
        + "</row>"
        for r in rows
    )


@functools.cache
def too_many_cells(data: bytes | None = None) -> bytes:
    """2,000 rows × 60 columns of numbers: every row and column within the sheet's limits."""
    return patched_sheet(data, rows=_cells(range(4, 2001), list(range(1, 61))))


@functools.cache
def at_the_limits(data: bytes | None = None) -> bytes:
    """As big as is accepted: 2,000 rows to column BH, 49,936 cells and 5,000 merges.

    It is measured, loaded and read to the end; the import then refuses it for its content.
    """
    rows = _cells(range(4, 2001), [*range(1, 25), 60])  # with the 11 already there
    merges = [
        f'<mergeCell ref="{_letter(c)}{r}:{_letter(c + 1)}{r}"/>'
        for r in range(4, 2001)
        for c in (1, 3, 5)
    ]
    # With the workbook's own title merge, 5,000 merges.
    return patched_sheet(data, dimension="A1:BH2000", rows=rows, merges="".join(merges[:4999]))


def _letter(column: int) -> str:
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def dimension_understated(data: bytes | None = None) -> bytes:
    """Harmless: the sheet claims only A1, as some generators write; the cells are all read."""
    return patched_sheet(data, dimension="A1")


# name → (the file from a base workbook, a fragment of the refusal; None: imports as usual)
HOSTILE: dict[str, tuple[Callable[..., bytes], str | None]] = {
    "merge_whole_sheet": (merge_whole_sheet, "合并单元格 A1:XFD1048576 超出了 2,000 行 × 60 列"),
    "merge_million_cells": (merge_million_cells, "合并单元格 A3000:CV12999 超出了"),
    "overlapping_merges": (overlapping_merges, "合并单元格相互重叠"),
    "too_many_merges": (too_many_merges, "合并单元格超过 5,000 个的上限"),
    "dimension_lies": (dimension_lies, "第 2,001 行有内容或格式，超过 2,000 行的上限"),
    "rows_100k": (rows_100k, "有 100,000 行（范围 A1:E100000），超过 2,000 行的上限"),
    "rows_100k_dimension_lies": (rows_100k_dimension_lies, "超过 2,000 行的上限"),
    "too_wide": (too_wide, "有 16,384 列（到 XFD 列），超过 60 列（BH 列）的上限"),
    "zip_bomb": (zip_bomb, "（其中“xl/media/image1.png”300.0 MB），超过 30 MB 的上限"),
    "zip_bomb_lying_size": (zip_bomb_lying_size, "文件已损坏（其中的“xl/worksheets/sheet1.xml”"),
    "many_parts": (many_parts, "个部件组成，超过 500 个的上限"),
    "tag_bomb": (tag_bomb, "XML 标记超过 1,000,000 个的上限"),
    "xxe": (xxe, "“xl/worksheets/sheet1.xml”含有 DOCTYPE 或实体声明"),
    "billion_laughs": (billion_laughs, "“xl/workbook.xml”含有 DOCTYPE 或实体声明"),
    "xlsm": (xlsm, "启用宏的 Excel 工作簿（.xlsm）"),
    "xls": (xls, "旧版 Excel（.xls）或 WPS 表格（.et）"),
    "ods": (ods, "OpenDocument 电子表格（.ods）"),
    "too_many_cells": (too_many_cells, "单元格超过 50,000 个的上限（数到工作表“自评表”时"),
    "at_the_limits": (at_the_limits, "一级指标“1”不在指标体系"),
    "dimension_understated": (dimension_understated, None),
}
