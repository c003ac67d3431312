"""The report as Word: the PDF's headings, paragraphs and 自评表, its status, its downloads."""

import io
import re
import shutil
import subprocess
import zipfile

import pytest
from django.core.management import CommandError, call_command
from docx import Document
from docx.oxml.ns import qn

from reports import archive, word
from reports.models import Download
from reports.narrative import H1, H2, H3
from reports.pdf import render_report_pdf
from reports.selectors import report_document
from tests.steps import approve

HEADING_STYLE = {H1: "Heading 1", H2: "Heading 2", H3: "Heading 3"}
# A page number as pdftotext reads it ("— 3 —"), met wherever a paragraph runs over a page.
PAGE_NUMBER = re.compile(r"—\d+—")
LIBREOFFICE_TIMEOUT = 180


def squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pdf_text(data: bytes) -> str:
    command = ["pdftotext", "-raw", "-enc", "UTF-8", "-", "-"]
    out = subprocess.run(command, input=data, capture_output=True, check=True).stdout.decode()
    return PAGE_NUMBER.sub("", squeezed(out))


def docx_of(report, watermark: str = ""):
    return Document(io.BytesIO(word.report_docx(report=report, watermark=watermark)))


def body_paragraphs(document, rd):
    """The paragraphs of sections 一 to 八: after the cover's three, as many as the blocks."""
    paragraphs = document.paragraphs
    start = next(n for n, p in enumerate(paragraphs) if p.text == rd.blocks[0].text)
    return paragraphs[start : start + len(rd.blocks)]


def selfeval_table(document):
    return next(t for t in document.tables if t.rows[0].cells[0].text == "一级指标")


def header_texts(document) -> str:
    section = document.sections[0]
    headers = (section.header, section.even_page_header, section.first_page_header)
    return "".join(p.text for header in headers for p in header.paragraphs)


@pytest.mark.pdf
def test_the_word_file_has_every_heading_and_paragraph_of_the_pdf_in_order(demo_report, users):
    report = approve(demo_report, users)
    rd = report_document(report=report)
    document = docx_of(report)
    paragraphs = body_paragraphs(document, rd)
    for block, paragraph in zip(rd.blocks, paragraphs, strict=True):
        assert paragraph.text == block.lead + block.text
        if block.kind in HEADING_STYLE:
            assert paragraph.style.name == HEADING_STYLE[block.kind]
        else:
            assert not paragraph.style.name.startswith("Heading")
    assert [p.style.name for p in paragraphs].count("Heading 1") == 8  # 一 to 八
    printed = pdf_text(render_report_pdf(report=report))
    missing = [
        p.text for p in document.paragraphs if p.text.strip() and squeezed(p.text) not in printed
    ]
    assert missing == []
    # The cover as the PDF's, the 自评表 under its own level-1 heading after the narrative.
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == rd.cover.title and document.paragraphs[0].style.name == "Title"
    assert f"单位名称（盖章）：{rd.cover.unit}" in texts and rd.cover.date in texts
    title = document.paragraphs[texts.index("2022 年部门整体支出绩效自评表")]
    assert title.style.name == "Heading 1"
    assert texts.index("附件") > texts.index(rd.blocks[-1].text)


def test_the_styles_name_the_official_faces(demo_report):
    document = docx_of(demo_report)

    def east_asian(style_name: str) -> str:
        fonts = document.styles[style_name].element.rPr.find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsiaTheme")) is None
        return fonts.get(qn("w:eastAsia"))

    assert east_asian("Normal") == "仿宋_GB2312"
    assert east_asian("Heading 1") == "黑体"
    assert east_asian("Heading 2") == "楷体_GB2312"
    assert east_asian("Heading 3") == "仿宋_GB2312"
    assert east_asian("Title") == "方正小标宋简体"
    for level, name in enumerate(HEADING_STYLE.values()):  # what the navigation pane reads
        outline = document.styles[name].element.pPr.find(qn("w:outlineLvl"))
        assert outline.get(qn("w:val")) == str(level)
    assert document.styles["Normal"].font.size.pt == 16
    assert document.styles["Title"].font.size.pt == 22
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert round(section.top_margin.mm) == 37 and round(section.left_margin.mm) == 28
    footer = section.footer.paragraphs[0]
    assert "PAGE" in footer._p.xml and footer.text.startswith("— ") and footer.text.endswith(" —")


def test_the_selfeval_table_is_merged_as_the_pdf_and_scores_99(demo_report):
    rd = report_document(report=demo_report)
    table = selfeval_table(docx_of(demo_report))
    rows = table._tbl.findall(qn("w:tr"))
    assert len(rows) - 2 == len(rd.table.rows)  # the column labels, the indicators, 总分

    def merged_runs(column: int) -> list[int]:
        """The row counts of the vertical merges in this column of the indicator rows."""
        runs: list[int] = []
        for tr in rows[1:-1]:
            merge = tr.findall(qn("w:tc"))[column].find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
            if merge is None or merge.get(qn("w:val")) == "restart":
                runs.append(1)
            else:
                runs[-1] += 1
        return runs

    assert merged_runs(0) == [r.section_span for r in rd.table.rows if r.section_span]
    assert merged_runs(1) == merged_runs(0)  # 权重 beside its 一级指标
    assert merged_runs(2) == [r.group_span for r in rd.table.rows if r.group_span]
    assert merged_runs(6) == [r.score_span for r in rd.table.rows if r.score_span]
    assert max(merged_runs(0)) > 1
    names = [table.cell(n, 3).text for n in range(1, len(rows) - 1)]
    assert names == [r.row.name for r in rd.table.rows]
    total = len(rows) - 1
    assert table.cell(total, 0).text == "总分"
    assert table.cell(total, 6).text == "99"
    assert table.cell(total, 7).text == f"评价等级：{rd.table.grade}"


def test_a_report_just_started_exports_with_its_blanks(world):
    from tests import builders

    report = builders.report()  # no figures, no scores, no date yet
    rd = report_document(report=report)
    document = docx_of(report, archive.status_watermark(report))
    table = selfeval_table(document)
    assert len(table.rows) - 2 == len(rd.table.rows)
    assert table.cell(len(table.rows) - 1, 6).text == ""  # nothing scored: no total
    assert [p.text for p in body_paragraphs(document, rd)] == [b.lead + b.text for b in rd.blocks]


def test_a_draft_carries_its_status_on_every_page_and_an_approved_one_none(demo_report, users):
    watermark = archive.status_watermark(demo_report)
    assert watermark == demo_report.get_status_display() == "草稿"
    assert header_texts(docx_of(demo_report, watermark)) == watermark * 3
    report = approve(demo_report, users)
    assert archive.status_watermark(report) == ""
    assert header_texts(docx_of(report, archive.status_watermark(report))) == ""


@pytest.mark.subprocess
def test_libreoffice_prints_the_word_file_with_every_selfeval_row(demo_report, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, (
        "LibreOffice (soffice) is not installed: `make test` installs it "
        "(apt package libreoffice-writer-nogui)."
    )
    source = tmp_path / "report.docx"
    source.write_bytes(word.report_docx(report=demo_report, watermark="草稿"))
    command = [
        soffice,
        f"-env:UserInstallation=file://{tmp_path / 'profile'}",
        "--headless",
        "--convert-to",
        "pdf",
        "--outdir",
        str(tmp_path),
        str(source),
    ]
    subprocess.run(command, check=True, capture_output=True, timeout=LIBREOFFICE_TIMEOUT)
    printed = pdf_text((tmp_path / "report.pdf").read_bytes())
    rows = report_document(report=demo_report).table.rows
    found = [r.row.name for r in rows if squeezed(r.row.name) in printed]
    assert len(found) == len(rows)
    assert "总分" in printed and "评价等级：优" in printed


# The download, the page's link, the ZIP and the command

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def test_the_clerk_downloads_a_draft_as_word_with_its_status(world, users, client_for, demo_report):
    response = client_for("clerk").get(f"/reports/{demo_report.pk}/docx/")
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX_TYPE
    disposition = response["Content-Disposition"]
    assert "attachment" in disposition and ".docx" in disposition
    assert header_texts(Document(io.BytesIO(response.content))) == "草稿" * 3
    log = Download.objects.get()
    assert (log.user, log.report, log.kind) == (users["clerk"], demo_report, Download.Kind.DOCX)


def test_word_is_refused_to_whoever_may_not_see_the_report(world, client_for, demo_report):
    url = f"/reports/{demo_report.pk}/docx/"
    anonymous = client_for(None).get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")
    assert client_for("auditor").get(url).status_code == 404  # a draft
    assert client_for("clerk_b").get(url).status_code == 404  # another department's
    assert client_for("clerk").get("/reports/999999/docx/").status_code == 404
    assert client_for("clerk").get("/reports/99999999999999999999/docx/").status_code == 404
    assert not Download.objects.exists()


def test_the_auditor_downloads_an_approved_report_as_word_without_status(
    world, users, client_for, demo_report
):
    report = approve(demo_report, users)
    response = client_for("auditor").get(f"/reports/{report.pk}/docx/")
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX_TYPE
    document = Document(io.BytesIO(response.content))
    assert header_texts(document) == ""
    assert selfeval_table(document)
    assert Download.objects.get().kind == Download.Kind.DOCX


def test_the_report_page_and_the_approved_list_link_the_word_file(
    world, users, client_for, demo_report
):
    page = client_for("clerk").get(f"/reports/{demo_report.pk}/").content.decode()
    assert f'href="/reports/{demo_report.pk}/docx/" id="download-docx"' in page
    approve(demo_report, users)
    listed = client_for("auditor").get("/approved/").content.decode()
    assert f'href="/reports/{demo_report.pk}/docx/">下载 Word</a>' in listed
    assert 'name="docx" value="1"' in listed


@pytest.mark.pdf
def test_a_zip_can_hold_each_reports_word_file(world, users, client_for, demo_report):
    report = approve(demo_report, users)
    response = client_for("auditor").post("/approved/zip/", {"scope": "all", "docx": "1"})
    assert response.status_code == 200
    bundle = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    name = "浏阳市人大常委会机关2022年部门整体支出绩效自评报告.docx"
    assert bundle.namelist() == [
        "浏阳市人大常委会机关2022年部门整体支出绩效自评报告.pdf",
        name,
        "SHA256SUMS.txt",
    ]
    assert name in bundle.read("SHA256SUMS.txt").decode()
    assert selfeval_table(Document(io.BytesIO(bundle.read(name))))
    kinds = sorted(Download.objects.filter(report=report).values_list("kind", flat=True))
    assert kinds == sorted([Download.Kind.DOCX, Download.Kind.ZIP])


def test_the_command_writes_a_word_file(demo_report, tmp_path):
    path = tmp_path / "report.docx"
    out = io.StringIO()
    call_command(
        "export_docx",
        department="浏阳市人大常委会机关",
        year=2022,
        output=str(path),
        stdout=out,
    )
    assert "已导出" in out.getvalue() and "草稿" in out.getvalue()
    document = Document(str(path))
    assert document.paragraphs[0].text == demo_report.title
    assert header_texts(document) == "草稿" * 3


def test_the_command_refuses_a_user_who_may_not_see_the_report(demo_report, tmp_path):
    with pytest.raises(CommandError, match="找不到"):
        call_command(
            "export_docx",
            department="浏阳市人大常委会机关",
            year=2022,
            output=str(tmp_path / "report.docx"),
            user="auditor",
        )
    assert not (tmp_path / "report.docx").exists()
