"""The monitoring pages, per role."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from monitoring.models import CheckpointReport
from monitoring.services import checkpoint_report_save

from .conftest import indicator_id

pytestmark = pytest.mark.django_db


def edit_data(report, **header):
    """The edit form as the page posts it, with the rows as stored and ``header`` on top."""
    data = {
        "header-budget": "2092.38",
        "header-executed": "905.10",
        "header-expected_year": "",
        "header-execution_reason": "",
        "header-execution_measure": "",
    }
    data |= {f"header-{name}": value for name, value in header.items()}
    for row in report.rows.all():
        prefix = f"row-{row.indicator_id}-"
        for field in ("year_target", "actual_to_date", "expected_year", "reason", "measure"):
            data[prefix + field] = getattr(row, field)
        data[prefix + "likelihood"] = row.likelihood or "certain"
        data[prefix + "reason_category"] = row.reason_category
    return data


def test_the_list_offers_a_clerk_to_start_and_a_reviewer_the_overview(client_for, june):
    page = client_for("clerk").get(reverse("monitoring_list")).content.decode()
    assert "1—6月" in page and "开始填报" in page and "各部门情况" not in page
    page = client_for("reviewer").get(reverse("monitoring_list")).content.decode()
    assert "各部门情况" in page and "开始填报" not in page


def test_a_clerk_starts_a_report_and_lands_on_its_form(client_for, june, demo_report):
    response = client_for("clerk").post(reverse("checkpoint_report_start", args=[june.pk]))
    report = CheckpointReport.objects.get(checkpoint=june)
    assert response.status_code == 302
    assert response.url == reverse("checkpoint_report_edit", args=[report.pk])
    assert report.department == demo_report.department


def test_a_reviewer_cannot_start_a_report(client_for, june):
    response = client_for("reviewer").post(reverse("checkpoint_report_start", args=[june.pk]))
    assert response.status_code == 403


def test_another_department_s_report_is_not_found(world, client_for, monitored):
    for username in ("clerk_b", "reviewer_b", "auditor"):
        for name in ("checkpoint_report_detail", "checkpoint_report_edit"):
            response = client_for(username).get(reverse(name, args=[monitored.pk]))
            assert response.status_code == 404, (username, name)


def test_the_department_s_clerk_and_reviewer_see_the_report(client_for, monitored):
    for username in ("clerk", "reviewer", "admin"):
        response = client_for(username).get(
            reverse("checkpoint_report_detail", args=[monitored.pk])
        )
        assert response.status_code == 200
        assert "绩效运行监控表" in response.content.decode()


def test_a_reviewer_may_not_edit(client_for, monitored):
    response = client_for("reviewer").get(reverse("checkpoint_report_edit", args=[monitored.pk]))
    assert response.status_code == 403


def test_saving_shows_the_rate_and_the_warnings(client_for, monitored):
    client = client_for("clerk")
    url = reverse("checkpoint_report_edit", args=[monitored.pk])
    data = edit_data(monitored, executed="700.00")
    data[f"row-{indicator_id(monitored, '准确性')}-likelihood"] = "possible"
    response = client.post(url, data, follow=True)
    page = response.content.decode()
    assert "已保存。" in page
    assert "33.45%" in page
    assert "执行进度滞后：1—6月执行率 33.45%，低于应达到的 40.00%" in page
    assert "指标“准确性”有预警：请填写该指标的偏差原因。" in page


def test_a_wrong_figure_is_refused_beside_its_field(client_for, monitored):
    url = reverse("checkpoint_report_edit", args=[monitored.pk])
    response = client_for("clerk").post(url, edit_data(monitored, budget="-5"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "未保存" in page and "不能为负数" in page
    monitored.refresh_from_db()
    assert monitored.budget is None


def test_submit_with_an_unexplained_warning_says_what_to_fill_in(client_for, monitored, users):
    accuracy = indicator_id(monitored, "准确性")
    checkpoint_report_save(
        report=monitored,
        user=users["clerk"],
        header={"budget": D("100"), "executed": D("50")},
        rows={accuracy: {"at_risk": True, "reason": "预算调整较多"}},
    )
    url = reverse("checkpoint_report_transition", args=[monitored.pk])
    page = client_for("clerk").post(url, {"action": "submit"}, follow=True).content.decode()
    assert "监控表还有 1 个错误，不能提交审核" in page
    assert "指标“准确性”有预警：请填写该指标的纠偏措施。" in page
    monitored.refresh_from_db()
    assert monitored.status == "draft"


def test_submit_then_approve_through_the_pages(client_for, monitored, users):
    checkpoint_report_save(
        report=monitored,
        user=users["clerk"],
        header={"budget": D("100"), "executed": D("50")},
        rows={},
    )
    url = reverse("checkpoint_report_transition", args=[monitored.pk])
    client_for("clerk").post(url, {"action": "submit"})
    assert client_for("reviewer").post(url, {"action": "approve"}).status_code == 302
    monitored.refresh_from_db()
    assert monitored.status == "approved"
    page = client_for("auditor").get(reverse("checkpoint_report_detail", args=[monitored.pk]))
    assert page.status_code == 200


def test_a_clerk_may_not_approve(client_for, monitored, users):
    checkpoint_report_save(
        report=monitored,
        user=users["clerk"],
        header={"budget": D("100"), "executed": D("50")},
        rows={},
    )
    url = reverse("checkpoint_report_transition", args=[monitored.pk])
    client_for("clerk").post(url, {"action": "submit"})
    assert client_for("clerk").post(url, {"action": "approve"}).status_code == 403


def test_the_overview_page_lists_the_departments(world, client_for, june, monitored):
    url = reverse("checkpoint_overview", args=[june.pk])
    page = client_for("admin").get(url).content.decode()
    assert "浏阳市人大常委会机关" in page and "浏阳市财政局" in page
    page = client_for("clerk_b").get(url).content.decode()
    assert "浏阳市财政局" in page and "浏阳市人大常委会机关" not in page


def test_an_administrator_sets_the_default_checkpoints(client_for):
    response = client_for("admin").post(
        reverse("monitoring_checkpoints_default"), {"year": "2024"}, follow=True
    )
    assert "已按通用规则设置 2024 年的四个检查点" in response.content.decode()
    assert (
        client_for("clerk")
        .post(reverse("monitoring_checkpoints_default"), {"year": "2025"})
        .status_code
        == 403
    )


def test_an_administrator_adds_a_report_in_the_admin_with_its_rows(client_for, june, demo_report):
    response = client_for("admin").post(
        reverse("admin:monitoring_checkpointreport_add"),
        {
            "department": demo_report.department_id,
            "checkpoint": june.pk,
            "framework": demo_report.framework_id,
            "budget": "2092.38",
            "rows-TOTAL_FORMS": "0",
            "rows-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    report = CheckpointReport.objects.get(checkpoint=june)
    assert report.rows.count() == 27 and report.budget == D("2092.38")


def test_the_admin_lists_and_opens_monitoring(admin_client_demo, monitored, june):
    for name, pk in (
        ("monitoring_checkpoint", june.pk),
        ("monitoring_checkpointreport", monitored.pk),
    ):
        assert admin_client_demo.get(reverse(f"admin:{name}_changelist")).status_code == 200
        assert admin_client_demo.get(reverse(f"admin:{name}_change", args=[pk])).status_code == 200


def test_a_returned_report_shows_the_reviewer_s_comment(client_for, monitored, users):
    checkpoint_report_save(
        report=monitored,
        user=users["clerk"],
        header={"budget": D("100"), "executed": D("50")},
        rows={},
    )
    url = reverse("checkpoint_report_transition", args=[monitored.pk])
    client_for("clerk").post(url, {"action": "submit"})
    refused = client_for("reviewer").post(url, {"action": "return"}, follow=True)
    assert "退回时必须填写意见" in refused.content.decode()
    client_for("reviewer").post(url, {"action": "return", "comment": "请补充预计全年执行数"})
    page = client_for("clerk").get(reverse("checkpoint_report_detail", args=[monitored.pk]))
    assert "审核人退回意见" in page.content.decode()
    assert "请补充预计全年执行数" in page.content.decode()
