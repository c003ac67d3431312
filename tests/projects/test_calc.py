"""The arithmetic and checks of a project's 自评表, without the database (projects.calc,
projects.table, projects.checks)."""

from decimal import Decimal

from projects.calc import execution_rate, execution_score, needs_reason, total_score
from projects.checks import table_checks
from projects.layout import Layout
from projects.table import IndicatorRow, ProjectFigures, project_table

D = Decimal
LAYOUT = Layout.from_data(
    [
        {"name": "产出指标", "points": "50", "children": ["数量指标", "质量指标"]},
        {"name": "效益指标", "points": "30", "children": ["社会效益指标"]},
        {"name": "满意度指标", "points": "10", "children": ["服务对象满意度指标"]},
    ],
    "10",
    "90",
    "预算执行率得分 = 分值 × 执行率。",
)
REASON = "部分视察调研活动压缩规模，差旅和会务支出相应减少。"


def _row(level1, level2, name, points, score, deviation=""):
    return IndicatorRow(level1, level2, name, "≥90%", "93%", D(points), D(score), deviation)


ROWS = [
    _row("满意度指标", "服务对象满意度指标", "代表满意度", "10", "9", "通知较晚。"),
    _row("产出指标", "质量指标", "建议办结率", "20", "20"),
    _row("产出指标", "数量指标", "培训人次", "30", "28", "一期培训推迟。"),
    _row("效益指标", "社会效益指标", "履职能力提升", "30", "28", "个别代表未参训。"),
]


def _table(budget="710.12", actual="614.49", rows=ROWS, reason=""):
    return project_table(
        year=2022,
        name="人大代表履职服务保障",
        layout=LAYOUT,
        figures=ProjectFigures(D(budget), D(actual), D("700.00")),
        rows=rows,
        texts={"execution_reason": reason, "goal": "保障履职。", "goal_result": "已完成。"},
    )


def test_the_execution_score_is_the_points_times_the_rate():
    rate = execution_rate(D("614.49"), D("710.12"))
    assert rate == D("86.53")
    assert execution_score(D("10"), rate) == D("8.65")  # 10 × 86.53 %


def test_the_execution_score_is_capped_at_the_points_above_100_percent():
    rate = execution_rate(D("120.00"), D("100.00"))
    assert rate == D("120.00")
    assert execution_score(D("10"), rate) == D("10.00")
    assert execution_score(D("10"), None) is None


def test_a_rate_below_the_threshold_needs_a_reason():
    assert needs_reason(D("86.53"), D("90"))
    assert not needs_reason(D("90.00"), D("90"))
    assert not needs_reason(None, D("90"))


def test_the_total_is_the_execution_score_plus_the_rows_scores():
    assert total_score(D("8.65"), [D("48"), D("28"), D("9")]) == D("93.65")
    assert total_score(None, [None]) is None


def test_a_table_at_86_53_percent_scores_8_65_and_totals_93_65_grade_you():
    table = _table()
    total, fiscal, other = table.money
    assert (total.label, total.budget, total.actual) == ("年度资金总额", D("710.12"), D("614.49"))
    assert (total.points, total.rate, total.score) == (D("10"), D("86.53"), D("8.65"))
    assert (fiscal.label, fiscal.budget, fiscal.points, fiscal.score) == (
        "其中：财政拨款",
        D("710.12"),
        None,
        None,
    )
    assert (other.label, other.budget) == ("其他资金", None)
    assert table.total_score == D("93.65")  # 8.65 + 48 + 28 + 9
    assert table.grade == "优"
    assert table.total_points == D("100")
    assert table.title == "2022年度项目支出绩效自评表"


def test_rows_are_ordered_by_the_layout_with_their_spans():
    table = _table()
    assert [(r.name, r.level1_span, r.level2_span, r.level1_points) for r in table.rows] == [
        ("培训人次", 2, 1, D("50")),
        ("建议办结率", 0, 1, None),
        ("履职能力提升", 1, 1, D("30")),
        ("代表满意度", 1, 1, D("10")),
    ]


def test_a_low_rate_without_a_reason_is_an_error_naming_the_project():
    checks = table_checks(_table(), LAYOUT, key="project-1")
    assert [(c.code, c.severity, c.field) for c in checks] == [
        ("project_rate_reason", "error", "project-1-execution_reason")
    ]
    message = checks[0].message
    assert "人大代表履职服务保障" in message
    assert "86.53%" in message
    assert "执行率偏低原因" in message


def test_with_a_reason_the_error_is_gone():
    assert table_checks(_table(reason=REASON), LAYOUT, key="project-1") == []


def test_a_rate_of_100_percent_or_more_needs_no_reason_and_scores_the_points():
    table = _table(budget="100.00", actual="120.00")
    assert (table.execution_score, table.total_score) == (D("10.00"), D("95.00"))
    assert table_checks(table, LAYOUT, key="project-1") == []


def test_group_points_that_do_not_add_up_are_an_error():
    rows = [*ROWS[:2], _row("产出指标", "数量指标", "培训人次", "25", "25"), ROWS[3]]
    checks = table_checks(_table(rows=rows, reason=REASON), LAYOUT, key="project-1")
    assert [(c.code, c.severity, c.message) for c in checks] == [
        (
            "project_group_points",
            "error",
            "项目“人大代表履职服务保障”产出指标分值合计 45，应为 50：请调整各三级指标的分值。",
        )
    ]
