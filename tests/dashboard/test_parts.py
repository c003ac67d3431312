"""The dashboard kept in parts (dashboard/parts.py): the parts add up to one pass over the
reports, and a change makes only its department's part stale."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from budgets.models import ExpenditureLine
from dashboard import overview, parts, summary
from dashboard.overview import DashboardFilters
from departments.models import Department
from perfeval import pagecache
from reports.models import Report
from reports.totals import totals_refresh
from reports.workflow import transition_apply
from tests.writes import rows_update


@pytest.fixture
def small_parts(monkeypatch):
    """Parts of 3 departments, so that a small province has several."""
    monkeypatch.setattr(pagecache, "PART_DEPARTMENTS", 3)


def one_pass(user, filters: DashboardFilters, sort: str, grades: list[str]):
    reports = overview.dashboard_reports(user=user, filters=filters)
    figures = summary.dashboard_summary(reports=reports, grades=grades)
    kind, rates = overview.execution_rates(reports=reports, total=figures.total)
    rows = overview.dashboard_rows(reports=reports, sort=sort, limit=25)
    return figures, rows, kind, rates


def of_parts(user, filters: DashboardFilters, sort: str, grades: list[str]):
    reports = overview.dashboard_reports(user=user, filters=filters)
    dashboard = parts.dashboard_of_parts(
        reports,
        generations=parts.generations_read(),
        name=("test", filters),
        grades=grades,
        sort=sort,
        rows=25,
    )
    return dashboard.summary, dashboard.rows, dashboard.rate_kind, dashboard.rates


GRADES = ["优", "良", "中", "差", "未评分"]


@pytest.mark.django_db
@pytest.mark.parametrize("sort", list(overview.SORTS))
@pytest.mark.parametrize(
    "filters",
    [
        DashboardFilters(2022),
        DashboardFilters(2022, status="approved"),
        DashboardFilters(2022, grade="良"),
        DashboardFilters(2022, region="安山县"),
    ],
    ids=["all", "approved", "grade", "region"],
)
def test_the_parts_add_up_to_one_pass_over_the_reports(small_parts, province, filters, sort):
    province(10, 6)  # 61 reports in 21 parts
    admin = get_user_model().objects.get(username="admin")
    assert len(parts.generations_read().parts) > 20
    made = of_parts(admin, filters, sort, GRADES)
    assert made == one_pass(admin, filters, sort, GRADES)
    assert made[0].total > 0
    # Read again from the kept parts: the same.
    assert of_parts(admin, filters, sort, GRADES) == made


@pytest.mark.django_db
def test_a_change_works_out_again_only_its_departments_part(small_parts, province, monkeypatch):
    province(4, 5)
    admin = get_user_model().objects.get(username="admin")
    filters = DashboardFilters(2022)
    made_for: list = []
    parts_made = parts.parts_made

    def spy(reports, *, sort, rows, parts):
        made_for.append(parts)
        return parts_made(reports, sort=sort, rows=rows, parts=parts)

    monkeypatch.setattr(parts, "parts_made", spy)
    before = of_parts(admin, filters, "deviation", GRADES)
    assert made_for == [None]  # all of them, at once

    # A clerk's figure: its part only, and the total moves.
    report = Report.objects.filter(department__code="SIM-003-002").get()
    part = pagecache.part_of(report.department_id)
    line = ExpenditureLine.objects.filter(report=report).first()
    rows_update(ExpenditureLine.objects.filter(pk=line.pk), actual=line.actual + Decimal("100"))
    after = of_parts(admin, filters, "deviation", GRADES)
    assert made_for[1:] == [[part]]
    assert after[0].spending.actual == before[0].spending.actual + Decimal("100")
    assert after == one_pass(admin, filters, "deviation", GRADES)

    # Kept: nothing worked out.
    of_parts(admin, filters, "deviation", GRADES)
    assert len(made_for) == 2

    # A transition, a department renamed: each its own part.
    other = Report.objects.filter(department__code__startswith="SIM-", status="submitted")[0]
    transition_apply(report=other, user=admin, action="return", comment="请补充偏差原因。")
    of_parts(admin, filters, "deviation", GRADES)
    assert made_for[2:] == [[pagecache.part_of(other.department_id)]]

    department = Department.objects.get(code="SIM-004-005")
    department.name = "改名后的局"
    department.save()
    of_parts(admin, filters, "deviation", GRADES)
    assert made_for[3:] == [[pagecache.part_of(department.pk)]]

    assert of_parts(admin, filters, "deviation", GRADES) == one_pass(
        admin, filters, "deviation", GRADES
    )


@pytest.mark.django_db
def test_totals_refreshed_bump_the_parts_of_their_departments(small_parts, province):
    province(2, 5)
    report = Report.objects.filter(department__code="SIM-002-004").get()
    kinds = [pagecache.part_kind(p) for p in range(len(parts.generations_read().parts))]
    assert len(kinds) > 3
    before = pagecache.generations(kinds)
    totals_refresh([report.pk])
    after = pagecache.generations(kinds)
    changed = [kind for kind in kinds if before[kind] != after[kind]]
    assert changed == [pagecache.part_kind(pagecache.part_of(report.department_id))]
