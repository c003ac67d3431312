"""An import first lists what it will change, old → new, and writes only once confirmed."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from budgets.models import ExpenditureLine, IncomeLine, ThreePublicLine
from budgets.writers import line_save
from reports.views.imports import PENDING_UPLOADS
from reports.workflow import transition_apply
from scoring.models import GroupResult, IndicatorResult
from sheets.export import selfeval_xlsx
from sheets.importer import (
    SelfevalImportOutdated,
    SelfevalImportRefused,
    selfeval_import,
)
from tests.excel.conftest import db_state

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HISTORY = (IncomeLine, ExpenditureLine, ThreePublicLine, IndicatorResult, GroupResult)
PAGES = {
    "clerk's page": ("clerk", "/reports/{}/import/", "/reports/{}/edit/scores/"),
    "admin's page": (
        "admin",
        "/admin/reports/report/{}/selfeval/",
        "/admin/reports/report/{}/change/",
    ),
}


def history() -> dict[str, int]:
    return {model.__name__: model.history.count() for model in HISTORY}


def reception(report) -> Decimal:
    return ThreePublicLine.objects.get(report=report, kind="official_reception").actual


def changed_export(report, *, reception_actual=3.92, income_actual=None, drop_other_income=False):
    """The report's own export with 公务接待费 决算数 (and other figures) changed."""
    book = load_workbook(BytesIO(selfeval_xlsx(report=report)))
    sheet = book["收支明细"]
    rows = list(sheet.iter_rows())
    row_of = {str(row[0].value): row for row in rows if row[0].value}
    row_of["公务接待费"][2].value = reception_actual
    if income_actual is not None:
        row_of["一般公共预算财政拨款"][3].value = income_actual
    if drop_other_income:
        sheet.delete_rows(row_of["其他收入"][0].row)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("自评表.xlsx", data, content_type=XLSX)


def pending_of(html: str) -> str:
    return html.split('name="pending" value="', 1)[1].split('"', 1)[0]


def held_files(media_root) -> list:
    folder = media_root / PENDING_UPLOADS
    return list(folder.iterdir()) if folder.exists() else []


# --- The importer -------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_dry_run_lists_each_changed_value_old_to_new_and_writes_nothing(demo_report, users):
    data = changed_export(demo_report, income_actual=2300)
    before, recorded = db_state(), history()

    result = selfeval_import(report=demo_report, data=data, user=users["clerk"], dry_run=True)

    assert result.changes.rows == [
        ("收入", "一般公共预算财政拨款", "全年执行数（万元）", "2,320.58", "2,300.00"),
        ("“三公”经费", "公务接待费", "决算数（万元）", "2.92", "3.92"),
    ]
    assert result.changes.count == 2
    assert [(t.label, t.old, t.new) for t in result.changes.totals] == [
        ("收入合计", "2,575.66", "2,555.08"),
        ("“三公”经费", "2.92", "3.92"),
    ]
    assert db_state() == before and history() == recorded


@pytest.mark.django_db
def test_a_line_the_sheet_no_longer_has_is_listed_as_removed(demo_report, users):
    data = changed_export(demo_report, reception_actual=2.92, drop_other_income=True)

    result = selfeval_import(report=demo_report, data=data, user=users["clerk"], dry_run=True)

    assert result.changes.rows == [("收入", "其他收入", "整行", "", "（删除此行）")]
    assert IncomeLine.objects.filter(report=demo_report).count() == 2


@pytest.mark.django_db
def test_importing_an_identical_sheet_twice_records_no_history_for_its_lines(demo_report, users):
    data = changed_export(demo_report)
    selfeval_import(report=demo_report, data=data, user=users["clerk"])
    recorded = history()

    for _ in range(2):
        result = selfeval_import(report=demo_report, data=data, user=users["clerk"])
        assert not result.changes and result.changes.count == 0

    assert history() == recorded
    assert reception(demo_report) == Decimal("3.92")


@pytest.mark.django_db
def test_an_import_expecting_another_preview_is_refused_with_the_new_one(demo_report, users):
    data = changed_export(demo_report)
    preview = selfeval_import(report=demo_report, data=data, user=users["clerk"], dry_run=True)
    line = ThreePublicLine.objects.get(report=demo_report, kind="official_reception")
    line.actual = Decimal("3.00")
    line_save(line, user=users["clerk"])
    recorded = history()

    with pytest.raises(SelfevalImportOutdated) as outdated:
        selfeval_import(
            report=demo_report, data=data, user=users["clerk"], expected=preview.fingerprint
        )

    assert outdated.value.result.changes.rows == [
        ("“三公”经费", "公务接待费", "决算数（万元）", "3.00", "3.92")
    ]
    assert reception(demo_report) == Decimal("3.00") and history() == recorded


@pytest.mark.django_db
def test_a_preview_confirmed_after_the_report_was_submitted_is_refused(demo_report, users):
    data = changed_export(demo_report)
    preview = selfeval_import(report=demo_report, data=data, user=users["clerk"], dry_run=True)
    transition_apply(report=demo_report, user=users["clerk"], action="submit")

    with pytest.raises(SelfevalImportRefused) as refused:
        selfeval_import(
            report=demo_report, data=data, user=users["clerk"], expected=preview.fingerprint
        )

    assert "当前状态为“待审核”，不能导入自评表" in str(refused.value.problems[0])
    assert reception(demo_report) == Decimal("2.92")


# --- The pages ----------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "url", "done"), PAGES.values(), ids=PAGES.keys())
def test_the_page_lists_the_changes_before_writing_and_confirming_writes_them(
    client_for, demo_report, media_root, who, url, done
):
    url, done = url.format(demo_report.pk), done.format(demo_report.pk)
    user = client_for(who)
    recorded = history()

    page = user.post(url, {"file": upload(changed_export(demo_report, income_actual=2300))})

    html = page.content.decode()
    assert page.status_code == 200
    assert "请核对：导入 自评表.xlsx（工作表“自评表”）将修改 2 项" in html
    assert (
        "<td>“三公”经费</td><td>公务接待费</td><td>决算数（万元）</td><td>2.92</td><td>3.92</td>"
    ) in html
    assert "<td>一般公共预算财政拨款</td><td>全年执行数（万元）</td>" in html
    assert '<th scope="row">收入合计</th><td class="text-end">2,575.66</td>' in html
    assert reception(demo_report) == Decimal("2.92") and history() == recorded
    assert len(held_files(media_root)) == 1

    response = user.post(url, {"pending": pending_of(html), "apply": "1"})

    assert response.status_code == 302 and response.headers["Location"] == done
    assert reception(demo_report) == Decimal("3.92")
    assert IncomeLine.objects.get(report=demo_report, order=1).actual == Decimal("2300")
    assert history()["ThreePublicLine"] == recorded["ThreePublicLine"] + 1
    assert history()["IncomeLine"] == recorded["IncomeLine"] + 1
    assert history()["ExpenditureLine"] == recorded["ExpenditureLine"]
    assert "；共修改 2 项。" in user.get(done).content.decode()
    assert held_files(media_root) == []


@pytest.mark.parametrize(("who", "url", "done"), PAGES.values(), ids=PAGES.keys())
def test_an_identical_sheet_uploaded_twice_says_so_and_writes_nothing(
    client_for, demo_report, media_root, who, url, done
):
    url = url.format(demo_report.pk)
    user = client_for(who)
    recorded, before = history(), db_state()

    for _ in range(2):
        page = user.post(url, {"file": upload(selfeval_xlsx(report=demo_report))})
        html = page.content.decode()
        assert page.status_code == 200
        assert "自评表.xlsx 与当前内容相同，无需导入：没有保存任何内容。" in html
        assert 'id="import-preview"' not in html and 'id="import-form"' in html

    assert history() == recorded and db_state() == before
    assert held_files(media_root) == []


def test_a_report_edited_after_the_preview_shows_the_new_preview_and_writes_nothing(
    client_for, users, demo_report
):
    url = f"/reports/{demo_report.pk}/import/"
    clerk = client_for("clerk")
    page = clerk.post(url, {"file": upload(changed_export(demo_report))})
    line = ThreePublicLine.objects.get(report=demo_report, kind="official_reception")
    line.actual = Decimal("3.00")
    line_save(line, user=users["clerk"])  # in another tab, meanwhile

    again = clerk.post(url, {"pending": pending_of(page.content.decode()), "apply": "1"})

    html = again.content.decode()
    assert again.status_code == 200
    assert 'id="import-outdated"' in html and "本次没有导入任何内容" in html
    assert "<td>3.00</td><td>3.92</td>" in html
    assert reception(demo_report) == Decimal("3.00")
    done = clerk.post(url, {"pending": pending_of(html), "apply": "1"})
    assert done.status_code == 302
    assert reception(demo_report) == Decimal("3.92")


def test_a_second_tab_confirming_the_same_import_finds_nothing_left_to_change(
    client_for, demo_report
):
    url = f"/reports/{demo_report.pk}/import/"
    clerk = client_for("clerk")
    first = clerk.post(url, {"file": upload(changed_export(demo_report))})
    second = clerk.post(url, {"file": upload(changed_export(demo_report))})
    assert clerk.post(url, {"pending": pending_of(first.content.decode()), "apply": "1"})[
        "Location"
    ] == (f"/reports/{demo_report.pk}/edit/scores/")
    recorded = history()

    late = clerk.post(url, {"pending": pending_of(second.content.decode()), "apply": "1"})

    assert late.status_code == 200
    assert "与当前内容相同，无需导入" in late.content.decode()
    assert history() == recorded


def test_cancelling_the_preview_writes_nothing_and_drops_the_file(
    client_for, demo_report, media_root
):
    url = f"/reports/{demo_report.pk}/import/"
    clerk = client_for("clerk")
    page = clerk.post(url, {"file": upload(changed_export(demo_report))})
    pending = pending_of(page.content.decode())

    cancelled = clerk.post(url, {"pending": pending, "cancel": "1"})

    assert cancelled.status_code == 302 and cancelled.headers["Location"] == url
    assert "已取消导入，没有保存任何内容。" in clerk.get(url).content.decode()
    assert held_files(media_root) == []
    assert reception(demo_report) == Decimal("2.92")
    late = clerk.post(url, {"pending": pending, "apply": "1"})
    assert late.headers["Location"] == url and reception(demo_report) == Decimal("2.92")


def test_a_preview_confirmed_after_submission_is_refused_and_writes_nothing(
    client_for, users, demo_report
):
    url = f"/reports/{demo_report.pk}/import/"
    clerk = client_for("clerk")
    page = clerk.post(url, {"file": upload(changed_export(demo_report))})
    transition_apply(report=demo_report, user=users["clerk"], action="submit")

    late = clerk.post(url, {"pending": pending_of(page.content.decode()), "apply": "1"})

    assert late.status_code == 403
    assert reception(demo_report) == Decimal("2.92")
