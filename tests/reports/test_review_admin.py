"""The reviewer's admin: their queue by default, the whole report, buttons, bulk approve."""

import re
from decimal import Decimal as D

from django.urls import reverse

from budgets.models import ExpenditureLine, IncomeLine, ThreePublicLine
from budgets.writers import line_save, lines_sync
from reports.models import Report, ReportTransition, ReviewOpening
from reports.services import report_create
from reports.workflow import available_actions, transition_apply
from scoring.models import GroupResult, IndicatorResult

LIST = "/admin/reports/report/"
CHANGE = "/admin/reports/report/{}/change/"


def test_reviewer_list_defaults_to_submitted_reports_in_scope(
    world, users, client_for, demo_report
):
    other = report_create(department=users["clerk_b"].department, year=2022)
    reviewer = client_for("reviewer")
    assert reviewer.get(LIST).context["cl"].result_count == 0
    transition_apply(report=demo_report, user=users["clerk"], action="submit")
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
    transition_apply(report=demo_report, user=users["clerk"], action="submit", comment="请审核")
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
    transition_apply(report=demo_report, user=users["clerk"], action="submit")
    reviewer = client_for("reviewer")
    url = reverse("admin:reports_report_transition", args=[demo_report.pk])
    refused = reviewer.post(url, {"action": "return", "comment": ""}, follow=True)
    assert "退回时必须填写意见" in refused.content.decode()
    reviewer.post(url, {"action": "return", "comment": "请补充项目明细"})
    assert Report.objects.get().status == "returned"
    transition_apply(report=demo_report, user=users["clerk"], action="submit")
    done = reviewer.post(url, {"action": "approve", "comment": ""}, follow=True)
    assert "已批准" in done.content.decode()
    assert Report.objects.get().status == "approved"


def test_bulk_approve_says_which_were_refused_and_why(world, users, client_for, demo_report):
    department = users["clerk"].department
    broken = report_create(department=department, year=2021)
    Report.objects.filter(pk=broken.pk).update(status="submitted")
    transition_apply(report=demo_report, user=users["clerk"], action="submit")
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


# --- The workbench: the queue, what changed, distinct confirmed decisions ------------------

INDEX = "/admin/"


def count(page: str, name: str) -> int:
    return int(re.search(rf'id="count-{name}">(\d+)<', page).group(1))


def test_admin_index_opens_on_the_queue_oldest_submission_first_with_counts(
    world, users, client_for, demo_report
):
    department = users["clerk"].department
    older = report_create(department=department, year=2021)
    Report.objects.filter(pk=older.pk).update(status="submitted")
    ReportTransition.objects.create(
        report=older,
        action="submit",
        from_status="draft",
        to_status="submitted",
        user=users["clerk"],
    )
    transition_apply(report=demo_report, user=users["clerk"], action="submit", comment="请审核")
    returned = report_create(department=department, year=2020)
    Report.objects.filter(pk=returned.pk).update(status="returned")
    report_create(department=department, year=2019)  # a draft
    elsewhere = report_create(department=users["clerk_b"].department, year=2022)
    Report.objects.filter(pk=elsewhere.pk).update(status="submitted")
    ReportTransition.objects.create(
        report=elsewhere,
        action="submit",
        from_status="draft",
        to_status="submitted",
        user=users["clerk_b"],
    )

    response = client_for("reviewer").get(INDEX)

    assert response.status_code == 200
    queue = response.context["review_queue"]
    assert [row.report.pk for row in queue.rows] == [older.pk, demo_report.pk]
    page = response.content.decode()
    assert (count(page, "submitted"), count(page, "returned"), count(page, "draft")) == (2, 1, 1)
    table = page[page.index('id="review-queue"') : page.index("</table>")]
    assert "浏阳市财政局" not in table
    demo_row = table[table.index(f"/admin/reports/report/{demo_report.pk}/change/") - 900 :]
    for text in ["浏阳市人大常委会机关", "2022", "填报员（演示）", "99", "优", "提交说明：请审核"]:
        assert text in demo_row, text
    # The model links stay, below the queue.
    assert page.index('id="review-queue"') < page.index("数据管理") < page.index("自评报告</a>")
    everything = client_for("admin").get(INDEX).context["review_queue"]
    assert [row.report.pk for row in everything.rows] == [older.pk, demo_report.pk, elsewhere.pk]


def test_an_empty_queue_says_so(users, client_for, demo_report):
    page = client_for("reviewer").get(INDEX).content.decode()
    assert "目前没有等待您审核的报告。" in page
    assert count(page, "submitted") == 0 and count(page, "draft") == 1


def test_report_page_shows_what_changed_since_the_returned_submission(
    users, client_for, demo_report
):
    transition_apply(report=demo_report, user=users["clerk"], action="submit")
    transition_apply(
        report=demo_report, user=users["reviewer"], action="return", comment="请核对收入"
    )
    line = IncomeLine.objects.get(report=demo_report, source="general_budget")
    line.actual = D("2330.58")
    line_save(line, user=users["clerk"])
    transition_apply(report=demo_report, user=users["clerk"], action="submit")
    previous = report_create(department=demo_report.department, year=2021)
    lines_sync(
        report=previous,
        model=IncomeLine,
        rows=[{"source": "general_budget", "actual": D("2000.00")}],
    )

    page = client_for("reviewer").get(CHANGE.format(demo_report.pk)).content.decode()

    changes = page[page.index('id="review-changes"') : page.index('id="year-comparison"')]
    assert "审核人（演示）退回，意见：“请核对收入”" in changes
    assert "共 2 处修改" in changes  # 收入合计 and the line
    for text in [
        "收入合计",
        "2,575.66",
        "2,585.66",
        "一般公共预算财政拨款",
        "2,320.58",
        "2,330.58",
    ]:
        assert text in changes, text
    figures = page[page.index('id="figures-table"') :]
    figures = figures[: figures.index("</table>")]
    assert "2022 年" in figures and "2021 年" in figures
    income = figures[figures.index("收入合计") : figures.index("支出合计")]
    assert re.findall(r'class="num">([^<]*)<', income) == ["2,585.66", "2,000.00", "+585.66"]


def test_a_first_submission_says_so_and_shows_the_main_figures(users, client_for, demo_report):
    transition_apply(report=demo_report, user=users["clerk"], action="submit")
    page = client_for("reviewer").get(CHANGE.format(demo_report.pk)).content.decode()
    assert "首次提交：没有更早的提交可以比较。" in page
    assert "没有该部门 2021 年的报告可以对比。" in page
    figures = page[page.index('id="figures-table"') :]
    assert re.search(r"总分</th><td class=\"num\">99<", figures)


def test_approve_and_return_are_distinct_buttons_each_confirmed_in_a_dialog(
    users, client_for, demo_report
):
    transition_apply(report=demo_report, user=users["clerk"], action="submit")
    page = client_for("reviewer").get(CHANGE.format(demo_report.pk)).content.decode()
    transition = reverse("admin:reports_report_transition", args=[demo_report.pk])
    assert 'class="review-button review-button-approve" id="open-approve"' in page
    assert 'class="review-button review-button-return" id="open-return"' in page
    assert (
        'data-open-dialog="dialog-approve"' in page and 'data-open-dialog="dialog-return"' in page
    )
    dialogs = {}
    for action in ("approve", "return"):
        start = page.index(f'<dialog id="dialog-{action}"')
        dialogs[action] = page[start : page.index("</dialog>", start)]
        assert f'action="{transition}"' in dialogs[action]
        assert f'name="action" value="{action}"' in dialogs[action]
    assert "确认批准" in dialogs["approve"] and "总分 <strong>99</strong>" in dialogs["approve"]
    assert "required" not in dialogs["approve"]
    assert "退回意见（必填）" in dialogs["return"] and "required" in dialogs["return"]
    assert "/static/js/dialogs.js" in page
    assert "onclick" not in page and "<script>" not in page
    assert 'id="open-submit"' not in page


def test_a_reviewer_opening_a_submitted_report_ends_its_withdrawal(
    world, users, client_for, demo_report
):
    transition_apply(report=demo_report, user=users["clerk"], action="submit")
    assert "withdraw" in available_actions(user=users["clerk"], report=demo_report)
    client_for("reviewer_b").get(CHANGE.format(demo_report.pk))  # out of scope: nothing
    assert ReviewOpening.objects.count() == 0
    reviewer = client_for("reviewer")
    reviewer.get(CHANGE.format(demo_report.pk))
    reviewer.get(CHANGE.format(demo_report.pk))
    assert [o.user.username for o in ReviewOpening.objects.all()] == ["reviewer"]
    assert "withdraw" not in available_actions(user=users["clerk"], report=demo_report)


def test_change_log_leaves_out_the_rows_the_system_created(
    users, client_for, admin_client_demo, demo_report
):
    line = IncomeLine.objects.get(report=demo_report, source="other")
    line.description = "上年结转"
    line_save(line, user=users["clerk"])
    created = sum(
        model.history.filter(report_id=demo_report.pk, history_type="+").count()
        for model in (IncomeLine, ExpenditureLine, ThreePublicLine, IndicatorResult, GroupResult)
    )
    page = admin_client_demo.get(CHANGE.format(demo_report.pk)).content.decode()
    # The report row itself was created by 系统 too.
    assert f"修改记录（1 条，另有 {created + 1} 条系统新建记录未列出）" in page
    log = page[page.index('class="review-changes"') :]
    assert "<td>系统</td>" not in log
    assert "报告未列明具体来源" in log and "上年结转" in log


def test_history_pages_speak_chinese(users, admin_client_demo, demo_report):
    line = IncomeLine.objects.get(report=demo_report, source="other")
    line.description = "上年结转"
    line.source = "carryover"
    line_save(line, user=users["clerk"], reason="按决算表改正")
    page = admin_client_demo.get(
        reverse("admin:budgets_incomeline_history", args=[line.pk])
    ).content.decode()
    table = page[page.index('id="change-history"') : page.index('class="paginator"')]
    for header in ["记录对象", "时间", "操作", "修改人", "修改原因", "修改内容"]:
        assert f'<th scope="col">{header}</th>' in table, header
    for english in ["None", "Changes", "Object", "Changed by", "Change reason"]:
        assert english not in table, english
    assert "收入来源：</strong>其他收入&nbsp;&rarr;&nbsp;上年结转结余" in table
    assert "说明：</strong>报告未列明具体来源&nbsp;&rarr;&nbsp;上年结转" in table
    assert "按决算表改正" in table and "填报员（演示）" in table
    footer = page[page.index('class="paginator"') :]
    assert "共 2 条记录，其中 1 条为系统新建，未列出。" in footer
    report_page = admin_client_demo.get(
        reverse("admin:reports_report_history", args=[demo_report.pk])
    ).content.decode()
    only_row = report_page[report_page.index('id="change-history"') :]
    assert "系统" in only_row and "新建" in only_row and "None" not in only_row


def test_a_version_page_names_the_app_and_the_model_in_chinese(admin_client_demo, demo_report):
    line = IncomeLine.objects.filter(report=demo_report).first()
    version = line.history.first()
    page = admin_client_demo.get(
        reverse("admin:budgets_incomeline_simple_history", args=[line.pk, version.pk])
    ).content.decode()
    crumbs = page[page.index('class="breadcrumbs"') :]
    crumbs = crumbs[: crumbs.index("</div>")]
    assert '<a href="/admin/budgets/">收支与三公经费</a>' in crumbs
    assert '<a href="/admin/budgets/incomeline/">收入</a>' in crumbs
    assert "修改记录" in crumbs and "Historical" not in page and ">Budgets<" not in page
