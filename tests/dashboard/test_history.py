"""A department's history: every year it may be seen, as charts and a table."""

import re

import pytest
from django.db.models import Sum

from budgets.models import ThreePublicLine
from departments.models import Department
from reports.models import Report
from reports.selectors import report_scores


def history_url(department) -> str:
    return f"/departments/{department.pk}/history/"


def table_rows(html: str) -> list[str]:
    table = html[html.index('id="history-table"') :]
    table = table[: table.index("</table>")]
    return re.findall(r'<th scope="row">(\d{4})</th>', table)


@pytest.mark.django_db
def test_history_shows_every_year_with_score_grade_and_rate(province, client_for):
    province(1, 3, year=2021)
    province(1, 3, year=2022)
    department = Department.objects.get(code="SIM-001-002")
    html = client_for("admin").get(history_url(department)).content.decode()
    assert table_rows(html) == ["2021", "2022"]
    latest = Report.objects.get(department=department, year=2022)
    score, grade = report_scores(reports=[latest])[latest.pk]
    assert f'id="latest-score">{score.normalize():f}<' in html
    assert f'id="latest-grade">{grade}<' in html
    assert html.count('role="img"') == 4
    assert f'href="/reports/{latest.pk}/"' in html


@pytest.mark.django_db
def test_three_public_of_last_year_carries_into_the_next(province, client_for):
    province(1, 2, year=2021)
    province(1, 2, year=2022)
    department = Department.objects.get(code="SIM-001-001")
    lines = ThreePublicLine.objects.filter(report__department=department)
    last_year = lines.filter(report__year=2021).aggregate(s=Sum("actual"))["s"]
    this_year = lines.filter(report__year=2022).aggregate(s=Sum("previous_actual"))["s"]
    assert last_year == this_year
    html = client_for("admin").get(history_url(department)).content.decode()
    assert f"{last_year:,.2f}" in html


@pytest.mark.django_db
@pytest.mark.parametrize("counties, departments", [(2, 5), (4, 20)])
def test_history_costs_the_same_few_queries_at_any_size(
    province, client_for, django_assert_max_num_queries, counties, departments
):
    province(counties, departments, year=2021)
    province(counties, departments, year=2022)
    department = Department.objects.get(code="SIM-001-001")
    client = client_for("admin")
    # 8, and the navigation's count of unread notifications.
    with django_assert_max_num_queries(9):
        page = client.get(history_url(department))
    assert table_rows(page.content.decode()) == ["2021", "2022"]


@pytest.mark.django_db
def test_reviewer_cannot_see_the_history_of_a_department_out_of_scope(province, client_for):
    province(1, 2)
    department = Department.objects.get(code="SIM-001-001")
    assert client_for("reviewer").get(history_url(department)).status_code == 404
    demo = Department.objects.get(code="430181-001")
    assert client_for("reviewer").get(history_url(demo)).status_code == 200


@pytest.mark.django_db
def test_clerk_sees_the_history_of_their_own_department(demo, client_for):
    html = client_for("clerk").get(history_url(demo.report.department)).content.decode()
    assert table_rows(html) == ["2022"]
    # No link to a dashboard they may not open.
    assert "年总览</a>" not in html


@pytest.mark.django_db
def test_auditor_sees_only_the_approved_years(province, client_for):
    province(3, 4, year=2021)
    province(3, 4, year=2022)
    approved = Report.objects.filter(
        status=Report.Status.APPROVED, department__code__startswith="SIM-"
    ).values_list("department_id", "year")
    by_department: dict[int, list[str]] = {}
    for department_id, year in approved:
        by_department.setdefault(department_id, []).append(str(year))
    department_id, years = next(iter(by_department.items()))
    html = client_for("auditor").get(f"/departments/{department_id}/history/").content.decode()
    assert table_rows(html) == sorted(years)
    assert "草稿" not in html.split('id="history-table"')[1]
