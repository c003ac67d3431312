"""A department's performance year in a real Chromium: the clerk drafts the year's targets,
the reviewer returns them and then approves them; at the August checkpoint execution is
behind and an indicator at risk, and the 监控表 cannot be submitted until both have a reason
and a measure; the self-assessment opens with the approved targets in place and offers the
reasons given while monitoring; the report's problems, approved, appear in next year's
report with their status."""

from selenium.webdriver.support.ui import Select

from departments.models import User
from followup.models import ProblemItem
from monitoring.models import Checkpoint, CheckpointReport
from monitoring.services import checkpoints_default
from reports.models import Report
from reports.workflow import transition_apply
from scoring.models import Indicator, IndicatorResult
from scoring.writers import results_write
from targets.checks import target_parse
from targets.models import TargetForm
from targets.services import target_form_save

GOAL = "紧紧围绕中央全面深化改革的重大决策部署，加强和改进监督工作。"
RETURN_COMMENT = "社会公众满意度请写明测评方式（指标解释）。"
SATISFACTION = "社会公众满意度"
ACCURACY = "准确性"
ROW_REASON = "人员经费等基本支出超出年初预算，预算调整较多"
ROW_MEASURE = "加强预算执行监控，年中按规定调整预算"


def _rows_from_the_report(report, form, skip: Indicator) -> dict:
    """The report's 年度指标值 as target rows, as a clerk would type them (set-up)."""
    return {
        result.indicator_id: vars(target_parse(result.target))
        for result in IndicatorResult.objects.filter(report=report).exclude(indicator=skip)
    }


def test_a_department_s_year_from_targets_to_next_year_s_report(browser, e2e_demo):
    report = e2e_demo.report
    users = {u.username: u for u in User.objects.all()}
    satisfaction = Indicator.objects.get(framework=report.framework, name=SATISFACTION)
    accuracy = Indicator.objects.get(framework=report.framework, name=ACCURACY)
    # The report was started before the targets were declared: its 满意度 target is empty.
    results_write(report=report, rows={satisfaction.pk: {"target": ""}}, reason="测试")

    # 1. The clerk drafts the year's targets.
    clerk = browser()
    clerk.login("clerk", "demo-clerk-2022")
    clerk.get("/targets/")
    clerk.type("#start-year", "2022")
    clerk.click_and_wait("#start-targets")
    form = TargetForm.objects.get(department=report.department, year=2022)
    assert clerk.driver.current_url.endswith(f"/targets/{form.pk}/edit/")
    target_form_save(
        form=form,
        user=users["clerk"],
        header={},
        rows=_rows_from_the_report(report, form, satisfaction),
    )
    clerk.get(f"/targets/{form.pk}/edit/")
    clerk.type("#id_header-annual_goal", GOAL)
    for field, amount in (
        ("fiscal", "2092.38"),
        ("other", "0"),
        ("basic", "1382.26"),
        ("project", "710.12"),
    ):
        clerk.type(f"#id_header-budget_{field}", amount)
    Select(clerk.find(f"#id_{satisfaction.pk}-value_type")).select_by_value("quantitative")
    Select(clerk.find(f"#id_{satisfaction.pk}-comparator")).select_by_value("≥")
    clerk.type(f"#id_{satisfaction.pk}-value", "80")
    clerk.type(f"#id_{satisfaction.pk}-unit", "%")
    clerk.click_and_wait("#save-targets")
    assert "已保存" in clerk.text
    clerk.click_and_wait("#submit-targets")
    assert TargetForm.objects.get(pk=form.pk).status == "submitted"

    # 2. The reviewer returns it; the clerk is told why, mends it and submits it again.
    reviewer = browser()
    reviewer.login("reviewer", "demo-reviewer-2022")
    reviewer.get(f"/targets/{form.pk}/")
    reviewer.type("#transition-comment", RETURN_COMMENT)
    reviewer.click_and_wait("#return-targets")
    assert TargetForm.objects.get(pk=form.pk).status == "returned"
    clerk.get("/notifications/")
    assert RETURN_COMMENT in clerk.text
    clerk.get(f"/targets/{form.pk}/edit/")
    clerk.type(f"#id_{satisfaction.pk}-explanation", "委托第三方问卷测评社会公众满意度")
    clerk.click_and_wait("#save-targets")
    clerk.click_and_wait("#submit-targets")
    reviewer.get(f"/targets/{form.pk}/")
    reviewer.click_and_wait("#approve-targets")
    assert TargetForm.objects.get(pk=form.pk).status == "approved"
    assert "已批准" in reviewer.find("#target-status").text

    # 3. The August checkpoint: execution behind (1,000.00 of 2,092.38 is 47.79 %, 60 % was
    # expected) and 准确性 at risk; no submitting until both have a reason and a measure.
    checkpoints_default(2022)
    august = Checkpoint.objects.get(year=2022, expected_share=60)
    clerk.get("/monitoring/")
    clerk.click_and_wait(f'form[action="/monitoring/checkpoints/{august.pk}/start/"] button')
    sheet = CheckpointReport.objects.get(department=report.department, checkpoint=august)
    assert clerk.find("#id_header-budget").get_attribute("value") == "2092.38"
    clerk.type("#id_header-executed", "1000")
    Select(clerk.find(f"#id_row-{accuracy.pk}-likelihood")).select_by_visible_text("有可能")
    clerk.click_and_wait("#save-checkpoint")
    clerk.get(f"/monitoring/reports/{sheet.pk}/")
    assert "预警" in clerk.text
    clerk.click_and_wait("#submit-checkpoint")
    assert CheckpointReport.objects.get(pk=sheet.pk).status == "draft"
    refusal = clerk.text
    assert "监控表还有" in refusal
    assert ACCURACY in refusal
    clerk.get(f"/monitoring/reports/{sheet.pk}/edit/")
    clerk.type("#id_header-execution_reason", "部分项目资金待验收后支付")
    clerk.type("#id_header-execution_measure", "督促项目按期验收，及时支付")
    clerk.type(f"#id_row-{accuracy.pk}-reason", ROW_REASON)
    clerk.type(f"#id_row-{accuracy.pk}-measure", ROW_MEASURE)
    clerk.click_and_wait("#save-checkpoint")
    clerk.get(f"/monitoring/reports/{sheet.pk}/")
    clerk.click_and_wait("#submit-checkpoint")
    assert CheckpointReport.objects.get(pk=sheet.pk).status == "submitted"

    # 4. The self-assessment opens with the approved targets in place and offers the reasons.
    clerk.get(f"/reports/{report.pk}/edit/scores/")
    assert "本报告按第 1 版绩效目标" in clerk.find("#targets-basis").text
    assert clerk.find(f"#id_r{satisfaction.pk}_target").get_attribute("value") == "≥80%"
    assert ROW_REASON in clerk.find(f"#monitoring-{accuracy.pk}").get_attribute("textContent")
    offer = clerk.find(f"#offer-{accuracy.pk}")
    clerk.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", offer)
    offer.click()
    deviation = clerk.find(f"#id_r{accuracy.pk}_deviation").get_attribute("value")
    assert ROW_REASON in deviation
    assert ROW_MEASURE in deviation
    clerk.screenshot("year-scores", full_page=False)

    # 5. The report approved, its problems are items; one is being put right; next year's
    # report says so.
    transition_apply(report=report, user=users["clerk"], action="submit")
    transition_apply(report=report, user=users["reviewer"], action="approve")
    item = ProblemItem.objects.filter(report=report).order_by("pk").first()
    clerk.get(f"/problems/{item.pk}/")
    Select(clerk.find("#id_status")).select_by_value("in_progress")
    clerk.type("#id_note", "已修订预算编制办法，正在细化支出标准")
    clerk.click_and_wait("#problem-update-form button[type=submit]")
    assert ProblemItem.objects.get(pk=item.pk).status == "in_progress"
    clerk.get("/")
    clerk.click_and_wait("#start-report")
    following = Report.objects.get(department=report.department, year=2023)
    clerk.get(f"/reports/{following.pk}/")
    assert "2022年发现问题整改情况" in clerk.text
    assert "整改情况：整改中" in clerk.text
