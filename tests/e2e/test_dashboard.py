"""The dashboard and a department's history in Chromium, with the screenshots for docs/."""

import re

from departments.models import Department
from reports.demo.province import province_generate
from reports.models import Report


def shown(b, element_id: str) -> str:
    return b.find(f"#{element_id}").text.strip()


def test_dashboard_and_history_in_the_browser(browser, e2e_demo):
    province_generate(year=2021, counties=3, departments=8, seed=3)
    province_generate(year=2022, counties=3, departments=8, seed=3)
    reports = Report.objects.filter(year=2022)
    approved = reports.filter(status=Report.Status.APPROVED).count()

    # The administrator sees every department.
    b = browser()
    b.login("admin", "demo-admin-2022")
    b.click_and_wait("a.nav-link[href='/dashboard/']")
    assert b.driver.current_url.endswith("/dashboard/2022/")
    assert shown(b, "count-total") == str(reports.count())
    assert shown(b, "count-approved") == str(approved)
    assert b.find("#chart-rates").get_attribute("role") == "img"
    b.screenshot("dashboard")

    # A region: one bar per department, the table sorted by the most warnings.
    b.find("#id_region").send_keys("安水县")
    b.find("#id_sort").send_keys("资金预警最多")
    b.click_and_wait(".dashboard-filters button[type=submit]")
    assert "region=" in b.driver.current_url and "sort=warnings" in b.driver.current_url
    assert shown(b, "count-total") == "8"
    assert "各部门执行率" in b.text

    # From the table to a department's history.
    link = b.find("#dashboard-table tbody tr:first-child td:first-child a")
    b.driver.set_window_size(1280, 1000)
    b.driver.get(link.get_attribute("href"))
    assert "历年自评情况" in b.text
    assert re.search(r"/departments/\d+/history/$", b.driver.current_url)
    rows = b.finds("#history-table tbody tr")
    assert len(rows) == 2
    b.screenshot("history")

    # The demo reviewer counts only the department they review.
    reviewer = browser()
    reviewer.login("reviewer", "demo-reviewer-2022")
    reviewer.get("/dashboard/2022/")
    assert shown(reviewer, "count-total") == "1"
    demo = Department.objects.get(code="430181-001")
    reviewer.get(f"/departments/{demo.pk}/history/")
    assert "浏阳市人大常委会机关：历年自评情况" in reviewer.text

    # The auditor counts approved reports only, and at 768 px the page still reads.
    auditor = browser(width=768)
    auditor.login("auditor", "demo-auditor-2022")
    auditor.get("/dashboard/2022/")
    assert shown(auditor, "count-total") == str(approved)
    assert shown(auditor, "count-draft") == "0"
    width = auditor.driver.execute_script("return document.documentElement.scrollWidth")
    assert width <= 768
    auditor.screenshot("dashboard-768")
