"""generate_province: consistent fake reports for load tests, refused twice for a year."""

import io
from collections import Counter
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from budgets.models import ExpenditureLine, Project
from departments.models import Department
from reports.demo import province
from reports.management.commands.generate_province import Command
from reports.models import ApprovedVersion, Report
from reports.selectors import report_data, report_scores
from scoring.models import IndicatorResult


def generated(year: int = 2022):
    return Report.objects.filter(year=year, department__code__startswith="SIM-")


@pytest.mark.django_db
def test_command_makes_counties_times_departments_reports_with_regions(demo):
    out = io.StringIO()
    call_command("generate_province", year=2022, counties=3, departments=4, seed=7, stdout=out)
    assert "已生成 2022 年测试数据：12 个部门，12 份报告" in out.getvalue()
    assert generated().count() == 12
    regions = Counter(
        Department.objects.filter(code__startswith="SIM-").values_list("region", flat=True)
    )
    assert regions == {"安山县": 4, "安水县": 4, "安阳县": 4}
    assert Department.objects.get(code="SIM-002-004").name == "安水县发展和改革局"


def test_help_says_it_is_test_data():
    assert "TEST DATA" in Command.help
    assert "TEST DATA" in province.__doc__


@pytest.mark.django_db
def test_statuses_are_spread_over_all_four_states(demo):
    call_command("generate_province", year=2022, counties=4, departments=10, stdout=io.StringIO())
    states = Counter(generated().values_list("status", flat=True))
    assert set(states) == set(Report.Status.values)
    assert (
        states[Report.Status.APPROVED]
        == ApprovedVersion.objects.filter(report__in=generated()).count()
    )


@pytest.mark.django_db
def test_figures_scores_and_deviations_are_consistent(demo):
    call_command("generate_province", year=2022, counties=2, departments=10, stdout=io.StringIO())
    reports = list(generated())
    for report in reports:
        projects = Project.objects.filter(report=report)
        lines = ExpenditureLine.objects.filter(report=report, nature="project")
        assert sum(p.budget for p in projects) == sum(line.budget for line in lines)
        assert sum(p.actual for p in projects) == sum(line.actual for line in lines)
        data = report_data(report=report)
        if report.status != Report.Status.DRAFT:
            assert data.errors == [], data.errors[0].message
        # Money that is not 财政拨款 is spent as 其他资金: no report contradicts its income.
        assert "fund_source_mismatch" not in {check.code for check in data.checks}
        assert data.figures.other_funds.actual == data.figures.income_non_fiscal
        for _, group, row in data.scorecard.rows():
            bound = group.row_weight(row)
            if row.score is not None and bound is not None:
                assert Decimal(0) <= row.score <= bound
                assert (row.score < bound) == bool(row.deviation)
        for group in (g for s in data.scorecard.sections for g in s.groups):
            if group.scored_as_whole:
                assert group.group_score <= group.weight
                assert (group.group_score < group.weight) == bool(group.group_deviation)
    assert IndicatorResult.objects.filter(report__in=reports).count() == 27 * len(reports)


@pytest.mark.django_db
def test_approved_versions_hold_the_total_score_and_grade(demo):
    call_command("generate_province", year=2022, counties=2, departments=10, stdout=io.StringIO())
    scores = report_scores(reports=generated())
    versions = ApprovedVersion.objects.filter(report__in=generated())
    assert versions.exists()
    for version in versions:
        assert (version.total_score, version.grade) == scores[version.report_id]
        assert version.summary["indicators"]["total_score"] == f"{version.total_score:.2f}"


@pytest.mark.django_db
def test_second_run_for_the_same_year_is_refused(demo):
    call_command("generate_province", year=2022, counties=1, departments=2, stdout=io.StringIO())
    with pytest.raises(CommandError, match="2022 年已有 2 份生成的测试报告"):
        call_command(
            "generate_province", year=2022, counties=1, departments=2, stdout=io.StringIO()
        )
    assert generated().count() == 2


@pytest.mark.django_db
def test_another_year_reuses_the_same_departments(demo):
    call_command("generate_province", year=2021, counties=1, departments=3, stdout=io.StringIO())
    call_command("generate_province", year=2022, counties=1, departments=3, stdout=io.StringIO())
    assert Department.objects.filter(code__startswith="SIM-").count() == 3
    assert generated(2021).count() == generated(2022).count() == 3
