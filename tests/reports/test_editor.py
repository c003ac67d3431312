"""The clerk's editor over HTTP: every section, saving, stale saves, expired sessions."""

import re
from decimal import Decimal as D

import pytest

from budgets.models import ExpenditureLine, IncomeLine, ThreePublicLine
from reports.editor import SECTIONS
from reports.models import Report
from reports.services import report_create
from reports.totals import totals_changed
from reports.workflow import transition_apply
from scoring.models import GroupResult, IndicatorResult
from scoring.services import framework_load


def edit_url(report, section):
    return f"/reports/{report.pk}/edit/{section}/"


def form_data(page) -> dict:
    """What a browser would post back from a rendered page: every input, select and textarea."""
    html = page.content.decode()
    form = html.split('id="section-form"', 1)[1].split("</form>", 1)[0]
    data = {}
    for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form):
        data[name] = value
    for tag in re.findall(r"<input[^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        if name and 'value="' not in tag and 'type="checkbox"' not in tag:
            data.setdefault(name.group(1), "")
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        selected = re.search(r'<option value="([^"]*)"[^>]*selected', body)
        data[name] = selected.group(1) if selected else ""
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S):
        data[name] = body.strip("\n").replace("&quot;", '"').replace("&amp;", "&")
    return {k: v.replace("&quot;", '"').replace("&amp;", "&") for k, v in data.items()}


@pytest.mark.parametrize("section", [s.key for s in SECTIONS])
def test_every_section_opens_with_labelled_fields(client_for, demo_report, section):
    page = client_for("clerk").get(edit_url(demo_report, section))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="snapshot"' in html
    for field_id in re.findall(r'<(?:input|select|textarea)[^>]*id="(id_[^"]+)"', html):
        if "__prefix__" in field_id or field_id.endswith(("_FORMS", "-id", "-report")):
            continue
        assert f'for="{field_id}"' in html, field_id


def test_saving_a_narrative_section(client_for, demo_report):
    clerk = client_for("clerk")
    data = form_data(clerk.get(edit_url(demo_report, "assets")))
    data["asset_management"] = "资产管理制度健全。"
    response = clerk.post(edit_url(demo_report, "assets"), data, follow=True)
    assert "已保存“资产管理”" in response.content.decode()
    assert Report.objects.get().asset_management == "资产管理制度健全。"


def test_money_accepts_thousands_separators_and_full_width_digits(client_for, demo_report):
    clerk = client_for("clerk")
    data = form_data(clerk.get(edit_url(demo_report, "money")))
    assert data["income-0-actual"] == "2,320.58"
    data["income-0-actual"] = "２,４００.５０"
    data["income-2-source"] = "carryover"
    data["income-2-actual"] = "12.3"
    clerk.post(edit_url(demo_report, "money"), data)
    amounts = sorted(IncomeLine.objects.values_list("source", "actual"))
    assert amounts == [
        ("carryover", D("12.30")),
        ("general_budget", D("2400.50")),
        ("other", D("255.08")),
    ]


def test_bad_amounts_are_refused_with_a_message_and_nothing_is_saved(client_for, demo_report):
    clerk = client_for("clerk")
    data = form_data(clerk.get(edit_url(demo_report, "money")))
    data["income-0-actual"] = "-5"
    data["expenditure-0-actual"] = "一千"
    data["spending_scope"] = "改过的文字"
    page = clerk.post(edit_url(demo_report, "money"), data).content.decode()
    assert "金额不能为负数：请填写 0 或正数（单位：万元）。" in page
    assert "请输入金额数字（单位：万元），例如 2320.58 或 2,320.58。" in page
    assert "有输入需要改正，尚未保存" in page
    assert 'value="一千"' in page
    assert IncomeLine.objects.get(source="general_budget").actual == D("2320.58")
    assert Report.objects.get().spending_scope.startswith("资金使用方向")


def test_removing_a_line(client_for, demo_report):
    clerk = client_for("clerk")
    data = form_data(clerk.get(edit_url(demo_report, "money")))
    data["income-1-DELETE"] = "on"
    clerk.post(edit_url(demo_report, "money"), data)
    assert list(IncomeLine.objects.values_list("source", flat=True)) == ["general_budget"]


def test_three_public_lines_keep_their_kinds(client_for, demo_report):
    clerk = client_for("clerk")
    data = form_data(clerk.get(edit_url(demo_report, "three_public")))
    data["three_public-2-actual"] = "3.10"
    clerk.post(edit_url(demo_report, "three_public"), data)
    line = ThreePublicLine.objects.get(kind="official_reception")
    assert line.actual == D("3.10")
    assert ThreePublicLine.objects.count() == 3


def _grid_names(report):
    return {
        r.indicator.name: r.indicator_id
        for r in report.indicator_results.select_related("indicator")
    }


def test_grid_save_shows_the_check_then_the_fix_clears_it(client_for, demo_report):
    clerk = client_for("clerk")
    ids = _grid_names(demo_report)
    data = form_data(clerk.get(edit_url(demo_report, "scores")))
    data[f"r{ids['预算执行规范性']}_score"] = "3"
    page = clerk.post(edit_url(demo_report, "scores"), data, follow=True).content.decode()
    assert "1 个错误" in page
    assert "“预算执行管理 / 预算执行规范性”得分 3 低于权重 4 分，但没有填写偏差及原因分析" in page
    assert f"/edit/scores/#row-{ids['预算执行规范性']}" in page
    assert '<strong id="total-score">98</strong>' in page
    data = form_data(clerk.get(edit_url(demo_report, "scores")))
    data[f"r{ids['预算执行规范性']}_deviation"] = "一笔支出审批滞后。"
    page = clerk.post(edit_url(demo_report, "scores"), data, follow=True).content.decode()
    assert "个错误" not in page
    assert IndicatorResult.objects.get(indicator_id=ids["预算执行规范性"]).score == D("3")


def test_grid_group_score_can_be_cleared_and_given_by_rows(client_for, demo_report):
    clerk = client_for("clerk")
    group = GroupResult.objects.get(report=demo_report, indicator__name="时效指标")
    ids = _grid_names(demo_report)
    data = form_data(clerk.get(edit_url(demo_report, "scores")))
    data[f"g{group.indicator_id}_score"] = ""
    data[f"r{ids['支付及时性']}_score"] = "2.5"
    data[f"r{ids['验收及时性']}_score"] = "2.5"
    clerk.post(edit_url(demo_report, "scores"), data)
    assert not GroupResult.objects.filter(pk=group.pk).exists()
    assert Report.objects.get().indicator_results.filter(score=D("2.5")).count() == 2


def test_a_stale_save_is_refused_and_keeps_the_clerks_input(client_for, demo_report):
    first, second = client_for("clerk"), client_for("admin")
    mine = form_data(first.get(edit_url(demo_report, "problems")))
    theirs = form_data(second.get(edit_url(demo_report, "problems")))
    theirs["problems"] = "对方写的问题。"
    second.post(edit_url(demo_report, "problems"), theirs)
    mine["problems"] = "我写的问题。"
    page = first.post(edit_url(demo_report, "problems"), mine)
    html = page.content.decode()
    assert page.status_code == 200
    assert "有人先保存了“问题与改进”" in html
    assert "六、存在的主要问题：预算编制准确性有待提高" in html and "→ 对方写的问题。" in html
    assert "我写的问题。" in html
    assert Report.objects.get().problems == "对方写的问题。"
    # Saving again, now knowingly, takes the clerk's text.
    again = form_data(page)
    first.post(edit_url(demo_report, "problems"), again)
    assert Report.objects.get().problems == "我写的问题。"


def test_an_expired_session_keeps_what_was_posted(client, users, demo_report):
    client.force_login(users["clerk"])
    data = form_data(client.get(edit_url(demo_report, "assets")))
    client.logout()
    data["asset_management"] = "过期前写的内容。"
    response = client.post(edit_url(demo_report, "assets"), data)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/login/?next=")
    client.force_login(users["clerk"])
    page = client.get(edit_url(demo_report, "assets")).content.decode()
    assert "登录已过期，已恢复您上次提交但未保存的内容" in page
    assert "过期前写的内容。" in page
    assert Report.objects.get().asset_management.startswith("我单位资产")


def test_clerk_of_another_department_cannot_open_or_post(world, client_for, demo_report):
    other = client_for("clerk_b")
    assert other.get(edit_url(demo_report, "overview")).status_code == 404
    assert other.post(edit_url(demo_report, "overview"), {"functions": "x"}).status_code == 404
    assert other.get(f"/reports/{demo_report.pk}/").status_code == 404


def test_clerk_cannot_edit_a_submitted_report_and_is_told_its_state(client_for, users, demo_report):
    clerk = client_for("clerk")
    data = form_data(clerk.get(edit_url(demo_report, "problems")))
    transition_apply(report=demo_report, user=users["clerk"], action="submit")
    # Sent to the report's page, told the state and the way back, not a missing permission.
    refused = clerk.get(edit_url(demo_report, "problems"), follow=True)
    assert refused.redirect_chain == [(f"/reports/{demo_report.pk}/", 302)]
    page = refused.content.decode()
    assert "已提交，等待审核：审核期间不能修改；审核人打开之前，您可以撤回后再修改。" in page
    assert "无权" not in page and "继续填写" not in page and "待审核" in page
    # A save posted meanwhile keeps the input on the page and writes nothing.
    data["problems"] = "提交后改的。"
    posted = clerk.post(edit_url(demo_report, "problems"), data)
    assert posted.status_code == 200
    html = posted.content.decode()
    assert "未保存" in html and "提交后改的。" in html
    assert Report.objects.get().problems != "提交后改的。"


def test_starting_next_year_by_copying(client_for, demo_report):
    response = client_for("clerk").post("/reports/start/", {"mode": "copy"})
    new = Report.objects.get(year=2023)
    assert response.headers["Location"] == edit_url(new, "overview")
    assert new.framework == demo_report.framework
    assert new.functions == demo_report.functions and new.report_date is None
    # Amounts start empty, to fill: not 0.00.
    assert list(new.income_lines.values_list("source", "actual")) == [
        ("general_budget", None),
        ("other", None),
    ]
    assert new.expenditure_lines.count() == 3
    assert dict(new.three_public_lines.values_list("kind", "previous_actual")) == {
        "overseas_travel": D("0.00"),
        "official_vehicles": D("0.00"),
        "official_reception": D("2.92"),
    }
    results = new.indicator_results.select_related("indicator")
    assert results.count() == 27
    assert all(r.score is None and r.actual == "" for r in results)
    assert {r.target for r in results if r.indicator.name == "社会公众满意度"} == {"≥80%"}
    assert not new.group_results.exists()


def test_starting_next_year_from_the_default_framework(client_for, demo_report):
    client_for("clerk").post("/reports/start/", {"mode": "new"})
    new = Report.objects.get(year=2023)
    assert new.functions == "" and not new.income_lines.exists()
    assert new.indicator_results.count() == 27


@pytest.mark.parametrize(
    ("year", "message"),
    [
        ("abc", "年度请填写四位数字"),
        ("-5", "年度不能早于 2000 年"),
        ("2101", "年度不能晚于 2100 年"),
        ("", "请填写年度"),
    ],
)
def test_a_first_report_with_a_year_out_of_range_is_refused_with_a_message(
    world, client_for, year, message
):
    clerk_b = client_for("clerk_b")  # 浏阳市财政局 has no report yet: its first one asks a year
    response = clerk_b.post("/reports/start/", {"year": year}, follow=True)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Report.objects.filter(department__code="430181-002").exists()


def _big_report(department, rows: int):
    groups = 4
    framework = framework_load(
        data={
            "name": f"测试体系{rows}",
            "version": "1",
            "indicators": [
                {
                    "name": "一级",
                    "weight": "100",
                    "children": [
                        {
                            "name": f"二级{g}",
                            "weight": "25",
                            "children": [{"name": f"三级{g}-{i}"} for i in range(rows // groups)],
                        }
                        for g in range(groups)
                    ],
                }
            ],
        }
    )
    report = report_create(department=department, year=2030 + rows // 40, framework=framework)
    IncomeLine.objects.bulk_create(
        IncomeLine(report=report, source="other", actual=D(i)) for i in range(rows)
    )
    ExpenditureLine.objects.bulk_create(
        ExpenditureLine(report=report, nature="project", budget=D(i), actual=D(i))
        for i in range(rows)
    )
    totals_changed([report.pk])  # bulk_create sends no signals
    return report


@pytest.mark.parametrize("rows", [40, 200])
@pytest.mark.parametrize("section", ["scores", "money"])
def test_editor_queries_do_not_grow_with_rows(
    client_for, demo_report, django_assert_max_num_queries, rows, section
):
    report = _big_report(demo_report.department, rows)
    clerk = client_for("clerk")
    # The 自评表 also reads the year around the report (reports.year: the approved targets
    # and their approval, the monitoring, the rows' names); every page counts the unread
    # notifications of the navigation.
    with django_assert_max_num_queries(29):
        page = clerk.get(edit_url(report, section))
    assert page.status_code == 200
    if section == "scores":
        assert page.content.decode().count('id="row-') == rows


def test_the_three_public_table_shows_its_total(client_for, demo_report):
    page = client_for("clerk").get(edit_url(demo_report, "three_public")).content.decode()
    total = page.split('id="three-public-total"', 1)[1].split("</tr>", 1)[0]
    # The seed's 三公经费: 预算 10.00, 决算 2.92, 上年决算 5.76 (公务接待费 only).
    assert re.findall(r">([\d.,]+)</td>", total) == ["10.00", "2.92", "5.76"]
