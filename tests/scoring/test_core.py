"""The 自评表 arithmetic, without a database."""

from decimal import Decimal as D

from scoring.core import Group, Row, Scorecard, Section
from scoring.rules import Rate


def test_group_scored_as_a_whole_ignores_row_scores():
    group = Group(
        "预决算信息公开管理", D("4"), rows=(Row("规范性"), Row("及时性")), group_score=D("4")
    )
    assert group.scored_as_whole
    assert group.score == D("4")


def test_group_scored_by_rows_adds_them():
    group = Group(
        "预算编审管理", D("3"), rows=(Row("准确性", score=D("1")), Row("及时性", score=D("1")))
    )
    assert not group.scored_as_whole
    assert group.score == D("2")


def test_total_is_sum_of_sections():
    card = Scorecard(
        sections=(
            Section("投入管理", D("30"), groups=(Group("a", D("30"), group_score=D("29")),)),
            Section(
                "产出指标", D("70"), groups=(Group("b", D("70"), rows=(Row("x", score=D("70")),)),)
            ),
        )
    )
    assert card.total_weight == D("100")
    assert card.total_score == D("99")
    assert [row.name for _, _, row in card.rows()] == ["x"]


def _accuracy(actual: str = "", reason: str = "") -> Row:
    card = Scorecard(
        sections=(
            Section(
                "投入管理",
                D("2"),
                groups=(
                    Group(
                        "预算编审管理",
                        D("2"),
                        rows=(
                            Row(
                                "准确性",
                                rule="budget_accuracy",
                                rule_params={"figure": "total"},
                                actual=actual,
                                actual_reason=reason,
                            ),
                        ),
                    ),
                ),
            ),
        )
    ).with_suggestions({"total": Rate("整体支出", D("2575.66"), D("2092.38"))})
    return next(card.rows())[2]


def test_a_blank_actual_of_a_figure_rule_prints_the_computed_value():
    row = _accuracy()
    assert (row.computed_actual, row.actual_display) == (D("123.10"), "123.10%")
    assert row.actual_shows_computed and not row.actual_overridden


def test_a_typed_actual_agreeing_at_its_precision_prints_the_computed_value():
    row = _accuracy("123%")
    assert not row.actual_overridden
    assert row.actual_display == "123.10%"


def test_an_override_prints_only_with_its_reason():
    assert _accuracy("120%").actual_overridden
    assert _accuracy("120%").actual_display == "123.10%"
    assert _accuracy("120%", "按决算口径").actual_display == "120%"
    assert not _accuracy("120%", "按决算口径").actual_shows_computed


def test_a_row_without_a_figure_rule_prints_what_is_typed():
    row = Row("社会公众满意度", rule="ratio_to_target", actual="≥90%")
    assert row.computed_actual is None and row.actual_display == "≥90%"
