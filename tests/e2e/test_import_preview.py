"""A clerk uploads a changed 自评表 in Chromium, reads what it will change, and confirms."""

from decimal import Decimal

from budgets.models import ThreePublicLine
from reports.models import Report
from tests.excel.test_import_preview import changed_export


def test_the_clerk_reads_the_changes_of_an_upload_then_confirms_them(browser, e2e_demo, tmp_path):
    report = Report.objects.get(year=2022)
    sheet = tmp_path / "自评表.xlsx"
    sheet.write_bytes(changed_export(report))
    b = browser()
    b.login("clerk", "demo-clerk-2022")
    b.driver.set_window_size(390, 1000)  # a phone: the list of changes must not widen the page
    b.get(f"/reports/{report.pk}/import/")

    b.find("#import-form input[type=file]").send_keys(str(sheet))
    b.click_and_wait("#import-submit")

    assert "将修改 1 项" in b.find("#import-preview-title").text
    cells = [cell.text for cell in b.finds("#import-changes tbody td")]
    assert cells == ["“三公”经费", "公务接待费", "决算数（万元）", "2.92", "3.92"]
    assert b.driver.execute_script("return document.documentElement.scrollWidth") <= 390
    reception = ThreePublicLine.objects.get(report=report, kind="official_reception")
    assert reception.actual == Decimal("2.92")  # nothing written before the confirmation
    b.screenshot("import-preview-390")

    b.click_and_wait("#import-apply")

    assert f"/reports/{report.pk}/edit/scores/" in b.driver.current_url
    assert "共修改 1 项" in b.text
    reception.refresh_from_db()
    assert reception.actual == Decimal("3.92")
