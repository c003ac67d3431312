"""The year's dashboard: counts in the page, each role's scope, filters, export, query count."""

import io
import re
from collections import Counter
from decimal import Decimal

import pytest
from django.db.models import Sum
from openpyxl import load_workbook

from budgets.calc import Amounts, ThreePublicAmounts
from budgets.models import ThreePublicLine
from dashboard.overview import ReportFigures
from dashboard.views import dashboard_workbook
from reports.models import Report
from reports.selectors import report_scores
from reports.workflow import transition_apply
from tests.writes import rows_update


def number(html: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}">([^<]*)<', html)
    assert match, f"#{element_id} not in the page"
    return match.group(1)


def grade_counts(html: str) -> dict[str, int]:
    block = html[html.index('id="grade-counts"') :]
    block = block[: block.index("</ul>")]
    found = re.findall(r'grade-badge">([^<]+)</span> <strong id="grade-\d+">(\d+)</strong>', block)
    return {name: int(count) for name, count in found}


@pytest.mark.django_db
def test_dashboard_shows_the_counts_of_each_state_and_grade(province, client_for):
    province(2, 5)
    page = client_for("admin").get("/dashboard/2022/")
    assert page.status_code == 200
    html = page.content.decode()
    reports = Report.objects.filter(year=2022)
    states = Counter(reports.values_list("status", flat=True))
    assert number(html, "count-total") == "11"
    for status in Report.Status.values:
        assert number(html, f"count-{status}") == str(states[status])
    # The grades worked out in the database match the ones of the report list.
    grades = Counter(grade for _, grade in report_scores(reports=reports).values())
    assert grade_counts(html) == {name: grades[name] for name in ("优", "良", "中", "差")}


@pytest.mark.django_db
@pytest.mark.parametrize("counties, departments", [(2, 5), (4, 20)])
def test_dashboard_costs_the_same_few_queries_at_any_size(
    province, client_for, django_assert_max_num_queries, counties, departments
):
    province(counties, departments)
    client = client_for("admin")
    # Made from nothing kept: 4 queries for the figures of every part (dashboard/parts.py),
    # one for the table's rows.
    with django_assert_max_num_queries(18):
        page = client.get("/dashboard/2022/?sort=warnings")
    assert number(page.content.decode(), "count-total") == str(counties * departments + 1)


@pytest.mark.django_db
def test_reviewer_dashboard_counts_only_the_departments_in_their_scope(province, client_for):
    province(2, 5)
    html = client_for("reviewer").get("/dashboard/2022/").content.decode()
    assert number(html, "count-total") == "1"
    assert number(html, "count-draft") == "1"
    assert "浏阳市人大常委会机关" in html
    assert "安山县教育局" not in html


@pytest.mark.django_db
def test_other_reviewer_sees_none_of_the_demo_department(world, client_for):
    html = client_for("reviewer_b").get("/dashboard/2022/").content.decode()
    assert number(html, "count-total") == "0"
    assert "没有符合条件的报告" in html


@pytest.mark.django_db
def test_auditor_dashboard_counts_only_approved_reports(province, client_for):
    province(2, 5)
    approved = Report.objects.filter(year=2022, status=Report.Status.APPROVED).count()
    html = client_for("auditor").get("/dashboard/2022/").content.decode()
    assert number(html, "count-total") == str(approved)
    assert number(html, "count-approved") == str(approved)
    assert number(html, "count-draft") == "0"


@pytest.mark.django_db
def test_clerk_may_not_open_the_dashboard(demo, client_for):
    page = client_for("clerk").get("/dashboard/2022/")
    assert page.status_code == 403
    assert client_for("clerk").get("/dashboard/").status_code == 403
    assert "总览" not in client_for("clerk").get("/").content.decode().split("<main")[0]


@pytest.mark.django_db
def test_nav_links_the_dashboard_for_reviewers(demo, client_for):
    nav = client_for("reviewer").get("/").content.decode().split("<main")[0]
    assert 'href="/dashboard/"' in nav


@pytest.mark.django_db
def test_dashboard_without_a_year_opens_the_latest_and_keeps_the_filters(province, client_for):
    province(1, 3, year=2021)
    client = client_for("admin")
    assert client.get("/dashboard/").url == "/dashboard/2022/"
    response = client.get("/dashboard/?year=2021&region=安山县&sort=score")
    assert response.status_code == 302
    assert response.url.startswith("/dashboard/2021/?")
    assert "sort=score" in response.url


@pytest.mark.django_db
def test_region_filter_counts_only_that_region(province, client_for):
    province(2, 5)
    html = client_for("admin").get("/dashboard/2022/?region=安水县").content.decode()
    assert number(html, "count-total") == "5"
    assert "安水县教育局" in html and "安山县教育局" not in html
    # Few reports: one bar per department, each linking to its history.
    assert "各部门执行率" in html


@pytest.mark.django_db
def test_grade_and_status_filters_narrow_the_counts(province, client_for):
    province(2, 5)
    reports = Report.objects.filter(year=2022)
    scores = report_scores(reports=reports)
    best = sum(1 for _, grade in scores.values() if grade == "优")
    client = client_for("admin")
    html = client.get("/dashboard/2022/?grade=优").content.decode()
    assert number(html, "count-total") == str(best)
    approved = reports.filter(status=Report.Status.APPROVED).count()
    html = client.get("/dashboard/2022/?status=approved").content.decode()
    assert number(html, "count-total") == str(approved)
    assert number(html, "count-draft") == "0"


@pytest.mark.django_db
def test_an_unknown_filter_value_is_left_out(province, client_for):
    province(1, 3)
    html = client_for("admin").get("/dashboard/2022/?region=火星&grade=X").content.decode()
    assert number(html, "count-total") == "4"


@pytest.mark.django_db
def test_table_lists_the_largest_deviation_first_and_links_to_the_report(province, client_for):
    province(2, 5)
    html = client_for("admin").get("/dashboard/2022/").content.decode()
    table = html[html.index('id="dashboard-table"') :]
    rates = [Decimal(rate) for rate in re.findall(r'class="num[^"]*">(\d+\.\d\d)%</td>', table)]
    deviations = [abs(rate - 100) for rate in rates]
    assert deviations == sorted(deviations, reverse=True)
    first = re.search(r'href="/reports/(\d+)/"', table).group(1)
    assert Report.objects.filter(pk=first).exists()


@pytest.mark.django_db
def test_three_public_total_is_summed_over_the_reports(province, client_for):
    province(2, 5)
    total = ThreePublicLine.objects.filter(report__year=2022).aggregate(s=Sum("actual"))["s"]
    html = client_for("admin").get("/dashboard/2022/").content.decode()
    assert number(html, "three-public-actual") == f"{total:,.2f}"


@pytest.mark.django_db
def test_charts_are_svg_images_with_a_title(province, client_for):
    province(1, 3)
    html = client_for("admin").get("/dashboard/2022/").content.decode()
    assert html.count('role="img"') == 4
    assert '<title id="chart-rates-title">执行率</title>' in html
    assert 'class="band"' in html


@pytest.mark.django_db
def test_export_lists_every_filtered_report_in_the_table_order(province, client_for):
    province(2, 5)
    response = client_for("admin").get("/dashboard/2022/export.xlsx?region=安山县&sort=score")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert "安山县" in rows[0][0]
    assert rows[1][:2] == ("年度", "部门")
    body = rows[2:]
    assert len(body) == 5
    assert all(row[2] == "安山县" for row in body)
    scores = [row[4] for row in body]
    assert scores == sorted(scores)
    assert body[0][-1].startswith("http://testserver/reports/")


@pytest.mark.django_db
def test_export_refused_to_clerks(demo, client_for):
    assert client_for("clerk").get("/dashboard/2022/export.xlsx").status_code == 403


def test_text_that_looks_like_a_formula_is_written_as_text():
    row = ReportFigures(
        report_id=1,
        year=2022,
        department_id=1,
        department='=HYPERLINK("http://x","点")',
        region="+1",
        status="approved",
        status_label="@已批准",
        score=Decimal("90"),
        grade="-优",
        basic=Amounts(Decimal("10"), Decimal("9")),
        project=Amounts(),
        three_public=ThreePublicAmounts(),
        warnings=0,
    )
    content = dashboard_workbook([row], title="=title", base_url="http://testserver")
    sheet = load_workbook(io.BytesIO(content)).active
    cells = list(sheet.iter_rows(min_row=3, max_row=3))[0]
    assert cells[1].value == '=HYPERLINK("http://x","点")'
    assert cells[1].data_type == "s"
    assert [cells[2].value, cells[3].value, cells[5].value] == ["+1", "@已批准", "-优"]
    assert all(cell.data_type == "s" for cell in (cells[2], cells[3], cells[5]))
    assert cells[4].value == 90 and cells[4].data_type == "n"
    assert sheet["A1"].value == "=title" and sheet["A1"].data_type == "s"


def test_text_starting_with_a_tab_or_return_is_marked_as_text():
    row = ReportFigures(
        report_id=1,
        year=2022,
        department_id=1,
        department="\t=1+1",
        region="\r@x",
        status="approved",
        status_label="已批准",
        score=Decimal("90"),
        grade="优",
        basic=Amounts(Decimal("10"), Decimal("9")),
        project=Amounts(),
        three_public=ThreePublicAmounts(),
        warnings=0,
    )
    content = dashboard_workbook([row], title="总览", base_url="http://testserver")
    sheet = load_workbook(io.BytesIO(content)).active
    cells = list(sheet.iter_rows(min_row=3, max_row=3))[0]
    assert cells[1].value == "\t=1+1" and cells[1].data_type == "s"
    assert cells[1].quotePrefix and cells[2].quotePrefix
    assert not cells[3].quotePrefix  # 已批准 is ordinary text


@pytest.mark.django_db
def test_the_dashboard_is_kept_until_a_figure_changes_or_a_report_moves(
    province, client_for, django_assert_num_queries, users, demo_report
):
    province(2, 5)
    admin = client_for("admin")
    html = admin.get("/dashboard/2022/?sort=warnings").content.decode()
    # Kept: session, user, the menu's unread notifications (the roles are kept too) and the
    # highest department id (how many parts there are: dashboard/parts.py).
    with django_assert_num_queries(4):
        kept = admin.get("/dashboard/2022/?sort=warnings").content.decode()
    token = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert token.sub("", kept) == token.sub("", html)

    # A clerk saves a figure of a draft: the total changes at once.
    draft = Report.objects.filter(year=2022).exclude(pk=demo_report.pk).first()
    lines = ThreePublicLine.objects.filter(report=draft)
    rows_update(lines, actual=Decimal("0.00"))
    rows_update(lines.filter(pk=lines.first().pk), actual=Decimal("1000.00"))
    total = ThreePublicLine.objects.filter(report__year=2022).aggregate(s=Sum("actual"))["s"]
    html = admin.get("/dashboard/2022/?sort=warnings").content.decode()
    assert number(html, "three-public-actual") == f"{total:,.2f}"

    # The demo is submitted: the counts move.
    submitted = int(number(html, "count-submitted"))
    transition_apply(report=demo_report, user=users["clerk"], action="submit")
    html = admin.get("/dashboard/2022/?sort=warnings").content.decode()
    assert number(html, "count-submitted") == str(submitted + 1)
