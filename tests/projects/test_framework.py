"""Project frameworks as data, and the one writer of project tables."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from budgets.models import Project
from budgets.writers import lines_sync
from projects.layout import groups_errors
from projects.models import ProjectAssessment, ProjectIndicator
from projects.services import project_framework_default
from projects.writers import assessment_sync
from reports.guards import ReportNotEditable
from reports.workflow import transition_apply

D = Decimal
ROWS = [
    {"level1": "产出指标", "level2": "数量指标", "name": "代表培训人次", "target": "≥300人次",
     "actual": "326人次", "points": D("50"), "score": D("50")},
    {"level1": "效益指标", "level2": "社会效益指标", "name": "代表建议办结率", "target": "100%",
     "actual": "100%", "points": D("30"), "score": D("30")},
    {"level1": "满意度指标", "level2": "服务对象满意度指标", "name": "代表满意度", "target": "≥90%",
     "actual": "93%", "points": D("10"), "score": D("9"), "deviation": "个别代表反映通知较晚。"},
]  # fmt: skip


@pytest.fixture
def project(demo_report):
    lines_sync(
        report=demo_report,
        model=Project,
        rows=[{"name": "人大代表履职服务保障", "budget": D("710.12"), "actual": D("614.49")}],
    )
    return Project.objects.get(report=demo_report)


@pytest.mark.django_db
def test_the_shipped_layout_adds_up_to_100():
    framework = project_framework_default()
    layout = framework.layout
    assert layout.execution_points == D("10")
    assert layout.reason_below_rate == D("90")
    assert [(g.name, g.points) for g in layout.groups] == [
        ("产出指标", D("50")),
        ("效益指标", D("30")),
        ("满意度指标", D("10")),
    ]
    assert layout.total_points == D("100")
    assert project_framework_default() == framework  # loaded once, then found


def test_a_layout_that_does_not_add_up_is_refused_with_what_to_fix():
    groups = [{"name": "产出指标", "points": "60", "children": ["数量指标"]}]
    assert groups_errors(groups, D("10")) == [
        "预算执行分值与各一级指标分值合计为 70，应为 100：请调整分值。"
    ]
    assert "缺少名称" in groups_errors([{"points": "90", "children": []}], D("10"))[0]
    assert "不是数字" in groups_errors([{"name": "产出", "points": "x"}], D("10"))[0]
    assert groups_errors([], D("10"))[0].startswith("请至少设置一个一级指标")


@pytest.mark.django_db
def test_a_row_must_sit_under_the_layouts_indicators():
    layout = project_framework_default().layout
    assert layout.place_error("产出指标", "数量指标") == ""
    assert layout.place_error("产出", "数量指标").startswith("一级指标“产出”不在本表格式中")
    assert "请选择 数量指标、质量指标、时效指标、成本指标 之一" in layout.place_error(
        "产出指标", "社会效益指标"
    )


def test_the_writer_writes_once_and_again_changes_nothing(project, users):
    framework = project_framework_default()
    values = {"initial_budget": D("700.00"), "goal": "保障代表履职。"}
    assert assessment_sync(
        project=project, framework=framework, values=values, indicators=ROWS, user=users["clerk"]
    )
    assessment = ProjectAssessment.objects.get(project=project)
    assert assessment.initial_budget == D("700.00")
    assert [row.name for row in assessment.indicators.all()] == [r["name"] for r in ROWS]
    assert assessment.history.count() == 1
    assert not assessment_sync(
        project=project, framework=framework, values=values, indicators=ROWS, user=users["clerk"]
    )
    assert assessment_sync(project=project, framework=framework, values=values, indicators=ROWS[:2])
    assert ProjectIndicator.objects.filter(assessment=assessment).count() == 2


def test_a_score_above_its_points_is_refused_and_nothing_is_written(project):
    bad = [{**ROWS[0], "score": D("51")}]
    with pytest.raises(ValidationError, match="得分 51 超过分值 50"):
        assessment_sync(
            project=project, framework=project_framework_default(), values={}, indicators=bad
        )
    assert not ProjectAssessment.objects.exists()


def test_a_submitted_report_refuses_its_project_tables(project, users):
    transition_apply(report=project.report, user=users["clerk"], action="submit")
    with pytest.raises(ReportNotEditable):
        assessment_sync(
            project=project, framework=project_framework_default(), values={}, indicators=ROWS
        )
    assert not ProjectAssessment.objects.exists()


def test_a_used_layout_is_locked(project):
    framework = project_framework_default()
    assessment_sync(project=project, framework=framework, values={}, indicators=ROWS)
    framework.execution_points = D("20")
    with pytest.raises(ValidationError, match="已被项目使用"):
        framework.save()


def test_the_report_checks_a_project_without_a_table(project):
    from reports.selectors import report_data

    data = report_data(report=project.report)
    assert [c.message for c in data.warnings if c.code == "project_table_missing"] == [
        "项目“人大代表履职服务保障”还没有项目支出绩效自评表：请在“项目自评表”中填写。"
    ]
    assessment_sync(
        project=project, framework=project_framework_default(), values={}, indicators=ROWS
    )
    data = report_data(report=project.report)
    assert [c.code for c in data.errors if c.code.startswith("project_")] == ["project_rate_reason"]
    (table,) = data.project_tables
    assert (table.execution_rate, table.execution_score) == (D("86.53"), D("8.65"))
    assert table.total_score == D("97.65")
