"""The admin's report list and the reviewer's queue cost the same queries at any size."""

import pytest

from departments.models import Department
from reports.demo.province import province_generate
from reports.models import Report

LIST = "/admin/reports/report/"


@pytest.fixture
def grow(demo, users):
    """Add a generated province of the given size; the reviewer reviews every department."""

    def make(counties: int, departments: int, year: int):
        province_generate(year=year, counties=counties, departments=departments, seed=year)
        users["reviewer"].reviewed_departments.set(Department.objects.all())

    return make


@pytest.mark.parametrize(
    ("username", "query"),
    [("admin", {"status": "all"}), ("reviewer", {}), ("reviewer", {"status": "all"})],
    ids=["admin-all", "reviewer-queue", "reviewer-all"],
)
def test_report_list_queries_do_not_grow_with_reports(
    grow, client_for, django_assert_max_num_queries, username, query
):
    client = client_for(username)
    grow(2, 5, 2021)
    with django_assert_max_num_queries(20) as small:
        first = client.get(LIST, query)
    assert first.status_code == 200
    small_count = first.context["cl"].result_count
    grow(4, 20, 2022)
    with django_assert_max_num_queries(len(small.captured_queries)) as large:
        second = client.get(LIST, query)
    assert second.context["cl"].result_count > small_count
    # At most as many (the first request may also renew the session).
    assert len(large.captured_queries) <= len(small.captured_queries)
    if query == {}:  # the queue: submitted reports only
        shown = {r.status for r in second.context["cl"].result_list}
        assert shown == {Report.Status.SUBMITTED}
