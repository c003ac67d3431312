"""Weight rules, grades and auto-scoring rules, without a database."""

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring.core import Group, Row, Scorecard, Section
from scoring.rules import (
    DEFAULT_GRADE_BANDS,
    NodeSpec,
    Rate,
    actual_agrees,
    actual_rate,
    framework_weight_errors,
    grade_band_errors,
    grade_for,
    parse_measure,
    rate_text,
    rule_params_errors,
    suggest,
)


def tree(*level1):
    """NodeSpecs from (name, weight, [(name, weight, [(name, weight)])]) tuples."""
    nodes = []
    for i, (name, weight, groups) in enumerate(level1):
        nodes.append(NodeSpec(name, None, name, D(weight), i))
        for j, (gname, gweight, rows) in enumerate(groups):
            nodes.append(NodeSpec(f"{name}/{gname}", name, gname, D(gweight), j))
            for k, (rname, rweight) in enumerate(rows):
                w = None if rweight is None else D(rweight)
                nodes.append(NodeSpec(f"{name}/{gname}/{rname}", f"{name}/{gname}", rname, w, k))
    return nodes


VALID = tree(
    (
        "投入管理",
        30,
        [("预算编审管理", 3, [("准确性", 2), ("及时性", 1)]), ("其他", 27, [("x", None)])],
    ),
    ("产出指标", 25, [("数量指标", 25, [("a", None), ("b", None)])]),
    ("效益指标", 45, [("满意度指标", 45, [("c", None)])]),
)


def test_a_valid_framework_has_no_weight_errors():
    assert framework_weight_errors(VALID) == []


def test_level1_weights_must_sum_to_100():
    nodes = [n if n.key != "产出指标" else NodeSpec(n.key, None, n.name, D(20)) for n in VALID]
    errors = framework_weight_errors(nodes)
    assert any(
        "一级指标权重之和应为 100 分，现为 95 分（投入管理 30、产出指标 20、效益指标 45）" in e
        for e in errors
    )


def test_level2_weights_must_sum_to_their_parent_and_the_message_names_it():
    nodes = [n if n.name != "其他" else NodeSpec(n.key, n.parent_key, n.name, D(26)) for n in VALID]
    assert framework_weight_errors(nodes) == [
        "“投入管理”（30 分）下二级指标权重之和为 29 分，应等于 30 分：请调整其下二级指标的权重。"
    ]


def test_level3_weights_where_given_must_sum_to_their_group():
    nodes = [
        n if n.name != "准确性" else NodeSpec(n.key, n.parent_key, n.name, D("1.5")) for n in VALID
    ]
    assert framework_weight_errors(nodes) == [
        "“预算编审管理”（3 分）下三级指标权重之和为 2.5 分，应等于 3 分：请调整其下三级指标的权重。"
    ]


def test_level3_weights_given_for_only_some_rows_are_refused():
    nodes = [
        n if n.name != "准确性" else NodeSpec(n.key, n.parent_key, n.name, None) for n in VALID
    ]
    (error,) = framework_weight_errors(nodes)
    assert "“预算编审管理”下三级指标只有部分填写了权重（“准确性”未填）" in error


def test_missing_level2_weight_is_named():
    nodes = [
        n if n.name != "数量指标" else NodeSpec(n.key, n.parent_key, n.name, None) for n in VALID
    ]
    assert "“数量指标”没有填写权重：一级、二级指标必须填写权重。" in framework_weight_errors(nodes)


@given(st.randoms())
def test_a_valid_framework_stays_valid_after_any_reordering(random):
    nodes = list(VALID)
    random.shuffle(nodes)
    reordered = [
        NodeSpec(n.key, n.parent_key, n.name, n.weight, random.randint(0, 99)) for n in nodes
    ]
    assert framework_weight_errors(reordered) == []


@given(st.lists(st.integers(min_value=1, max_value=40), min_size=1, max_size=6), st.randoms())
def test_valid_generated_frameworks_stay_valid_after_reordering(weights, random):
    # Level-1 weights that add up to 100, each with one group of the same weight.
    scale = [D(w) for w in weights]
    scale[-1] += D(100) - sum(scale)
    if scale[-1] <= 0:
        return
    nodes = tree(*[(f"L{i}", w, [(f"G{i}", w, [(f"R{i}", None)])]) for i, w in enumerate(scale)])
    assert framework_weight_errors(nodes) == []
    random.shuffle(nodes)
    assert framework_weight_errors(nodes) == []


def test_default_grades():
    assert [grade_for(D(s)) for s in (100, 90, "89.99", 80, 79, 60, "59.5", 0)] == [
        "优",
        "优",
        "良",
        "良",
        "中",
        "中",
        "差",
        "差",
    ]


@given(
    st.decimals(min_value=0, max_value=100, places=2),
    st.decimals(min_value=0, max_value=100, places=2),
)
def test_the_grade_never_falls_when_the_score_rises(a, b):
    order = [name for name, _ in sorted(DEFAULT_GRADE_BANDS, key=lambda band: band[1])]
    low, high = sorted([a, b])
    assert order.index(grade_for(high)) >= order.index(grade_for(low))


def test_grade_bands_need_a_floor_and_no_duplicates():
    assert grade_band_errors(DEFAULT_GRADE_BANDS) == []
    errors = grade_band_errors([("优", D(90)), ("良", D(90))])
    assert any("最低分为 0" in e for e in errors)
    assert any("最低分都是 90" in e for e in errors)


scores = st.decimals(min_value=0, max_value=1, places=2)


@st.composite
def scorecards(draw):
    sections = []
    for i in range(draw(st.integers(1, 4))):
        groups = []
        for j in range(draw(st.integers(1, 4))):
            weight = D(draw(st.integers(1, 20)))
            n_rows = draw(st.integers(1, 4))
            if draw(st.booleans()):
                group = Group(
                    f"G{i}{j}",
                    weight,
                    rows=tuple(Row(f"R{k}") for k in range(n_rows)),
                    group_score=(weight * draw(scores)).quantize(D("0.01")),
                )
            else:
                # Rows weighted to share the group's weight, each scored within its weight.
                row_weight = weight / n_rows
                group = Group(
                    f"G{i}{j}",
                    weight,
                    rows=tuple(
                        Row(f"R{k}", weight=row_weight, score=row_weight * draw(scores))
                        for k in range(n_rows)
                    ),
                )
            groups.append(group)
        sections.append(Section(f"L{i}", sum(g.weight for g in groups), tuple(groups)))
    return Scorecard(tuple(sections))


@given(scorecards())
def test_total_is_the_sum_of_level1_subtotals_and_never_exceeds_the_total_weight(card):
    assert card.total_score == sum(section.score for section in card.sections)
    assert card.total_score <= card.total_weight
    for section in card.sections:
        assert section.score == sum(group.score for group in section.groups)
        assert section.score <= section.weight


RATES = {
    "total": Rate("整体支出", D("2575.66"), D("2092.38")),
    "three_public": Rate("“三公”经费", D("2.92"), D("10.00")),
    "public_operating": Rate("公用经费", D("114.80"), D("234.29")),
}


def test_execution_rate_rule_deducts_per_point_outside_the_band_and_shows_its_working():
    s = suggest(
        rule="execution_rate",
        params={"figure": "total", "low": 90, "high": 110, "deduct_per_point": "0.1"},
        weight=D(4),
        rates=RATES,
    )
    assert s.score == D("2.69")
    assert s.working == (
        "整体支出执行率 123.10%，超出 110% 上限 13.10 个百分点，每个百分点扣 0.1 分，"
        "扣 1.31 分，得 2.69 分。"
    )


def test_execution_rate_rule_gives_full_marks_inside_the_band():
    rates = {"total": Rate("整体支出", D("95"), D("100"))}
    s = suggest(rule="execution_rate", params={}, weight=D(4), rates=rates)
    assert s.score == D("4.00")
    assert "在 90%–110% 之间" in s.working


def test_execution_rate_rule_never_goes_below_zero():
    rates = {"total": Rate("整体支出", D("10"), D("100"))}
    s = suggest(rule="execution_rate", params={"deduct_per_point": 1}, weight=D(4), rates=rates)
    assert s.score == D("0.00")


def test_budget_accuracy_deducts_for_the_seeds_123_percent():
    s = suggest(
        rule="budget_accuracy",
        params={"figure": "total", "tiers": [[10, 1], [20, 0.75], [30, 0.5]]},
        weight=D(2),
        rates=RATES,
    )
    assert s.score == D("1.00")
    assert s.working.startswith(
        "整体支出执行率 123.10%，偏离 100% 23.10 个百分点，在 20–30 个百分点之间"
    )


def test_control_rate_full_marks_at_or_under_the_limit():
    s = suggest(rule="control_rate", params={"figure": "three_public"}, weight=D(3), rates=RATES)
    assert s.score == D("3.00")
    assert "“三公”经费控制率 29.20%（2.92 ÷ 10.00），未超过 100%" in s.working


def test_control_rate_deducts_above_the_limit():
    rates = {"three_public": Rate("“三公”经费", D("12"), D("10"))}
    s = suggest(rule="control_rate", params={"figure": "three_public"}, weight=D(3), rates=rates)
    assert s.score == D("1.00")


def test_ratio_to_target_reads_the_rows_own_values():
    s = suggest(
        rule="ratio_to_target", params={}, weight=D(10), rates={}, target="≥80%", actual="72%"
    )
    assert s.score == D("9.00")
    below = suggest(
        rule="ratio_to_target", params={}, weight=D(10), rates={}, target="≥80%", actual="≥90%"
    )
    assert below.score == D("10.00")


def test_no_rule_or_no_weight_means_no_suggestion():
    assert suggest(rule="", params={}, weight=D(3), rates=RATES) is None
    assert suggest(rule="control_rate", params={}, weight=None, rates=RATES) is None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("≥80%", ("≥", D(80))),
        ("≤100%", ("≤", D(100))),
        ("87%", ("=", D(87))),
        ("0.87", ("=", D("0.87"))),
        ("向政府交办环保问题≥187个", ("≥", D(187))),
        ("效果显著", None),
    ],
)
def test_parse_measure(text, expected):
    assert parse_measure(text) == expected


def test_rule_params_are_checked():
    assert rule_params_errors("control_rate", {"figure": "three_public"}) == []
    assert rule_params_errors("nonsense", {})[0].startswith("未知的评分规则")
    assert "figure" in rule_params_errors("control_rate", {"figure": "cars"})[0]
    assert "tiers" in rule_params_errors("budget_accuracy", {"tiers": [[20, 1], [10, 2]]})[0]


# --- 全年完成值 computed from the figures, and how a rate prints -------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [(D("123.1"), "123.10%"), (D("49"), "49.00%"), (D("29.195"), "29.20%"), (None, "—")],
)
def test_a_rate_prints_with_two_places_and_a_percent_sign(value, text):
    assert rate_text(value) == text


@given(st.decimals(min_value=0, max_value=100000, places=2))
def test_a_rate_printed_agrees_with_itself_and_prints_once_more_the_same(value):
    assert actual_agrees(rate_text(value), value)
    assert rate_text(D(rate_text(value).removesuffix("%"))) == rate_text(value)


@pytest.mark.parametrize(
    ("typed", "agrees"),
    [
        ("123%", True),
        ("123.1%", True),
        ("123.10%", True),
        (" 123 ％ ", True),
        ("123", True),
        ("124%", False),
        ("123.2%", False),
        ("≥123%", False),
        ("较好", False),
        ("", False),
    ],
)
def test_a_typed_actual_agrees_with_the_computed_one_at_its_own_precision(typed, agrees):
    assert actual_agrees(typed, D("123.10")) is agrees


def test_the_seeds_30_percent_is_not_its_29_20():
    assert not actual_agrees("30%", RATES["three_public"].pct)
    assert actual_agrees("49%", RATES["public_operating"].pct)


@pytest.mark.parametrize(
    ("rule", "params", "figure"),
    [
        ("budget_accuracy", {"figure": "total"}, "total"),
        ("execution_rate", {}, "total"),
        ("control_rate", {}, "three_public"),
        ("control_rate", {"figure": "public_operating"}, "public_operating"),
    ],
)
def test_every_figure_rule_computes_the_actual_from_its_figure(rule, params, figure):
    assert actual_rate(rule=rule, params=params, rates=RATES) == RATES[figure]


def test_no_actual_is_computed_without_a_figure_rule_or_a_budget():
    assert actual_rate(rule="ratio_to_target", params={}, rates=RATES) is None
    assert actual_rate(rule="", params={}, rates=RATES) is None
    assert actual_rate(rule="execution_rate", params={"figure": "project"}, rates=RATES) is None
    no_budget = {"three_public": Rate("“三公”经费", D("2"), D("0"))}
    assert actual_rate(rule="control_rate", params={}, rates=no_budget) is None


def test_a_rates_working_shows_the_division():
    assert RATES["total"].working == "123.10%（2575.66 ÷ 2092.38）"
