"""A clerk fills in a whole self-assessment in a real Chromium, and two people save at once."""

from decimal import Decimal as D

from reports.models import Report
from scoring.models import Indicator

AMOUNTS = {
    "income-0-actual": "2,400.00",
    "income-1-actual": "100.00",
    # 人员经费, 公用经费, 项目支出: budget and actual inside the 90–110% band.
    "expenditure-0-budget": "1,800.00",
    "expenditure-0-actual": "1,790.00",
    "expenditure-1-budget": "120.00",
    "expenditure-1-actual": "110.00",
    "expenditure-2-budget": "620.00",
    "expenditure-2-actual": "600.00",
}


def fill(b, values: dict):
    for name, value in values.items():
        b.type(f'[name="{name}"]', value)


def full_marks(report) -> dict[str, str]:
    """A score for every level-3 row: its weight, or an equal share of its group's weight."""
    scores = {}
    groups = Indicator.objects.filter(framework=report.framework, level=2).prefetch_related(
        "children"
    )
    for group in groups:
        rows = list(group.children.all())
        for row in rows:
            score = row.weight if row.weight is not None else group.weight / len(rows)
            scores[f"r{row.pk}_score"] = f"{score.normalize():f}"
    return scores


def test_clerk_fills_and_submits_a_report(browser, e2e_demo):
    demo = e2e_demo.report.pk
    b = browser()
    b.login("clerk", "demo-clerk-2022")

    # The demo report of 2022 opens from the home page.
    b.click_and_wait(f"a[href$='/reports/{demo}/']")
    assert "2022 年部门整体支出绩效自评报告" in b.text
    assert "单位名称（盖章）：浏阳市人大常委会办公室" in b.text

    # Start 2023 by copying 2022.
    b.get("/")
    assert b.find("#mode-copy").is_selected()
    b.click_and_wait("#start-report")
    report = Report.objects.get(year=2023)
    assert f"/reports/{report.pk}/edit/overview/" in b.driver.current_url
    assert "已按 2022 年报告新建 2023 年报告" in b.text

    # 收入和支出: two income lines and the expenditure lines.
    b.click_and_wait("a[href$='/edit/money/']")
    fill(b, AMOUNTS)
    b.screenshot("editor")
    b.click_and_wait("#section-form button[type=submit]")
    assert "已保存“收入和支出”" in b.text
    assert "2,400.00" in b.find('[name="income-0-actual"]').get_attribute("value")
    assert "支出合计" in b.text and "98.43%" in b.text

    # “三公”经费: its amounts start empty, to fill; none were spent this year.
    b.click_and_wait("a[href$='/edit/three_public/']")
    assert "“三公”经费：尚未填写（已填 0/3 行）" in b.find("#checks").text
    fill(b, {f"three_public-{n}-{field}": "0" for n in range(3) for field in ("budget", "actual")})
    b.click_and_wait("#section-form button[type=submit]")
    assert "已保存““三公”经费”" in b.text
    assert "“三公”经费：尚未填写" not in b.find("#checks").text

    # 自评表: every score; one below its weight without a reason is an error.
    b.click_and_wait("a[href$='/edit/scores/']")
    scores = full_marks(report)
    execution = Indicator.objects.get(framework=report.framework, name="预算执行规范性")
    scores[f"r{execution.pk}_score"] = "3"
    fill(b, scores)
    b.click_and_wait("#section-form button[type=submit]")
    error = "“预算执行管理 / 预算执行规范性”得分 3 低于权重 4 分，但没有填写偏差及原因分析"
    assert error in b.find("#checks").text
    assert error in b.find(f"#row-{execution.pk}").text
    assert "总分" in b.text and b.find("#total-score").text == "99"
    b.screenshot("scores-grid")

    # Follow the check's link to the row, give the reason, and the error is gone.
    b.find("#checks a").click()
    assert b.driver.current_url.endswith(f"#row-{execution.pk}")
    b.type(f'[name="r{execution.pk}_deviation"]', "个别支出审批手续滞后。")
    b.click_and_wait("#section-form button[type=submit]")
    assert error not in b.text
    assert "个错误" not in b.find("#checks").text
    assert b.find("#grade").text == "优"

    # Preview as it will print, then submit.
    b.click_and_wait(f"a[href$='/reports/{report.pk}/']")
    assert "八、部门整体支出绩效评价等级" in b.text
    assert "我单位 2023 年度评分得分 99 分" in b.text
    b.screenshot("preview")
    b.get(f"/reports/{report.pk}/edit/overview/")
    b.find("#submit-report").click()
    dialog = b.find("#submit-dialog")
    assert dialog.is_displayed()
    assert "总分 99，等级 优" in dialog.text
    b.type("#submit-note", "请审核。")
    b.click_and_wait("#submit-confirm")
    assert "已提交，等待审核" in b.text
    report.refresh_from_db()
    assert report.status == "submitted"
    assert report.income_lines.get(order=1).actual == D("2400.00")
    assert report.transitions.get(action="submit").comment == "请审核。"

    # Read-only from now on: the editor sends the clerk to the report, saying why.
    b.get(f"/reports/{report.pk}/edit/money/")
    assert b.driver.current_url.endswith(f"/reports/{report.pk}/")
    assert "审核期间不能修改；审核人打开之前，您可以撤回后再修改" in b.text
    assert "无权" not in b.text

    # Withdraw (no reviewer has opened it), and submit again.
    b.find("#withdraw-report").click()
    assert b.find("#withdraw-dialog").is_displayed()
    b.click_and_wait("#withdraw-confirm")
    assert "已撤回：报告回到草稿" in b.text
    assert Report.objects.get(pk=report.pk).status == "draft"
    b.find("#submit-report").click()
    b.click_and_wait("#submit-confirm")
    assert "已提交，等待审核" in b.text
    assert Report.objects.get(pk=report.pk).status == "submitted"
    assert list(report.transitions.values_list("action", flat=True)) == [
        "submit",
        "withdraw",
        "submit",
    ]


def test_submit_is_refused_with_the_list_of_errors(browser, e2e_demo):
    demo = e2e_demo.report.pk
    b = browser()
    b.login("clerk", "demo-clerk-2022")
    b.get(f"/reports/{demo}/edit/problems/")
    b.type('[name="problems"]', " ")
    b.click_and_wait("#section-form button[type=submit]")
    b.find("#submit-report").click()
    dialog = b.find("#submit-dialog")
    assert "还有 1 个错误，改正后才能提交" in dialog.text
    assert "“六、存在的主要问题”尚未填写" in dialog.text
    assert not b.find("#submit-confirm").is_enabled()
    # The tab of the page says so too: a text not filled in yet.
    assert b.find("a[data-section='problems'] .section-state").text == "未填 1"
    assert Report.objects.get(year=2022).status == "draft"


def test_second_save_of_the_same_section_is_refused(browser, e2e_demo):
    demo = e2e_demo.report.pk
    clerk, colleague = browser(), browser()
    clerk.login("clerk", "demo-clerk-2022")
    colleague.login("admin", "demo-admin-2022")
    for b in (clerk, colleague):
        b.get(f"/reports/{demo}/edit/problems/")
    colleague.type('[name="problems"]', "同事补充的问题。")
    colleague.click_and_wait("#section-form button[type=submit]")
    assert "已保存" in colleague.text

    clerk.type('[name="problems"]', "填报员写的问题。")
    clerk.click_and_wait("#section-form button[type=submit]")
    assert "有人先保存了“问题与改进”" in clerk.find("#conflict").text
    assert "同事补充的问题。" in clerk.find("#conflict").text
    assert clerk.find('[name="problems"]').get_attribute("value") == "填报员写的问题。"
    assert Report.objects.get(year=2022).problems == "同事补充的问题。"


def test_editor_works_at_tablet_width(browser, e2e_demo):
    demo = e2e_demo.report.pk
    b = browser(width=768)
    b.login("clerk", "demo-clerk-2022")
    b.get(f"/reports/{demo}/edit/money/")
    field = b.find('[name="income-0-actual"]')
    assert field.is_displayed()
    assert b.driver.execute_script("return document.documentElement.scrollWidth") <= 768
    b.get(f"/reports/{demo}/edit/scores/")
    assert b.find("#total-score").text == "99"


def test_add_row_button_adds_a_line_with_the_keyboard(browser, e2e_demo):
    demo = e2e_demo.report.pk
    b = browser()
    b.login("clerk", "demo-clerk-2022")
    b.get(f"/reports/{demo}/edit/money/")
    before = len(b.finds('[data-formset-body="income"] tr'))
    button = b.find('[data-add-row="income"]')
    button.send_keys("\n")
    assert len(b.finds('[data-formset-body="income"] tr')) == before + 1
    assert b.find('[name="income-TOTAL_FORMS"]').get_attribute("value") == str(before + 1)
