"""The reviewer's workbench in Chromium: the queue, what changed, confirmed decisions; with the
screenshots for the README (review-queue.png, review-changes.png)."""

from decimal import Decimal as D

from selenium.webdriver.support.ui import WebDriverWait

from budgets.models import ExpenditureLine, IncomeLine
from budgets.writers import line_save, lines_sync
from departments.models import User
from reports.models import Report, ReviewOpening
from reports.services import report_create
from reports.workflow import transition_apply


def resubmitted_with_changes(report):
    """Submitted, returned with a comment, changed by the clerk and submitted again."""
    clerk, reviewer = User.objects.get(username="clerk"), User.objects.get(username="admin")
    transition_apply(report=report, user=clerk, action="submit")
    transition_apply(
        report=report, user=reviewer, action="return", comment="请核对一般公共预算财政拨款收入。"
    )
    line = IncomeLine.objects.get(report=report, source="general_budget")
    line.actual = D("2330.58")
    line_save(line, user=clerk)
    with Report.editing([report.pk]):
        report.problems = report.problems.replace("有待提高", "仍需提高", 1)
        report.save()
    transition_apply(report=report, user=clerk, action="submit", comment="已按意见修改收入。")


def last_year(report):
    """The department's 2021 report, with its main figures."""
    previous = report_create(department=report.department, year=2021)
    lines_sync(
        report=previous,
        model=IncomeLine,
        rows=[{"source": "general_budget", "actual": D("2210.40")}],
    )
    lines_sync(
        report=previous,
        model=ExpenditureLine,
        rows=[
            {"nature": "personnel", "budget": D("1700.00"), "actual": D("1712.30")},
            {"nature": "public_operating", "budget": D("120.00"), "actual": D("108.10")},
            {"nature": "project", "budget": D("400.00"), "actual": D("390.00")},
        ],
    )
    return previous


def open_dialog(b, action: str):
    b.find(f"#open-{action}").click()
    dialog = b.find(f"#dialog-{action}")
    WebDriverWait(b.driver, 5).until(lambda driver: dialog.is_displayed())
    return dialog


def test_reviewer_decides_from_the_queue(browser, e2e_demo):
    report = e2e_demo.report
    resubmitted_with_changes(report)
    last_year(report)

    # The reviewer lands on their queue, with the counts.
    b = browser()
    b.login("reviewer", "demo-reviewer-2022", next=None)
    assert b.driver.current_url.endswith("/admin/")
    assert b.find("#count-submitted").text == "1"
    assert b.find("#count-returned").text == "0"
    assert b.find("#count-draft").text == "1"  # last year's, still a draft
    row = b.find("#review-queue tbody tr")
    for text in ["浏阳市人大常委会机关", "2022", "第 2 次提交", "填报员（演示）", "99", "优"]:
        assert text in row.text, text
    assert "提交说明：已按意见修改收入。" in row.text
    b.screenshot("review-queue", full_page=False)

    # The report opens on what changed since the returned submission, beside last year.
    b.click_and_wait("#review-queue tbody tr a.button")
    assert ReviewOpening.objects.filter(user__username="reviewer").count() == 1
    changes = b.find("#review-changes").text
    assert "请核对一般公共预算财政拨款收入。" in changes
    assert "收入合计" in changes and "2,575.66" in changes and "2,585.66" in changes
    assert "全年执行数（万元）：2,320.58 → 2,330.58" in changes
    assert "六、存在的主要问题" in changes
    # Marked for the eye (struck out, underlined) and for screen readers (［删去］, ［加入］).
    deleted = [e.text.split() for e in b.finds("#review-changes del")]
    inserted = [e.text.split() for e in b.finds("#review-changes ins")]
    assert deleted == [["［删去］", "有待"]] and inserted == [["［加入］", "仍需"]]
    figures = b.find("#figures-table").text
    assert "2021 年" in figures and "2,210.40" in figures and "+375.26" in figures
    # The screenshot: the state, the two decisions, then what changed beside last year.
    b.driver.set_window_size(1280, 1500)
    b.driver.execute_script("document.querySelector('#content h1').scrollIntoView()")
    b.screenshot("review-changes", full_page=False)

    # 退回 asks for a comment before anything happens; 取消 changes nothing.
    dialog = open_dialog(b, "return")
    assert "退回给填报员修改？" in dialog.text
    b.find("#confirm-return").click()
    assert b.find("#dialog-return").is_displayed()  # the required comment stops it
    b.find("#dialog-return [data-close-dialog]").click()
    assert not b.find("#dialog-return").is_displayed()
    assert Report.objects.get(pk=report.pk).status == "submitted"

    # 批准, confirmed, approves.
    dialog = open_dialog(b, "approve")
    assert "总分 99，等级 优" in dialog.text
    b.click_and_wait("#confirm-approve")
    assert Report.objects.get(pk=report.pk).status == "approved"
    assert "已批准" in b.text
    refused = [m for m in b.console_messages() if "Content Security Policy" in m]
    assert refused == []


def test_an_auditor_lands_on_the_approved_reports(browser, e2e_demo):
    b = browser()
    b.login("auditor", "demo-auditor-2022", next=None)
    assert b.driver.current_url.endswith("/approved/")
