"""The demo's monitoring year: four approved 监控表 at the default checkpoints, one 预警."""

from decimal import Decimal as D

import pytest

from departments.models import User
from monitoring.demo import demo_monitoring_load
from monitoring.models import CheckpointReport, CheckpointTransition
from monitoring.selectors import (
    deviation_offer,
    monitoring_history,
    report_alerts,
)

pytestmark = pytest.mark.django_db


def load(report):
    targets = {r.indicator_id: r.target for r in report.indicator_results.all()}
    return demo_monitoring_load(
        report=report,
        clerk=User.objects.get(username="clerk"),
        reviewer=User.objects.get(username="reviewer"),
        targets=targets,
    )


def test_the_demo_makes_four_approved_reports_ahead_of_the_expected_shares(demo_report):
    loaded = load(demo_report)
    reports = CheckpointReport.objects.filter(department=demo_report.department)
    assert [(r.checkpoint.name, r.status, r.execution_rate) for r in reports] == [
        ("1—4月", "approved", D("29.27")),
        ("1—6月", "approved", D("43.26")),
        ("1—8月", "approved", D("65.99")),
        ("1—10月", "approved", D("85.80")),
    ]
    assert all(r.budget == D("2092.38") and "演示数据" in r.execution_reason for r in reports)
    assert loaded.changed
    assert (
        CheckpointTransition.objects.filter(action="approve", user__username="reviewer").count()
        == 4
    )


def test_the_demo_has_one_warning_in_august_explained(demo_report):
    loaded = load(demo_report)
    alerts = [(r.checkpoint.name, a.text) for r in loaded.reports for a in report_alerts(report=r)]
    assert alerts == [("1—8月", "指标“准确性”可能偏离目标，完成目标可能性为“有可能”")]


def test_the_demo_rows_carry_the_targets_and_the_offer_quotes_the_reason(demo_report):
    load(demo_report)
    august = CheckpointReport.objects.get(checkpoint__name="1—8月")
    row = august.rows.get(indicator__name="准确性")
    assert (row.year_target, row.actual_to_date) == ("100%", "65.99%")
    entries = monitoring_history(department_id=demo_report.department_id, year=2022)[
        row.indicator_id
    ]
    assert [e.checkpoint for e in entries] == ["1—4月", "1—6月", "1—8月", "1—10月"]
    assert deviation_offer(entries) == (
        "1—8月监控：其他：人员经费等基本支出超出年初预算，预算调整较多；"
        "纠偏措施：加强预算执行监控，严格按预算支出，年中调整预算。"
    )


def test_loading_the_demo_twice_changes_nothing(demo_report):
    load(demo_report)
    count = CheckpointTransition.objects.count()
    assert not load(demo_report).changed
    assert CheckpointTransition.objects.count() == count


def test_the_august_page_highlights_its_warning_and_history(demo_report, client_for):
    load(demo_report)
    august = CheckpointReport.objects.get(checkpoint__name="1—8月")
    page = client_for("auditor").get(f"/monitoring/reports/{august.pk}/").content.decode()
    assert "预警 1 项" in page
    assert "指标“准确性”可能偏离目标，完成目标可能性为“有可能”（已填写偏差原因和纠偏措施）" in page
    assert "65.99%" in page and "2,092.38" in page
    assert page.count("已批准") >= 2  # the state and the history's last step


def test_the_offers_name_only_the_indicator_with_a_reason(demo_report):
    load(demo_report)
    history = monitoring_history(department_id=demo_report.department_id, year=2022)
    offers = {key: text for key, entries in history.items() if (text := deviation_offer(entries))}
    assert len(offers) == 1
    (text,) = offers.values()
    assert text.startswith("1—8月监控：其他：人员经费等基本支出超出年初预算")
