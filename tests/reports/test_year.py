"""The report in its year: it starts from the approved targets, scores against the last
approved version and says which, shows where its own values differ, offers the monitoring
beside each row, and prints what became of last year's problems."""

from decimal import Decimal

import pytest

from followup.models import ProblemItem
from followup.services import problem_update
from monitoring.demo import demo_monitoring_load
from reports.models import Report
from reports.selectors import report_data
from reports.services import report_create, report_start_next_year
from reports.workflow import document_transition
from reports.year import report_year
from scoring.models import Indicator, IndicatorResult
from scoring.writers import results_write
from targets.demo import demo_targets_load
from targets.models import TargetForm
from targets.services import target_adjust, target_form_save
from tests.steps import approve

SATISFACTION = "社会公众满意度"


@pytest.fixture
def targets(demo, users):
    """The demo's 2022 targets, approved (version 1)."""
    return demo_targets_load(report=demo.report, clerk=users["clerk"], reviewer=users["reviewer"])


def _row(report: Report, name: str) -> IndicatorResult:
    return IndicatorResult.objects.get(report=report, indicator__name=name)


def _suggestion(report: Report, name: str) -> Decimal:
    data = report_data(report=report)
    return next(row for _, _, row in data.scorecard.rows() if row.name == name).suggestion.score


def _adjusted(form: TargetForm, users, *, value: str) -> TargetForm:
    """Version 2 of ``form`` with 社会公众满意度 at ≥``value``%, submitted and approved."""
    adjusted = target_adjust(form=form, user=users["clerk"], reason="年中调整：提高满意度目标")
    indicator = Indicator.objects.get(framework=form.framework, name=SATISFACTION)
    target_form_save(
        form=adjusted,
        user=users["clerk"],
        header={},
        rows={indicator.pk: {"comparator": "≥", "value": value, "unit": "%"}},
    )
    document_transition(subject=adjusted, user=users["clerk"], action="submit")
    document_transition(subject=adjusted, user=users["reviewer"], action="approve")
    return adjusted


def test_the_self_assessment_scores_against_the_approved_targets_and_says_which(
    targets, demo_report, client_for
):
    assert _row(demo_report, SATISFACTION).target == "≥80%"
    year = report_year(report=demo_report)
    assert year.targets.number == 1
    assert year.differing == ()
    page = client_for("clerk").get(f"/reports/{demo_report.pk}/").content.decode()
    assert "本报告按第 1 版绩效目标（" in page
    assert "批准）评分。" in page


def test_an_adjusted_target_is_what_the_report_then_scores_against_and_the_old_stays(
    targets, demo_report, users, client_for
):
    # The published year end: 社会公众满意度 ≥90% against ≥80%, full marks suggested.
    assert _suggestion(demo_report, SATISFACTION) == Decimal("10.00")

    adjusted = _adjusted(targets, users, value="95")

    # The draft report takes the adjusted value over and scores against it: 10 × 90 ÷ 95.
    assert _row(demo_report, SATISFACTION).target == "≥95%"
    assert _suggestion(demo_report, SATISFACTION) == Decimal("9.47")
    year = report_year(report=demo_report)
    assert year.targets.form == adjusted
    assert year.scored_against.startswith("本报告按第 2 版绩效目标（")
    assert "调整" in year.scored_against
    page = client_for("reviewer").get(f"/reports/{demo_report.pk}/").content.decode()
    assert "本报告按第 2 版绩效目标（" in page
    grid = client_for("clerk").get(f"/reports/{demo_report.pk}/edit/scores/").content.decode()
    assert "本报告按第 2 版绩效目标（" in grid

    # Version 1 stays on record as it was approved, with its log.
    targets.refresh_from_db()
    assert targets.status == "approved"
    assert targets.rows.get(indicator__name=SATISFACTION).target_text == "≥80%"
    assert [t.action for t in targets.transitions.order_by("pk")] == ["submit", "approve"]
    assert list(
        TargetForm.objects.filter(department=targets.department)
        .values_list("number", "status")
        .order_by("number")
    ) == [(1, "approved"), (2, "approved")]
    # The report's row records why its value changed.
    history = _row(demo_report, SATISFACTION).history.order_by("-history_id").first()
    assert history.target == "≥95%"


def test_a_report_already_submitted_keeps_its_values_and_shows_the_difference(
    targets, demo_report, users, client_for
):
    report = approve(demo_report, users)
    _adjusted(targets, users, value="95")
    assert _row(report, SATISFACTION).target == "≥80%"
    year = report_year(report=report)
    assert year.differing == ((SATISFACTION, "≥80%", "≥95%"),)
    # It does not claim to be scored against a version adjusted after it was submitted.
    assert year.scored_against.startswith("现行的绩效目标为第 2 版绩效目标（")
    assert year.scored_against.endswith("本报告有 1 项年度指标值与之不同。")
    page = client_for("auditor").get(f"/reports/{report.pk}/").content.decode()
    assert "与绩效目标不同" in page
    assert "≥95%" in page


def test_a_value_the_clerk_changes_is_shown_beside_the_approved_one(
    targets, demo_report, client_for
):
    indicator = Indicator.objects.get(framework=demo_report.framework, name=SATISFACTION)
    results_write(report=demo_report, rows={indicator.pk: {"target": "≥70%"}}, reason="测试")
    grid = client_for("clerk").get(f"/reports/{demo_report.pk}/edit/scores/").content.decode()
    assert f'id="target-differs-{indicator.pk}"' in grid
    assert "批准的年度指标值：≥80%" in grid


def test_a_new_report_starts_from_the_approved_targets(demo, users):
    from departments.models import Department

    department = Department.objects.get(pk=demo.report.department_id)
    form = demo_targets_load(report=demo.report, clerk=users["clerk"], reviewer=users["reviewer"])
    # The same targets declared for 2023, approved: a new 2023 report takes them over.
    copy = TargetForm.objects.create(
        department=department,
        year=2023,
        framework=form.framework,
        annual_goal=form.annual_goal,
        budget_fiscal=form.budget_fiscal,
        budget_other=form.budget_other,
        budget_basic=form.budget_basic,
        budget_project=form.budget_project,
    )
    for row in form.rows.all():
        copy.rows.create(
            indicator=row.indicator,
            value_type=row.value_type,
            comparator=row.comparator,
            value=row.value,
            unit=row.unit,
        )
    document_transition(subject=copy, user=users["clerk"], action="submit")
    document_transition(subject=copy, user=users["reviewer"], action="approve")

    report = report_create(department=department, year=2023)
    assert _row(report, SATISFACTION).target == "≥80%"
    assert report.annual_goal == form.annual_goal
    fiscal = report.income_lines.get(source="general_budget")
    assert fiscal.budget == Decimal("2092.38")
    project = report.expenditure_lines.get(nature="project")
    assert project.budget == Decimal("710.12")
    assert report_year(report=report).differing == ()


def test_the_grid_offers_the_reasons_given_while_monitoring(
    targets, demo_report, users, client_for
):
    year = report_year(report=demo_report)
    demo_monitoring_load(
        report=demo_report,
        clerk=users["clerk"],
        reviewer=users["reviewer"],
        targets=year.targets.values,
    )
    accuracy = Indicator.objects.get(framework=demo_report.framework, name="准确性")
    grid = client_for("clerk").get(f"/reports/{demo_report.pk}/edit/scores/").content.decode()
    assert f'id="monitoring-{accuracy.pk}"' in grid
    assert "运行监控（4 次）" in grid
    assert "人员经费等基本支出超出年初预算，预算调整较多" in grid
    assert f'id="offer-{accuracy.pk}"' in grid


def test_next_year_s_report_says_what_became_of_last_year_s_problems(demo, users, client_for):
    report = approve(demo.report, users)  # approving makes the problems items
    items = list(ProblemItem.objects.filter(report=report).order_by("pk"))
    assert len(items) == 2
    problem_update(item=items[0], user=users["clerk"], status="done", note="已细化预算编制")
    following = report_start_next_year(previous=report)
    text = "\n".join(block.text for block in report_data(report=following).blocks())
    assert "2022年发现问题整改情况" in text
    assert "预算编制准确性有待提高" in text
    assert "整改情况：已整改。" in text
    # Due 2023-06-30 and still open today: overdue.
    assert "整改情况：未整改（已逾期）。" in text
    page = client_for("clerk").get(f"/reports/{following.pk}/").content.decode()
    assert "2022年发现问题整改情况" in page


def test_an_open_problem_past_its_date_is_a_warning_of_next_year_s_report(demo, users):
    import datetime

    report = approve(demo.report, users)
    item, other = ProblemItem.objects.filter(report=report).order_by("pk")
    problem_update(item=item, user=users["clerk"], due_date=datetime.date(2023, 1, 31))
    problem_update(item=other, user=users["clerk"], status="done", note="已明确项目支出编制")
    following = report_start_next_year(previous=report)
    warnings = [c for c in report_data(report=following).warnings if c.code == "followup_overdue"]
    assert len(warnings) == 1
    assert "整改期限（2023年1月31日）已过，仍为“未整改”" in warnings[0].message
