"""An import writes what changed and nothing else, through the rows' writers."""

from decimal import Decimal

import pytest

from budgets.models import ExpenditureLine, IncomeLine, ThreePublicLine
from scoring.models import GroupResult, IndicatorResult
from sheets.export import selfeval_xlsx
from sheets.importer import selfeval_import

MODELS = (IncomeLine, ExpenditureLine, ThreePublicLine, IndicatorResult, GroupResult)


def history() -> dict[str, int]:
    return {model.__name__: model.history.count() for model in MODELS}


@pytest.mark.django_db
def test_importing_the_reports_own_export_records_no_change(demo_report, users):
    data = selfeval_xlsx(report=demo_report)
    before = history()
    result = selfeval_import(report=demo_report, data=data, user=users["clerk"])
    assert any("收支明细" in line for line in result.written)  # the lines were read
    assert history() == before  # no 删除 + 新增 churn for an identical file


@pytest.mark.django_db
def test_a_changed_figure_is_one_change_recorded_for_the_clerk(demo_report, users):
    from io import BytesIO

    from openpyxl import load_workbook

    book = load_workbook(BytesIO(selfeval_xlsx(report=demo_report)))
    sheet = book["收支明细"]
    cell = next(
        row[2] for row in sheet.iter_rows() if row[0].value and "公务接待" in str(row[0].value)
    )
    cell.value = 3.92
    buffer = BytesIO()
    book.save(buffer)
    before = history()
    selfeval_import(report=demo_report, data=buffer.getvalue(), user=users["clerk"])
    after = history()
    assert after["ThreePublicLine"] == before["ThreePublicLine"] + 1
    assert {k: v for k, v in after.items() if k != "ThreePublicLine"} == {
        k: v for k, v in before.items() if k != "ThreePublicLine"
    }
    change = ThreePublicLine.history.latest("history_date")
    assert change.history_user == users["clerk"]
    assert change.history_change_reason == "由 Excel 自评表导入"
    assert ThreePublicLine.objects.get(report=demo_report, kind="official_reception").actual == (
        Decimal("3.92")
    )
