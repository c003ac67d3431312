"""The 自评表 arithmetic, without a database."""

from decimal import Decimal as D

from scoring.core import Group, Row, Scorecard, Section


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
