"""load_demo loads the whole reference report, and loading it again changes nothing."""

import re
from decimal import Decimal as D

import pytest
from django.apps import apps
from django.core.management import call_command

from departments.models import Department, OrgUnit
from reports.demo import data as demo_data
from reports.models import Report
from reports.selectors import report_data
from scoring import rules
from scoring.models import IndicatorResult
from scoring.selectors import report_scorecard
from tests.conftest import SEED_TEXT
from tests.writes import rows_update

APP_LABELS = [
    "departments",
    "budgets",
    "scoring",
    "reports",
    "targets",
    "monitoring",
    "followup",
    "deadlines",
]

# The seed's 自评表, typed from the published table: (level-1, weight, level-2, weight,
# level-3, 年度指标值, 全年完成值, score printed on the row or None).
SEED_TABLE = [
    ("投入管理", 30, "预算编审管理", 3, "准确性", "100%", "123%", 1),
    ("投入管理", 30, "预算编审管理", 3, "预算编制及时性", "100%", "100%", 1),
    ("投入管理", 30, "预算执行管理", 4, "预算执行规范性", "100%", "100%", 4),
    ("投入管理", 30, "部门结转结余资金管理", 4, "年末结余资金合规性", "100%", "100%", 4),
    ("投入管理", 30, "预算绩效管理", 5, "绩效目标指标设置准确性", "100%", "100%", 5),
    ("投入管理", 30, "预决算信息公开管理", 4, "预决算信息公开规范性", "100%", "100%", 4),
    ("投入管理", 30, "预决算信息公开管理", 4, "预决算信息公开及时性", "100%", "100%", None),
    ("投入管理", 30, "财政监督管理", 3, "制度健全性", "100%", "100%", 3),
    ("投入管理", 30, "财政监督管理", 3, "监督执行规范性", "100%", "100%", None),
    ("投入管理", 30, "政府采购管理", 3, "制度健全性", "100%", "100%", 3),
    ("投入管理", 30, "政府采购管理", 3, "管理规范性", "100%", "100%", None),
    ("投入管理", 30, "资产管理", 4, "制度健全性", "100%", "100%", 4),
    ("投入管理", 30, "资产管理", 4, "管理规范性", "100%", "100%", None),
    ("产出指标", 25, "数量指标", 6, "年度工作任务实际完成率", "100%", "100%", 6),
    ("产出指标", 25, "数量指标", 6, "政府采购执行率", "100%", "100%", None),
    ("产出指标", 25, "数量指标", 6, "预算完成率", "100%", "100%", None),
    ("产出指标", 25, "质量指标", 8, "固定资产利用率", "100%", "100%", 8),
    ("产出指标", 25, "质量指标", 8, "资金使用合规率", "100%", "100%", None),
    ("产出指标", 25, "时效指标", 5, "支付及时性", "100%", "100%", 5),
    ("产出指标", 25, "时效指标", 5, "验收及时性", "100%", "100%", None),
    ("产出指标", 25, "成本指标", 6, "公用经费控制率", "≤100%", "49%", 6),
    ("产出指标", 25, "成本指标", 6, "“三公经费”控制率", "≤100%", "30%", None),
    ("效益指标", 45, "经济效益指标", 10, "助推优化营商环境", "效果显著", "效果显著", 10),
    ("效益指标", 45, "社会效益指标", 10, "代表建议办理满意率", "≥80%", "≥80%", 10),
    (
        "效益指标",
        45,
        "生态效益指标",
        7,
        "助力生态环境保护",
        "向政府交办环保问题≥187个，力促单位整改",
        "≥187",
        7,
    ),
    (
        "效益指标",
        45,
        "可持续影响指标",
        8,
        "创新“两官”履职评议方式，“两官”履职能力持续提升",
        "持续提升",
        "持续提升",
        8,
    ),
    ("效益指标", 45, "满意度指标", 10, "社会公众满意度", "≥80%", "≥90%", 10),
]


def _snapshot() -> dict[str, list[dict]]:
    return {
        model._meta.label: list(model.objects.order_by("pk").values())
        for label in APP_LABELS
        for model in apps.get_app_config(label).get_models()
    }


def test_load_demo_twice_changes_nothing(db, capsys):
    call_command("load_demo")
    first = _snapshot()
    call_command("load_demo")
    assert _snapshot() == first
    out = capsys.readouterr().out
    assert "演示数据已是最新，未作改动" in out


def test_load_demo_tells_the_whole_2022_year(db, capsys):
    from deadlines.models import Deadline
    from followup.models import ProblemItem
    from monitoring.models import CheckpointReport
    from targets.models import TargetForm

    call_command("load_demo")
    report = Report.objects.get(year=2022)
    targets = TargetForm.objects.get(department=report.department, year=2022)
    assert (targets.number, targets.status) == (1, "approved")
    assert targets.budget_fiscal == D("2092.38")
    satisfaction = targets.rows.get(indicator__name="代表建议办理满意率")
    assert satisfaction.target_text == "≥80%"
    assert targets.annual_goal == report.annual_goal
    sheets = CheckpointReport.objects.filter(department=report.department).order_by(
        "checkpoint__period_end"
    )
    assert [(s.checkpoint.expected_share, s.status) for s in sheets] == [
        (D("25.00"), "approved"),
        (D("40.00"), "approved"),
        (D("60.00"), "approved"),
        (D("80.00"), "approved"),
    ]
    assert all("演示数据" in s.execution_reason for s in sheets)
    at_risk = [row for s in sheets for row in s.rows.all() if row.at_risk]
    assert [(row.report.checkpoint.name, row.indicator.name) for row in at_risk] == [
        ("1—8月", "准确性")
    ]
    items = ProblemItem.objects.filter(department=report.department, year=2022)
    assert items.count() == 3
    assert set(items.values_list("status", flat=True)) == {"open", "in_progress"}
    assert set(Deadline.objects.filter(year=2022).values_list("stage", flat=True)) == {
        "targets",
        "selfeval",
    }
    assert "全年各环节" in capsys.readouterr().out


def test_load_demo_restores_an_edited_demo(demo_report):
    demo_report.functions = "改过的文字"
    demo_report.save()
    demo_report.income_lines.all().delete()
    call_command("load_demo")
    demo_report.refresh_from_db()
    assert demo_report.functions.startswith("浏阳市人大常委会机关依据")
    assert demo_report.income_lines.count() == 2


def test_load_demo_prints_one_demo_password_per_role(db, capsys):
    call_command("load_demo")
    out = capsys.readouterr().out
    for username, password in [
        ("clerk", "demo-clerk-2022"),
        ("reviewer", "demo-reviewer-2022"),
        ("auditor", "demo-auditor-2022"),
        ("admin", "demo-admin-2022"),
    ]:
        assert re.search(rf"用户名 {username}\s+密码 {password}", out)
    assert "仅供演示" in out


def test_demo_users_can_sign_in_and_the_clerk_belongs_to_the_department(demo, client):
    # Each lands where their work is (perfeval.landing).
    landings = {"clerk": "/", "reviewer": "/admin/", "auditor": "/approved/", "admin": "/admin/"}
    for username, landing in landings.items():
        response = client.post(
            "/accounts/login/", {"username": username, "password": f"demo-{username}-2022"}
        )
        assert response.status_code == 302, username
        assert response.headers["Location"] == landing
        client.post("/accounts/logout/")
    department = Department.objects.get(name="浏阳市人大常委会机关")
    assert department.users.get().username == "clerk"


def test_demo_department_and_its_organisation(demo):
    department = Department.objects.get(name="浏阳市人大常委会机关")
    assert department.reporting_unit == "浏阳市人大常委会办公室"
    kinds = [unit.kind for unit in department.org_units.all()]
    assert kinds.count(OrgUnit.Kind.SPECIAL_COMMITTEE) == 7
    assert (
        kinds.count(OrgUnit.Kind.ADMINISTRATIVE_OFFICE) + kinds.count(OrgUnit.Kind.WORKING_BODY)
        == 2
    )
    assert kinds.count(OrgUnit.Kind.SUBORDINATE_UNIT) == 1
    names = [unit.name for unit in department.org_units.all()]
    assert names[:3] == ["民族华侨外事委员会", "监察和司法委员会", "财政经济委员会"]
    assert names[-1] == "市代表服务中心"


def test_every_row_of_the_published_table_is_present_with_weight_and_score(demo_report):
    card = report_scorecard(report=demo_report)
    loaded, held = [], []
    for section, group, row in card.rows():
        first_in_group = row is group.rows[0]
        shown = group.group_score if group.scored_as_whole and first_in_group else row.score
        typed = demo_data.SEED_TYPED_ACTUALS.get((section.name, group.name, row.name))
        if typed is not None:
            held.append(row.actual)
        loaded.append(
            (
                section.name,
                int(section.weight),
                group.name,
                int(group.weight),
                row.name,
                row.target,
                # Held blank, computed from the figures; the seed's typed value is kept aside.
                typed if typed is not None else row.actual,
                None if shown is None else int(shown),
            )
        )
    assert loaded == SEED_TABLE
    assert held == ["", "", ""]
    assert card.total_score == D("99")


def test_the_seeds_typed_actuals_are_the_computed_ones_but_for_its_30_percent(demo_report):
    """123% and 49% are what the figures give to the whole percent; the seed's 30% is not:
    2.92 ÷ 10.00 is 29.20% (its own 二(一) says 完成预算的 29.2%)."""
    card = report_data(report=demo_report).scorecard
    rows = {(s.name, g.name, r.name): r for s, g, r in card.rows()}
    held = {key: rows[key] for key in demo_data.SEED_TYPED_ACTUALS}
    assert [row.actual_display for row in held.values()] == ["123.10%", "49.00%", "29.20%"]
    agrees = [
        rules.actual_agrees(typed, rows[key].computed_actual)
        for key, typed in demo_data.SEED_TYPED_ACTUALS.items()
    ]
    assert agrees == [True, True, False]

    # Typed in as the seed prints them, only the 30% needs a reason.
    for (_, _, name), typed in demo_data.SEED_TYPED_ACTUALS.items():
        rows_update(
            IndicatorResult.objects.filter(report=demo_report, indicator__name=name), actual=typed
        )
    checks = report_data(report=demo_report).checks
    (override,) = [c for c in checks if c.code.startswith("actual_")]
    assert (override.code, override.severity) == ("actual_reason_missing", "error")
    assert (
        "全年完成值填写为 30%，与按本报告数据计算的 29.20%（2.92 ÷ 10.00）不符" in override.message
    )


def test_the_group_below_its_weight_carries_the_reason_from_section_six(demo_report):
    card = report_scorecard(report=demo_report)
    below = [(s, g) for s in card.sections for g in s.groups if g.score < g.weight]
    assert [g.name for _, g in below] == ["预算编审管理"]
    assert below[0][1].score == D("2")
    assert "预算编制准确性有待提高" in below[0][1].rows[0].deviation


def _normalised(text: str) -> str:
    return re.sub(r"\s+", "", text)


NARRATIVE_FIELDS = [
    "annual_goal",
    "annual_goal_result",
    "functions",
    "organisation",
    "work_plan",
    "spending_scope",
    "personnel_description",
    "public_operating_description",
    "three_public_variance_reason",
    "three_public_change_reason",
    "basic_management",
    "project_usage",
    "project_fund_management",
    "project_organisation",
    "project_management",
    "asset_management",
    "performance",
    "problems",
    "improvements",
]


@pytest.mark.parametrize("field", NARRATIVE_FIELDS)
def test_every_narrative_paragraph_is_the_seed_text_verbatim(demo_report, field):
    seed = _normalised(SEED_TEXT)
    paragraphs = getattr(demo_report, field).split("\n")
    assert paragraphs and all(paragraphs)
    for paragraph in paragraphs:
        assert _normalised(paragraph) in seed, paragraph[:40]


def test_narrative_covers_the_seed_paragraphs(demo_report):
    """Each body paragraph of the seed's sections 一 to 七 is stored or made from figures."""
    stored = _normalised("".join(getattr(demo_report, f) for f in NARRATIVE_FIELDS))
    body = SEED_TEXT.split("一、部门概况", 1)[1].split("八、部门整体支出绩效评价等级", 1)[0]
    # Paragraph starts that the app produces from figures (一(四), 二(一), 二(二)).
    made_from_figures = (
        "2022年度收入总额",
        "2022年度财政拨款基本支出",
        "浏阳市人大常委会2022年度“三公”",
        "2022年度“三公”经费财政拨款支出决算数比上年",
        "2022年参加出国",
        "2022年市财政预算安排项目支出",
        "2022年度一般公共预算财政拨款项目支出",
    )
    heading = re.compile(r"^(（[一二三四五六七八九十]+）|[一二三四五六七八]、|\d\.)")
    paragraphs: list[str] = []
    for chunk in re.split(r"\n\s*\n", body):
        text = _normalised(chunk)
        if not text:
            continue
        # The seed's page breaks cut sentences in two: rejoin what does not end a sentence.
        if (
            paragraphs
            and not paragraphs[-1].endswith(("。", "："))
            and not heading.match(paragraphs[-1])
        ):
            paragraphs[-1] += text
        else:
            paragraphs.append(text)
    checked = 0
    for text in paragraphs:
        if heading.match(text) and len(text) < 40 or text.startswith(made_from_figures):
            continue
        # "2. 实际使用情况：" is a heading the report prints before the stored text.
        assert re.sub(r"^\d\.[^：]{2,12}：", "", text) in stored, text[:40]
        checked += 1
    assert checked == 19


def test_report_date_and_cover(demo_report):
    assert (demo_report.report_date.year, demo_report.report_date.month) == (2023, 9)
    assert demo_report.department.reporting_unit in SEED_TEXT
    assert Report.objects.count() == 1
