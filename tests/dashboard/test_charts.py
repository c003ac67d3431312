"""The chart geometry: scales, ticks, bars, the 90–110% band and lines, without Django."""

import pytest

from dashboard import charts


def test_nice_ticks_cover_the_values_with_round_steps():
    assert charts.nice_ticks(0, 97) == [0, 20, 40, 60, 80, 100]
    assert charts.nice_ticks(0, 130, 6) == [0, 25, 50, 75, 100, 125, 150]


def test_nice_ticks_of_a_single_value_still_make_an_axis():
    assert charts.nice_ticks(5, 5)[0] <= 5 <= charts.nice_ticks(5, 5)[-1]


def test_scale_maps_the_domain_onto_the_range_and_clamps():
    scale = charts.Scale(0, 100, 200, 0)
    assert scale(0) == 200
    assert scale(50) == 100
    assert scale(100) == 0
    assert scale(150) == 0


def test_tick_label_drops_trailing_zeros_and_adds_the_unit():
    assert charts.tick_label(100, "%") == "100%"
    assert charts.tick_label(2.5) == "2.5"
    assert charts.tick_label(1200) == "1,200"


def test_column_bars_are_as_tall_as_their_values():
    chart = charts.column_chart(
        ["a", "b"], [charts.Series("n", [10, 20])], height=240, value_max=20
    )
    short, tall = chart.bars
    assert tall.height == pytest.approx(2 * short.height, rel=0.01)
    assert tall.y + tall.height == pytest.approx(chart.bottom)
    assert [t.label for t in chart.category_ticks] == ["a", "b"]


def test_column_band_spans_90_to_110_and_bars_are_classed_by_it():
    chart = charts.column_chart(
        ["2021", "2022"], [charts.Series("执行率", [95, 123])], band=(90, 110), value_max=130
    )
    assert chart.value_ticks[-1].label == "150"
    scale = charts.Scale(0, 150, chart.bottom, chart.top)
    assert chart.band.y == pytest.approx(scale(110), abs=0.01)
    assert chart.band.y + chart.band.height == pytest.approx(scale(90), abs=0.01)
    assert [bar.css for bar in chart.bars] == ["in-band", "out-band"]


def test_grouped_columns_sit_side_by_side_and_stacked_ones_on_top():
    series = [charts.Series("基本", [60], "s0"), charts.Series("项目", [40], "s1")]
    grouped = charts.column_chart(["2022"], series)
    assert grouped.bars[0].x < grouped.bars[1].x
    stacked = charts.column_chart(["2022"], series, stacked=True, value_max=100)
    base, top = stacked.bars
    assert base.x == top.x
    assert top.y + top.height == pytest.approx(base.y)
    assert [item.label for item in stacked.legend] == ["基本", "项目"]


def test_missing_values_draw_no_bar():
    chart = charts.column_chart(["a", "b"], [charts.Series("n", [None, 3])])
    assert [bar.label for bar in chart.bars] == ["b"]


def test_bar_rows_give_one_row_per_label_and_mark_the_band():
    chart = charts.bar_rows(
        ["甲", "乙", "丙"], [85.0, 100.0, None], band=(90, 110), value_max=130, unit="%"
    )
    assert chart.horizontal
    assert len(chart.category_ticks) == 3
    assert [(bar.label, bar.css, bar.value_label) for bar in chart.bars] == [
        ("甲", "out-band", "85.00%"),
        ("乙", "in-band", "100.00%"),
    ]
    scale = charts.Scale(0, 150, chart.left, chart.right)
    assert chart.band.x == pytest.approx(scale(90), abs=0.01)
    assert chart.bars[1].width > chart.bars[0].width


def test_bar_rows_stretch_past_a_fixed_top_for_an_outlier():
    chart = charts.bar_rows(["甲"], [180.0], value_max=130)
    assert chart.bars[0].x + chart.bars[0].width <= chart.right + 0.01
    assert chart.value_ticks[-1].label == "200"


def test_line_chart_has_a_point_per_value_and_keeps_rules_inside_the_axis():
    chart = charts.line_chart(
        ["2020", "2021", "2022"],
        [charts.Series("总分", [88.5, None, 93])],
        value_min=50,
        value_max=100,
        rules=[(90, "优"), (30, "below the axis")],
    )
    (line,) = chart.lines
    assert len(line.points.split()) == 2
    assert [m.label for m in line.markers] == ["2020", "2022"]
    assert [rule.label for rule in chart.rules] == ["优"]
    assert line.markers[1].y < line.markers[0].y
