"""Target forms for the tests: the demo department's, filled so that it passes the checks."""

from decimal import Decimal

import pytest

from targets.models import TargetForm
from targets.services import target_form_create, target_form_save

YEAR = 2024
GOAL = "目标1：依法履职，监督有力。"
BUDGET = {
    "budget_fiscal": Decimal("2092.38"),
    "budget_other": Decimal("0"),
    "budget_basic": Decimal("1382.26"),
    "budget_project": Decimal("710.12"),
}


def fill(form: TargetForm, user, **header) -> None:
    """Every row 定量 ≥ 80 %, the goal and the budget (or what ``header`` says)."""
    target = {"value_type": "quantitative", "comparator": "≥", "value": "80", "unit": "%"}
    rows = {row.indicator_id: target for row in form.rows.all()}
    target_form_save(
        form=form, user=user, header={"annual_goal": GOAL, **BUDGET, **header}, rows=rows
    )


@pytest.fixture
def department(users):
    return users["clerk"].department


@pytest.fixture
def blank_form(department):
    return target_form_create(department=department, year=YEAR)


@pytest.fixture
def filled_form(blank_form, users):
    fill(blank_form, users["clerk"])
    return blank_form
