"""The public acceptance data stays as recorded: the seed demo's summary JSON, its PDF's text and
its 自评表 export's cells, compared byte for byte (text) and cell for cell (workbook) with the
copies under tests/data/acceptance/.

A change that means to alter them re-records with ``PERFEVAL_RECORD_ACCEPTANCE=1 pytest
tests/test_acceptance_record.py`` and shows the difference in its commit.
"""

import os
import subprocess
from io import BytesIO
from pathlib import Path

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from tests.conftest import DEMO_DEPARTMENT

pytestmark = [pytest.mark.django_db, pytest.mark.pdf]

RECORDED = Path(__file__).parent / "data" / "acceptance"
RECORD = os.environ.get("PERFEVAL_RECORD_ACCEPTANCE") == "1"
REPORT = ["--department", DEMO_DEPARTMENT, "--year", "2022"]


def _same_as_recorded(name: str, text: str) -> None:
    path = RECORDED / name
    if RECORD:
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from its recorded copy"


def _cells(data: bytes) -> str:
    """Every sheet's cells, merged ranges, comments and number formats, one line a cell."""
    workbook = load_workbook(BytesIO(data))
    lines = []
    for ws in workbook.worksheets:
        lines.append(f"== {ws.title} {ws.dimensions}")
        lines.append("merged " + " ".join(sorted(str(r) for r in ws.merged_cells.ranges)))
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is None and cell.comment is None:
                    continue
                comment = f" comment={cell.comment.text!r}" if cell.comment else ""
                lines.append(
                    f"{cell.coordinate} {type(cell.value).__name__} {cell.value!r} "
                    f"fmt={cell.number_format!r}{comment}"
                )
    return "\n".join(lines) + "\n"


def test_summary_json_is_as_recorded(demo, capsys):
    call_command("report_summary", *REPORT, "--json")
    _same_as_recorded("summary.json", capsys.readouterr().out)


def test_pdf_text_is_as_recorded(demo, tmp_path):
    path = tmp_path / "report.pdf"
    call_command("export_pdf", *REPORT, "--draft", "-o", str(path))
    text = subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    _same_as_recorded("report_pdf.txt", text)


def test_selfeval_export_cells_are_as_recorded(demo, tmp_path):
    path = tmp_path / "selfeval.xlsx"
    call_command("export_selfeval", *REPORT, "-o", str(path))
    _same_as_recorded("selfeval_cells.txt", _cells(path.read_bytes()))
