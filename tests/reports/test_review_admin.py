"""The reviewer's admin: their queue by default, the whole report, buttons, bulk approve."""

from django.urls import reverse

from budgets.models import IncomeLine
from reports.models import Report
from reports.services import report_create
from reports.workflow import report_transition
from scoring.models import IndicatorResult

LIST = "/admin/reports/report/"


def test_reviewer_list_defaults_to_submitted_reports_in_scope(
    world, users, client_for, demo_report
):
    other = report_create(department=users["clerk_b"].department, year=2022)
    reviewer = client_for("reviewer")
    assert reviewer.get(LIST).context["cl"].result_count == 0
    report_transition(report=demo_report, user=users["clerk"], action="submit")
    Report.objects.filter(pk=other.pk).update(status="submitted")
    queue = reviewer.get(LIST)
    assert [r.pk for r in queue.context["cl"].result_list] == [demo_report.pk]
    page = queue.content.decode()
    assert "浏阳市人大常委会机关" in page
    assert "浏阳市财政局" not in page
    for column in ["状态", "部门", "年度", "自评得分", "等级"]:
        assert column in page
    assert "99.00" in page and "优" in page
    everything = reviewer.get(LIST, {"status": "all"}).content.decode()
    assert "浏阳市财政局" not in everything


def test_reviewer_cannot_open_a_report_out_of_scope(world, users, client_for):
    other = report_create(department=users["clerk_b"].department, year=2022)
    response = client_for("reviewer").get(reverse("admin:reports_report_change", args=[other.pk]))
    assert response.status_code in (302, 404)


def test_report_page_shows_the_whole_report_checks_history_and_buttons(
    users, client_for, demo_report
):
    report_transition(report=demo_report, user=users["clerk"], action="submit", comment="请审核")
    page = (
        client_for("reviewer")
        .get(reverse("admin:reports_report_change", args=[demo_report.pk]))
        .content.decode()
    )
    for text in [
        "单位名称（盖章）：浏阳市人大常委会办公室",
        "二〇二三年九月",
        "一、部门概况",
        "八、部门整体支出绩效评价等级",
        "预算编审管理（3）",
        "2,092.38",
        "整体支出执行率 123.10%",
        "检查通过：没有错误。",
        "审核记录",
        "请审核",
        'value="approve"',
        'value="return"',
    ]:
        assert text in page, text
    assert 'name="_save"' not in page


def test_buttons_approve_and_return_with_a_comment(users, client_for, demo_report):
    report_transition(report=demo_report, user=users["clerk"], action="submit")
    reviewer = client_for("reviewer")
    url = reverse("admin:reports_report_transition", args=[demo_report.pk])
    refused = reviewer.post(url, {"action": "return", "comment": ""}, follow=True)
    assert "退回时必须填写意见" in refused.content.decode()
    reviewer.post(url, {"action": "return", "comment": "请补充项目明细"})
    assert Report.objects.get().status == "returned"
    report_transition(report=demo_report, user=users["clerk"], action="submit")
    done = reviewer.post(url, {"action": "approve", "comment": ""}, follow=True)
    assert "已批准" in done.content.decode()
    assert Report.objects.get().status == "approved"


def test_bulk_approve_says_which_were_refused_and_why(world, users, client_for, demo_report):
    department = users["clerk"].department
    broken = report_create(department=department, year=2021)
    Report.objects.filter(pk=broken.pk).update(status="submitted")
    report_transition(report=demo_report, user=users["clerk"], action="submit")
    response = client_for("reviewer").post(
        LIST,
        {"action": "approve_selected", "_selected_action": [demo_report.pk, broken.pk]},
        follow=True,
    )
    page = response.content.decode()
    assert "已批准 1 份报告" in page
    assert "2021 年部门整体支出绩效自评报告”未批准：报告还有" in page
    assert Report.objects.get(pk=demo_report.pk).status == "approved"
    assert Report.objects.get(pk=broken.pk).status == "submitted"


def test_field_history_shows_who_changed_what_from_what_to_what(
    users, client_for, admin_client_demo, demo_report
):
    line = IncomeLine.objects.get(report=demo_report, source="other")
    admin_client_demo.post(
        reverse("admin:budgets_incomeline_change", args=[line.pk]),
        {
            "report": demo_report.pk,
            "source": "other",
            "description": "上年结转",
            "actual": "255.08",
            "order": 2,
        },
    )
    result = IndicatorResult.objects.get(report=demo_report, indicator__name="准确性")
    assert result.history.count() == 1
    page = admin_client_demo.get(
        reverse("admin:reports_report_change", args=[demo_report.pk])
    ).content.decode()
    assert "修改记录" in page
    assert "报告未列明具体来源" in page and "上年结转" in page
    assert "管理员（演示）" in page
    history = admin_client_demo.get(reverse("admin:budgets_incomeline_history", args=[line.pk]))
    assert history.status_code == 200
