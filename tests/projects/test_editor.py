"""The editor's 项目自评表 page over HTTP: each project's table filled, checked and saved
through projects.writers, refused where the report may not change."""

import re
from decimal import Decimal

import pytest

from budgets.models import Project
from budgets.writers import lines_sync
from projects.models import ProjectAssessment, ProjectIndicator
from reports.workflow import transition_apply
from tests.reports.test_editor import form_data

D = Decimal
SECTION = "project-tables"
REASON = "部分采购项目因招标流程延后，资金于次年初支付。"


def url(report):
    return f"/reports/{report.pk}/edit/{SECTION}/"


ONE = [{"name": "人大代表履职服务保障", "budget": D("710.12"), "actual": D("614.49")}]
TWO = [*ONE, {"name": "代表之家建设", "budget": D("50.00"), "actual": D("50.00")}]


def _projects(report, rows):
    # Only these projects, none of the demo's (nor their tables), whatever the demo holds.
    lines_sync(report=report, model=Project, rows=[])
    lines_sync(report=report, model=Project, rows=rows)
    return {p.name: p for p in Project.objects.filter(report=report)}


@pytest.fixture
def projects(demo_report):
    return _projects(demo_report, TWO)


def filled(data: dict, project, rows: list[dict], **header) -> dict:
    """``data`` with a project's header values and its first rows filled."""
    prefix = f"p{project.pk}"
    for name, value in header.items():
        data[f"{prefix}-{name}"] = value
    data[f"{prefix}-rows-TOTAL_FORMS"] = str(len(rows))
    for n, row in enumerate(rows):
        for name, value in row.items():
            data[f"{prefix}-rows-{n}-{name}"] = value
    return data


ROWS = [
    {"place": "产出指标 / 数量指标", "name": "代表培训人次", "target": "≥300人次",
     "actual": "326人次", "points": "50", "score": "50"},
    {"place": "效益指标 / 社会效益指标", "name": "代表建议办结率", "target": "100%",
     "actual": "100%", "points": "30", "score": "30"},
    {"place": "满意度指标 / 服务对象满意度指标", "name": "代表满意度", "target": "≥90%",
     "actual": "93%", "points": "10", "score": "9", "deviation": "个别代表反映通知较晚。"},
]  # fmt: skip


def test_the_section_shows_each_project_and_its_computed_rate(client_for, projects, demo_report):
    page = client_for("clerk").get(url(demo_report))
    assert page.status_code == 200
    html = page.content.decode()
    big, small = projects["人大代表履职服务保障"], projects["代表之家建设"]
    for project in (big, small):
        assert f'id="project-{project.pk}"' in html
        assert project.name in html
    rate = re.search(rf'id="project-{big.pk}-rate">([^<]+)<', html).group(1)
    assert rate == "86.53%"
    # 10 × 86.53 % = 8.653, half-up to 8.65; the whole budget spent scores the full 10.
    assert re.search(rf'id="project-{big.pk}-score">([^<]+)<', html).group(1) == "8.65"
    assert re.search(rf'id="project-{small.pk}-score">([^<]+)<', html).group(1) == "10"
    assert "710.12" in html and "614.49" in html
    # Not typed twice: the money comes from the project line, not from an input.
    assert f'name="p{big.pk}-budget"' not in html
    # Every visible input is labelled.
    for field_id in re.findall(
        r'<(?:input|select|textarea)(?![^>]*type="hidden")[^>]*id="(id_[^"]+)"', html
    ):
        if "__prefix__" not in field_id:
            assert f'for="{field_id}"' in html, field_id
    # Each project's table can be imported from its sheet.
    for project in (big, small):
        assert f'href="/reports/{demo_report.pk}/projects/{project.pk}/import/"' in html
    # A table not filled yet is a warning beside its project.
    assert "还没有项目支出绩效自评表" in html


def test_a_report_without_projects_says_where_to_add_them(client_for, demo_report):
    html = client_for("clerk").get(url(demo_report)).content.decode()
    assert "本报告未列项目：请先在“项目”中添加项目。" in html
    assert f'href="/reports/{demo_report.pk}/edit/projects/"' in html


def test_saving_a_table_stores_it_through_the_writer_with_history(
    client_for, users, projects, demo_report
):
    clerk = client_for("clerk")
    big = projects["人大代表履职服务保障"]
    data = filled(
        form_data(clerk.get(url(demo_report))),
        big,
        ROWS,
        competent_department="浏阳市人大常委会",
        implementing_unit="浏阳市人大常委会办公室",
        initial_budget="700",
        execution_reason=REASON,
        goal="保障代表依法履职。",
        goal_result="完成年度培训和联络任务。",
    )
    response = clerk.post(url(demo_report), data, follow=True)
    html = response.content.decode()
    assert "已保存“项目自评表”" in html
    assessment = ProjectAssessment.objects.get(project=big)
    assert assessment.initial_budget == D("700.00")
    assert assessment.framework.is_default
    assert assessment.report_id == demo_report.pk
    rows = list(assessment.indicators.values_list("level1", "level2", "name", "points", "score"))
    assert rows == [
        ("产出指标", "数量指标", "代表培训人次", D("50"), D("50")),
        ("效益指标", "社会效益指标", "代表建议办结率", D("30"), D("30")),
        ("满意度指标", "服务对象满意度指标", "代表满意度", D("10"), D("9")),
    ]
    # 8.65 + 50 + 30 + 9
    assert "自评得分 97.65（优）" in html
    # The other project, untouched, gets no table.
    assert not ProjectAssessment.objects.filter(project=projects["代表之家建设"]).exists()
    record = assessment.history.get()
    assert record.history_user == users["clerk"] and record.history_change_reason == "在线编辑"
    assert ProjectIndicator.history.filter(history_user=users["clerk"]).count() == 3


def test_changing_and_deleting_rows(client_for, projects, demo_report):
    clerk = client_for("clerk")
    big = projects["人大代表履职服务保障"]
    clerk.post(url(demo_report), filled(form_data(clerk.get(url(demo_report))), big, ROWS))
    data = form_data(clerk.get(url(demo_report)))
    assert data[f"p{big.pk}-rows-0-place"] == "产出指标 / 数量指标"
    data[f"p{big.pk}-rows-2-DELETE"] = "on"
    data[f"p{big.pk}-rows-1-score"] = "28.5"
    data[f"p{big.pk}-rows-3-place"] = "产出指标 / 质量指标"
    data[f"p{big.pk}-rows-3-name"] = "培训合格率"
    data[f"p{big.pk}-rows-3-points"] = "10"
    clerk.post(url(demo_report), data)
    names = list(ProjectIndicator.objects.values_list("name", "score"))
    assert names == [("代表培训人次", D("50")), ("代表建议办结率", D("28.5")), ("培训合格率", None)]


def test_the_rate_reason_error_shows_until_a_reason_is_given(client_for, projects, demo_report):
    clerk = client_for("clerk")
    big = projects["人大代表履职服务保障"]
    data = filled(form_data(clerk.get(url(demo_report))), big, ROWS)
    html = clerk.post(url(demo_report), data, follow=True).content.decode()
    message = "预算执行率 86.53%，低于 90%：请在“执行率偏低原因”中说明原因"
    assert message in html
    section = html.split(f'id="project-{big.pk}-execution_reason"', 1)[1].split("</div>\n", 3)
    assert message in "".join(section)
    assert f"/edit/{SECTION}/#project-{big.pk}-execution_reason" in html
    data = form_data(clerk.get(url(demo_report)))
    data[f"p{big.pk}-execution_reason"] = REASON
    html = clerk.post(url(demo_report), data, follow=True).content.decode()
    assert message not in html
    assert ProjectAssessment.objects.get(project=big).execution_reason == REASON


@pytest.mark.parametrize(
    ("score", "message"),
    [
        ("60", "得分 60 超过分值 50：得分不能高于分值。"),
        ("-1", "得分不能为负数：请填写 0 或正数。"),
        ("很好", "得分请输入数字，例如 4 或 3.5。"),
        ("1e400", "得分不能超过 100 分。"),
        ("8.125", "得分最多保留两位小数。"),
        ("NaN", "得分请输入数字"),
    ],
)
def test_an_invalid_score_shows_an_error_and_stores_nothing(
    client_for, projects, demo_report, score, message
):
    clerk = client_for("clerk")
    big = projects["人大代表履职服务保障"]
    rows = [dict(ROWS[0], score=score), *ROWS[1:]]
    data = filled(form_data(clerk.get(url(demo_report))), big, rows, goal="新的目标。")
    response = clerk.post(url(demo_report), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "有输入需要改正，尚未保存" in html
    assert message in html
    assert not ProjectAssessment.objects.exists()
    assert not ProjectIndicator.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("place", "产出指标 / 社会效益指标", "请从列表中选择本表格式的一级、二级指标。"),
        ("place", "", "请选择一级、二级指标。"),
        ("points", "", "请填写分值。"),
        ("name", "", "请填写三级指标。"),
    ],
)
def test_an_invalid_row_is_refused(client_for, projects, demo_report, field, value, message):
    clerk = client_for("clerk")
    big = projects["人大代表履职服务保障"]
    rows = [dict(ROWS[0], **{field: value})]
    data = filled(form_data(clerk.get(url(demo_report))), big, rows)
    html = clerk.post(url(demo_report), data).content.decode()
    assert message in html
    assert not ProjectAssessment.objects.exists()


def test_a_forged_management_form_is_an_error_not_a_crash(client_for, projects, demo_report):
    clerk = client_for("clerk")
    big = projects["人大代表履职服务保障"]
    data = form_data(clerk.get(url(demo_report)))
    data[f"p{big.pk}-rows-TOTAL_FORMS"] = "很多"
    data[f"p{big.pk}-initial_budget"] = "-5"
    response = clerk.post(url(demo_report), data)
    assert response.status_code == 200
    assert "有输入需要改正，尚未保存" in response.content.decode()
    assert not ProjectAssessment.objects.exists()


def test_a_row_of_another_project_cannot_be_posted_into_this_one(client_for, projects, demo_report):
    clerk = client_for("clerk")
    big, small = projects["人大代表履职服务保障"], projects["代表之家建设"]
    clerk.post(url(demo_report), filled(form_data(clerk.get(url(demo_report))), big, ROWS))
    row = ProjectIndicator.objects.first()
    data = form_data(clerk.get(url(demo_report)))
    data = filled(data, small, [dict(ROWS[0], id=str(row.pk))])
    data[f"p{small.pk}-rows-INITIAL_FORMS"] = "1"
    response = clerk.post(url(demo_report), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "有输入需要改正，尚未保存" in html
    assert "有指标行已不存在或不属于本项目" in html
    assert not ProjectAssessment.objects.filter(project=small).exists()
    row.refresh_from_db()
    assert row.assessment.project == big and row.name == "代表培训人次"


@pytest.mark.parametrize(("role", "status"), [("reviewer", 403), ("auditor", 404)])
def test_reviewer_and_auditor_cannot_save(client_for, projects, demo_report, role, status):
    big = projects["人大代表履职服务保障"]
    data = filled(form_data(client_for("clerk").get(url(demo_report))), big, ROWS)
    other = client_for(role)
    assert other.get(url(demo_report)).status_code == status
    assert other.post(url(demo_report), data).status_code == status
    assert not ProjectAssessment.objects.exists()


def test_a_submitted_report_refuses_the_save(client_for, users, demo_report):
    # One project, its figures the report's 项目支出: nothing stops the submission.
    big = _projects(demo_report, ONE)["人大代表履职服务保障"]
    clerk = client_for("clerk")
    data = filled(form_data(clerk.get(url(demo_report))), big, ROWS)
    transition_apply(report=demo_report, user=users["clerk"], action="submit")
    response = clerk.post(url(demo_report), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "未保存" in html and "代表培训人次" in html
    assert not ProjectAssessment.objects.exists()


def test_a_stale_save_is_refused(client_for, projects, demo_report):
    first, second = client_for("clerk"), client_for("admin")
    big = projects["人大代表履职服务保障"]
    mine = form_data(first.get(url(demo_report)))
    theirs = filled(form_data(second.get(url(demo_report))), big, ROWS, goal="对方的目标。")
    second.post(url(demo_report), theirs)
    mine[f"p{big.pk}-goal"] = "我的目标。"
    html = first.post(url(demo_report), mine).content.decode()
    assert "有人先保存了“项目自评表”" in html
    assert "我的目标。" in html
    assert ProjectAssessment.objects.get().goal == "对方的目标。"


def test_a_project_added_meanwhile_does_not_stop_the_save(client_for, projects, demo_report):
    clerk = client_for("clerk")
    big = projects["人大代表履职服务保障"]
    data = filled(form_data(clerk.get(url(demo_report))), big, ROWS, goal="保障代表依法履职。")
    lines_sync(report=demo_report, model=Project, rows=[*TWO, {"name": "新项目"}])
    response = clerk.post(url(demo_report), data, follow=True)
    html = response.content.decode()
    assert "已保存“项目自评表”" in html and "新项目" in html
    assert ProjectAssessment.objects.get().goal == "保障代表依法履职。"


@pytest.mark.parametrize("value", ["x" * 25_000, "1e999", "\u0000"])
def test_no_value_in_any_field_causes_a_server_error(client_for, projects, demo_report, value):
    clerk = client_for("clerk")
    big = projects["人大代表履职服务保障"]
    clerk.post(url(demo_report), filled(form_data(clerk.get(url(demo_report))), big, ROWS))
    stored = list(ProjectIndicator.objects.values_list("name", "points", "score"))
    data = form_data(clerk.get(url(demo_report)))
    # Every field of the page at once (the formsets' management forms too), then one by one
    # the fields of a row.
    everything = {name: value for name in data if name != "snapshot"}
    response = clerk.post(url(demo_report), dict(data, **everything))
    assert response.status_code == 200
    assert "有输入需要改正，尚未保存" in response.content.decode()
    for name in [name for name in data if name.startswith(f"p{big.pk}-rows-0-")]:
        assert clerk.post(url(demo_report), dict(data, **{name: value})).status_code in (200, 302)
    assert ProjectIndicator.objects.count() == 3
    assert list(ProjectIndicator.objects.values_list("name", "points", "score"))[1:] == stored[1:]
