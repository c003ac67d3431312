"""The two writers of a report's rows: ``budgets.writers`` and ``scoring.writers``."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db.models.signals import post_delete, post_save

from budgets.models import ExpenditureLine, ThreePublicLine
from budgets.writers import lines_sync
from reports import totals
from reports.guards import ReportNotEditable
from reports.models import Report, ReportTotals
from scoring.models import GroupResult, Indicator, IndicatorResult
from scoring.writers import results_write

D = Decimal


@pytest.fixture
def no_signal_totals():
    """The totals receivers (the backstop for writes past the writers) switched off: what
    is refreshed now, the writers refreshed themselves."""
    for model in totals.SOURCES:
        uid = f"{model._meta.label_lower}_totals"
        post_save.disconnect(sender=model, dispatch_uid=f"{uid}_saved")
        post_delete.disconnect(sender=model, dispatch_uid=f"{uid}_deleted")
    yield
    totals.connect()


def three_public_rows(report) -> list[dict]:
    return [
        {
            "kind": line.kind,
            "budget": line.budget,
            "actual": line.actual,
            "previous_actual": line.previous_actual,
            "count": line.count,
        }
        for line in ThreePublicLine.objects.filter(report=report)
    ]


def history_count() -> int:
    return sum(
        model.history.count()
        for model in (ThreePublicLine, ExpenditureLine, IndicatorResult, GroupResult)
    )


def leaf(report, name: str) -> Indicator:
    return Indicator.objects.get(framework=report.framework, level=3, name=name)


@pytest.mark.django_db
def test_writing_the_same_lines_again_changes_and_records_nothing(demo_report):
    before = history_count()
    assert not lines_sync(
        report=demo_report, model=ThreePublicLine, rows=three_public_rows(demo_report)
    )
    assert history_count() == before


@pytest.mark.django_db
def test_one_changed_line_is_one_change_and_the_totals_follow(demo_report, no_signal_totals):
    rows = three_public_rows(demo_report)
    reception = next(row for row in rows if row["kind"] == "official_reception")
    reception["actual"] = D("3.92")
    before = ThreePublicLine.history.count()
    assert lines_sync(report=demo_report, model=ThreePublicLine, rows=rows, reason="测试")
    assert ThreePublicLine.history.count() == before + 1
    latest = ThreePublicLine.history.latest("history_date")
    assert (latest.history_type, latest.history_change_reason) == ("~", "测试")
    stored = ReportTotals.objects.get(report=demo_report)
    assert stored.three_public_actual == D("3.92")
    assert totals.totals_stale([demo_report.pk]) == []


@pytest.mark.django_db
def test_results_are_written_and_totals_refreshed_by_the_writer(demo_report, no_signal_totals):
    accuracy = leaf(demo_report, "准确性")
    assert results_write(report=demo_report, rows={accuracy.pk: {"score": D("1.50")}})
    assert IndicatorResult.objects.get(report=demo_report, indicator=accuracy).score == D("1.50")
    assert ReportTotals.objects.get(report=demo_report).score == D("99.50")
    assert totals.totals_stale([demo_report.pk]) == []


@pytest.mark.django_db
def test_a_score_above_what_the_row_may_score_is_refused(demo_report):
    accuracy = leaf(demo_report, "准确性")  # worth 2
    with pytest.raises(ValidationError, match="“准确性”的自评得分 2.5 分超过其分值 2 分"):
        results_write(report=demo_report, rows={accuracy.pk: {"score": D("2.5")}})
    assert IndicatorResult.objects.get(report=demo_report, indicator=accuracy).score == D("1.00")


@pytest.mark.django_db
def test_an_indicator_of_another_level_is_refused(demo_report):
    group = Indicator.objects.get(framework=demo_report.framework, level=2, name="预算编审管理")
    with pytest.raises(ValidationError, match="不是.*对应层级的指标"):
        results_write(report=demo_report, rows={group.pk: {"score": D("1")}})


@pytest.mark.django_db
def test_neither_writer_writes_into_a_submitted_report(demo_report):
    Report.objects.filter(pk=demo_report.pk).update(status=Report.Status.SUBMITTED)
    rows = three_public_rows(demo_report)
    rows[0]["budget"] = D("1.00")
    before = history_count()
    with pytest.raises(ReportNotEditable, match="已提交审核"):
        lines_sync(report=demo_report, model=ThreePublicLine, rows=rows)
    with pytest.raises(ReportNotEditable, match="已提交审核"):
        results_write(report=demo_report, rows={leaf(demo_report, "准确性").pk: {"score": D("2")}})
    assert history_count() == before
    assert three_public_rows(demo_report)[0]["budget"] != D("1.00")


@pytest.mark.django_db
def test_a_whole_group_score_is_removed_with_none(demo_report):
    group = GroupResult.objects.filter(report=demo_report).first()
    assert results_write(report=demo_report, groups={group.indicator_id: None})
    assert not GroupResult.objects.filter(pk=group.pk).exists()


@pytest.mark.django_db
def test_a_negative_amount_is_refused_like_a_form_refuses_it(demo_report):
    rows = three_public_rows(demo_report)
    rows[0]["budget"] = D("-1.00")
    before = history_count()
    with pytest.raises(ValidationError, match="不能为负数"):
        lines_sync(report=demo_report, model=ThreePublicLine, rows=rows)
    assert history_count() == before
