"""The small builders of tests/builders.py make what they say, through the writers."""

from decimal import Decimal

import pytest

from budgets.models import IncomeLine
from departments import roles
from tests import builders

pytestmark = pytest.mark.django_db


def test_a_built_report_holds_the_lines_scores_and_text_asked_for():
    report = builders.report(
        year=2023,
        lines={
            IncomeLine: [{"source": IncomeLine.Source.GENERAL_BUDGET, "actual": Decimal("12.50")}]
        },
        scores={"预算执行规范性": {"score": Decimal("3")}},
        problems="无",
    )
    report.refresh_from_db()
    assert (report.year, report.status, report.problems) == (2023, "draft", "无")
    assert list(report.income_lines.values_list("source", "actual")) == [
        (IncomeLine.Source.GENERAL_BUDGET, Decimal("12.50"))
    ]
    scored = report.indicator_results.exclude(score=None)
    assert [(r.indicator.name, r.score) for r in scored] == [("预算执行规范性", Decimal("3"))]


def test_a_built_user_has_its_role_department_and_reviewed_departments():
    department = builders.department()
    reviewer = builders.user(roles.REVIEWER, reviews=[department])
    clerk = builders.user(roles.CLERK, department=department)
    assert roles.user_roles(reviewer) == {roles.REVIEWER}
    assert roles.reviewed_department_ids(reviewer) == {department.pk}
    assert clerk.department == department
