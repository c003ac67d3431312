"""The clerk–reviewer loop in a real Chromium: the reviewer returns the report and comments
on a 自评表 row in the admin; the clerk sees why on the home page and in the editor, finds the
comment beside the row, replies, marks it done and resubmits; the reviewer sees the answer
and approves."""

from selenium.webdriver.support.ui import Select

from departments.models import User
from reports.models import Report, ReviewComment
from reports.workflow import transition_apply
from scoring.models import Indicator

RETURN_COMMENT = "预算执行规范性的扣分理由没有写明：请补充后重新提交。"
ROW_COMMENT = "这一行为何扣 1 分？请在偏差及原因分析中写明。"
REPLY = "已补充：个别支出审批手续滞后，已整改。"


def test_return_comment_reply_resubmit_approve(browser, e2e_demo):
    report = e2e_demo.report
    transition_apply(report=report, user=User.objects.get(username="clerk"), action="submit")
    execution = Indicator.objects.get(framework=report.framework, name="预算执行规范性")
    change = f"/admin/reports/report/{report.pk}/change/"

    # The reviewer returns the report with a comment, then comments on the row.
    reviewer = browser()
    reviewer.login("reviewer", "demo-reviewer-2022")
    reviewer.get(change)
    reviewer.find("#open-return").click()
    assert reviewer.find("#dialog-return").is_displayed()
    reviewer.type("#dialog-return-comment", RETURN_COMMENT)
    reviewer.click_and_wait("#confirm-return")
    assert Report.objects.get(pk=report.pk).status == "returned"
    Select(reviewer.find("#review-anchor")).select_by_value(f"row:{execution.pk}")
    reviewer.type("#review-text", ROW_COMMENT)
    reviewer.click_and_wait("#review-comment-add")
    assert "已添加审核意见：自评表 · 预算执行管理 · 预算执行规范性。" in reviewer.text
    thread = ReviewComment.objects.get(thread=None)
    assert "未答复" in reviewer.find(f"#comment-{thread.pk}").text

    # The clerk sees why on the home page, and the way to the comment.
    clerk = browser()
    clerk.login("clerk", "demo-clerk-2022")
    banner = clerk.find(".review-banner")
    assert "审核人退回意见（审核人（演示）" in banner.text
    assert RETURN_COMMENT in banner.text
    assert "还有 1 条具体意见未答复" in banner.text
    clerk.screenshot("comment-banner", full_page=False)

    # The editor says it too; its link leads to the comment in the row it is about.
    clerk.get(f"/reports/{report.pk}/edit/overview/")
    assert RETURN_COMMENT in clerk.find("#return-banner").text
    assert "自评表 · 预算执行管理 · 预算执行规范性" in clerk.find("#review-elsewhere").text
    clerk.click_and_wait("#return-banner a")
    assert clerk.driver.current_url.endswith(f"/edit/scores/#comment-{thread.pk}")
    beside = clerk.find(f"#row-{execution.pk} #comment-{thread.pk}")
    assert ROW_COMMENT in beside.text
    assert beside.is_displayed()
    clerk.driver.execute_script(
        "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", beside
    )
    clerk.screenshot("comment-beside-field", full_page=False)

    # The clerk replies, then marks it done.
    clerk.type(f"#reply-{thread.pk}", REPLY)
    clerk.click_and_wait(f"#comment-{thread.pk} button[value=reply]")
    assert "已回复“自评表 · 预算执行管理 · 预算执行规范性”的审核意见。" in clerk.text
    assert clerk.driver.current_url.endswith(f"/edit/scores/#comment-{thread.pk}")
    assert "已答复" in clerk.find(f"#comment-{thread.pk}").text
    assert REPLY in clerk.find(f"#comment-{thread.pk}").text
    clerk.click_and_wait(f"#comment-{thread.pk} button[value=resolve]")
    assert "已解决" in clerk.find(f"#row-{execution.pk} #comment-{thread.pk}").text
    assert not clerk.finds(f"#reply-{thread.pk}")

    # And submits again, confirming in the dialog.
    # (Bootstrap scrolls smoothly: a click must not land mid-scroll.)
    clerk.driver.execute_script("window.scrollTo({top: 0, behavior: 'instant'})")
    clerk.find("#submit-report").click()
    assert clerk.find("#submit-dialog").is_displayed()
    clerk.click_and_wait("#submit-confirm")
    assert Report.objects.get(pk=report.pk).status == "submitted"
    assert "审核人退回意见" not in clerk.text

    # The reviewer sees the answer, done, and approves.
    reviewer.get(change)
    seen = reviewer.find(f"#comment-{thread.pk}").text
    assert "已解决" in seen and REPLY in seen
    assert "未答复 0 条、已答复 0 条、已解决 1 条" in reviewer.find("#review-comments").text
    reviewer.driver.execute_script(
        "document.getElementById('review-comments').scrollIntoView({behavior: 'instant'})"
    )
    reviewer.screenshot("review-panel", full_page=False)
    reviewer.find("#open-approve").click()
    assert reviewer.find("#dialog-approve").is_displayed()
    reviewer.click_and_wait("#confirm-approve")
    assert Report.objects.get(pk=report.pk).status == "approved"

    # The trail stays with the report's history.
    clerk.get(f"/reports/{report.pk}/")
    trail = clerk.find("#review-comments").text
    assert ROW_COMMENT in trail and REPLY in trail and "标记为已解决" in trail
