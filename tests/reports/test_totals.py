"""Each report's stored totals follow its lines, whoever writes them (reports.totals)."""

import threading
import time
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from budgets.models import ExpenditureLine
from budgets.writers import line_save
from departments.models import Department
from reports import totals
from reports.models import Report, ReportTotals
from reports.services import report_create, report_start_next_year
from reports.totals import FIELDS, totals_changed, totals_deferred, totals_stale
from scoring.models import GroupResult, IndicatorResult

D = Decimal


def stored(report) -> dict:
    return ReportTotals.objects.filter(report=report).values(*FIELDS).get()


@pytest.fixture
def other_report(demo):
    department = Department.objects.create(name="浏阳市政协机关", code="901002")
    return report_create(department=department, year=2022)


def test_demo_totals_are_the_published_figures(demo_report):
    assert stored(demo_report) == {
        "score": D("99.00"),  # the 预决算信息公开管理 group is scored as a whole
        "basic_budget": D("1382.26"),  # 1147.97 + 234.29
        "basic_actual": D("1961.17"),  # 1846.37 + 114.80
        "project_budget": D("710.12"),
        "project_actual": D("614.49"),
        "three_public_budget": D("10.00"),
        "three_public_actual": D("2.92"),
        "three_public_previous": D("5.76"),
    }


def test_a_new_report_starts_unscored_with_nothing_summed(other_report):
    assert stored(other_report) == dict.fromkeys(FIELDS, D("0.00")) | {"score": None}


def test_saving_and_deleting_one_line_updates_its_report(demo_report):
    line = ExpenditureLine.objects.create(
        report=demo_report, nature="project", budget=D("100.00"), actual=D("50.50")
    )
    assert stored(demo_report)["project_budget"] == D("810.12")
    assert stored(demo_report)["project_actual"] == D("664.99")

    line.actual = D("0.49")
    line.save()
    assert stored(demo_report)["project_actual"] == D("614.98")

    line.delete()
    assert stored(demo_report)["project_actual"] == D("614.49")


def test_scores_follow_rows_and_whole_groups(demo_report):
    row = IndicatorResult.objects.filter(report=demo_report, score__gt=1).first()
    row.score -= 1
    row.save()
    assert stored(demo_report)["score"] == D("98.00")

    # A row of a group scored as a whole does not count; the group's own score does.
    whole = GroupResult.objects.filter(report=demo_report).first()
    in_group = IndicatorResult.objects.filter(
        report=demo_report, indicator__parent=whole.indicator
    ).first()
    in_group.score = D("50.00")
    in_group.save()
    assert stored(demo_report)["score"] == D("98.00")
    whole.delete()  # now the group's rows count instead of its score
    rows = IndicatorResult.objects.filter(report=demo_report, indicator__parent=whole.indicator)
    expected = D("98.00") - whole.score + sum(r.score or 0 for r in rows)
    assert stored(demo_report)["score"] == expected


def test_a_line_moved_to_another_report_updates_both(demo_report, other_report):
    line = ExpenditureLine.objects.get(report=demo_report, nature="project")
    line.report = other_report
    line_save(line)  # as the admin's change form does
    assert stored(demo_report)["project_actual"] == D("0.00")
    assert stored(other_report)["project_actual"] == D("614.49")


def test_deferred_block_refreshes_once_at_its_end(demo_report, monkeypatch):
    refreshed = []
    real_refresh = totals.totals_refresh
    monkeypatch.setattr(
        totals, "totals_refresh", lambda ids: (refreshed.append(set(ids)), real_refresh(ids))
    )
    with transaction.atomic(), totals_deferred():
        for _ in range(3):
            ExpenditureLine.objects.create(
                report=demo_report, nature="personnel", budget=D("1.00"), actual=D("1.00")
            )
        assert stored(demo_report)["basic_actual"] == D("1961.17")  # not yet
    assert stored(demo_report)["basic_actual"] == D("1964.17")
    assert refreshed == [{demo_report.pk}]  # once for the three lines


def test_a_failed_deferred_block_refreshes_nothing(demo_report):
    with pytest.raises(RuntimeError), transaction.atomic(), totals_deferred():
        ExpenditureLine.objects.create(
            report=demo_report, nature="personnel", budget=D("1.00"), actual=D("1.00")
        )
        raise RuntimeError("the save failed")
    assert stored(demo_report)["basic_actual"] == D("1961.17")
    assert totals_stale() == []


def test_bulk_writes_are_stale_until_their_writer_says_so(demo_report):
    ExpenditureLine.objects.bulk_create(
        [ExpenditureLine(report=demo_report, nature="project", budget=D("1"), actual=D("2"))]
    )
    assert totals_stale() == [demo_report.pk]  # the check catches a writer that forgets
    totals_changed([demo_report.pk])
    assert totals_stale() == []
    assert stored(demo_report)["project_actual"] == D("616.49")


def test_deleting_a_report_takes_its_totals_along(other_report):
    pk = other_report.pk
    other_report.delete()
    assert not Report.objects.filter(pk=pk).exists()
    assert not ReportTotals.objects.filter(report_id=pk).exists()


def test_next_year_copies_last_years_reception_as_previous(demo_report):
    demo_report.status = Report.Status.DRAFT
    following = report_start_next_year(previous=demo_report)
    assert stored(following)["three_public_previous"] == D("2.92")
    assert stored(following)["basic_actual"] == D("0.00")


def test_command_checks_and_rebuilds(demo_report, capsys):
    ReportTotals.objects.filter(report=demo_report).update(score=D("1.00"))
    with pytest.raises(SystemExit) as exit_info:
        call_command("report_totals", "--check")
    assert exit_info.value.code == 1
    assert "1 份报告" in capsys.readouterr().err

    call_command("report_totals")
    assert stored(demo_report)["score"] == D("99.00")
    call_command("report_totals", "--check")
    assert "合计与明细一致" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_transactions_adding_lines_to_one_report_both_count(demo_report):
    """The second refresh waits for the first transaction and sees its line as well."""
    first_saved = threading.Event()

    def add_line(actual: str, *, first: bool) -> None:
        try:
            if not first:
                first_saved.wait(timeout=10)
            with transaction.atomic():
                line_save(
                    ExpenditureLine(
                        report_id=demo_report.pk, nature="project", budget=D("0"), actual=D(actual)
                    )
                )
                if first:
                    first_saved.set()
                    time.sleep(0.5)  # the other transaction saves and refreshes meanwhile
        finally:
            connection.close()

    threads = [
        threading.Thread(target=add_line, args=("1.00",), kwargs={"first": True}),
        threading.Thread(target=add_line, args=("2.00",), kwargs={"first": False}),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert stored(demo_report)["project_actual"] == D("617.49")  # 614.49 + 1.00 + 2.00
