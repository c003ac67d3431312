"""The demo's approved 2022 targets, made from the seed report."""

import pytest

from targets.demo import demo_targets_load
from targets.models import TargetForm
from targets.selectors import approved_targets

pytestmark = pytest.mark.django_db


def test_the_demo_targets_are_approved_with_the_seeds_values_and_budget(demo_report, users):
    form = demo_targets_load(report=demo_report, clerk=users["clerk"], reviewer=users["reviewer"])
    assert (form.year, form.number, form.status) == (2022, 1, "approved")
    assert str(form.budget_fiscal) == "2092.38"
    assert (str(form.budget_other), str(form.budget_basic), str(form.budget_project)) == (
        "0.00",
        "1382.26",
        "710.12",
    )
    assert form.annual_goal == demo_report.annual_goal != ""
    satisfaction = form.rows.get(indicator__name="代表建议办理满意率")
    assert (satisfaction.value_type, satisfaction.target_text) == ("quantitative", "≥80%")
    assert form.rows.get(indicator__name="助推优化营商环境").target_text == "效果显著"
    targets = approved_targets(department_id=demo_report.department_id, year=2022)
    assert targets.form == form
    assert [t.action for t in form.transitions.all()] == ["submit", "approve"]


def test_loading_the_demo_targets_twice_changes_nothing(demo_report, users):
    first = demo_targets_load(report=demo_report, clerk=users["clerk"], reviewer=users["reviewer"])
    again = demo_targets_load(report=demo_report, clerk=users["clerk"], reviewer=users["reviewer"])
    assert again == first
    assert TargetForm.objects.count() == 1
    assert first.transitions.count() == 2
