"""Grading has one definition: ``rules.grade_for`` and its SQL form give the same answers."""

from decimal import Decimal as D

import pytest
from django.db.models import DecimalField, Value

from reports.models import Report
from reports.services import report_create
from scoring.models import Framework, GradeBand
from scoring.rules import DEFAULT_GRADE_BANDS, UNSCORED, grade_for
from scoring.selectors import framework_bands, grade_case, grade_expression
from scoring.services import framework_copy

SCORES = [D("0"), D("59.99"), D("60"), D("89.99"), D("90"), D("100"), None]


# Both forms of the rule in SQL: a subquery per report, and a CASE of the bands read first.
EXPRESSIONS = pytest.mark.parametrize("expression", [grade_expression, grade_case])


def sql_grade(report, score, expression=grade_expression) -> str:
    return (
        Report.objects.filter(pk=report.pk)
        .annotate(
            score_total=Value(score, output_field=DecimalField(max_digits=8, decimal_places=2))
        )
        .annotate(grade=expression(score="score_total"))
        .values_list("grade", flat=True)
        .get()
    )


def test_python_grades_of_the_bands_edges_and_of_no_score():
    assert [grade_for(score) for score in SCORES] == ["差", "差", "中", "良", "优", "优", UNSCORED]


@EXPRESSIONS
def test_sql_and_python_grade_every_score_alike(demo_report, expression):
    bands = framework_bands(framework_ids=[demo_report.framework_id])[demo_report.framework_id]
    assert [sql_grade(demo_report, score, expression) for score in SCORES] == [
        grade_for(score, bands) for score in SCORES
    ]


@EXPRESSIONS
def test_sql_and_python_agree_on_a_framework_with_bands_of_its_own(demo_report, expression):
    framework = framework_copy(framework=demo_report.framework, name="四档以外")
    GradeBand.objects.filter(framework=framework).delete()
    for name, minimum in (("A", D("85")), ("B", D("60")), ("C", D("0"))):
        GradeBand.objects.create(framework=framework, name=name, min_score=minimum)
    report = report_create(department=demo_report.department, year=2030, framework=framework)
    bands = framework.grade_bands()
    assert [sql_grade(report, score, expression) for score in SCORES] == [
        grade_for(score, bands) for score in SCORES
    ]
    assert sql_grade(report, D("89.99"), expression) == "A"


@EXPRESSIONS
def test_sql_falls_back_to_the_default_bands_as_the_scorecard_does(demo_report, expression):
    framework = framework_copy(framework=demo_report.framework, name="无等级")
    GradeBand.objects.filter(framework=framework).delete()
    assert not Framework.objects.get(pk=framework.pk).bands.exists()
    report = report_create(department=demo_report.department, year=2031, framework=framework)
    assert [sql_grade(report, score, expression) for score in SCORES] == [
        grade_for(score, DEFAULT_GRADE_BANDS) for score in SCORES
    ]
