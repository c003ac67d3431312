"""Invariants the models and the database hold: one report a year, no negative money."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from budgets.models import ExpenditureLine, IncomeLine, ThreePublicLine
from reports.models import Report
from scoring.models import IndicatorResult

NEGATIVE = "金额不能为负数：请填写 0 或正数（单位：万元）。"


def test_second_report_for_same_department_and_year_is_refused_with_a_message(demo_report):
    duplicate = Report(
        department=demo_report.department, year=2022, framework=demo_report.framework
    )
    with pytest.raises(ValidationError) as raised:
        duplicate.full_clean()
    assert "该部门该年度的自评报告已存在" in str(raised.value)


def test_database_refuses_a_second_report_for_same_department_and_year(demo_report):
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(
            department=demo_report.department, year=2022, framework=demo_report.framework
        )
    assert Report.objects.count() == 1


def test_another_year_is_allowed(demo_report):
    other = Report(department=demo_report.department, year=2023, framework=demo_report.framework)
    other.full_clean()
    other.save()
    assert Report.objects.count() == 2


@pytest.mark.parametrize(
    "model, values",
    [
        (IncomeLine, {"source": "general_budget", "actual": D("-1.00")}),
        (ExpenditureLine, {"nature": "personnel", "budget": D("10"), "actual": D("-0.01")}),
        (
            ThreePublicLine,
            {"kind": "official_reception", "budget": D("-5"), "actual": 0, "previous_actual": 0},
        ),
    ],
)
def test_negative_amount_is_refused_with_a_clear_message(demo_report, model, values):
    empty = Report.objects.create(
        department=demo_report.department, year=2023, framework=demo_report.framework
    )
    line = model(report=empty, **values)
    with pytest.raises(ValidationError) as raised:
        line.full_clean()
    assert NEGATIVE in str(raised.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        line.save()
    assert not model.objects.filter(report=empty).exists()


def test_negative_score_is_refused(demo_report):
    result = demo_report.indicator_results.first()
    result.score = D("-1")
    with pytest.raises(ValidationError, match="不能为负数"):
        result.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorResult.objects.filter(pk=result.pk).update(score=D("-1"))
