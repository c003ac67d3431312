"""Geometry of the dashboard's SVG charts: scales, ticks, bars, lines and the 90–110% band.

Pure arithmetic over plain numbers (no Django): the views hand in labels and values, the
templates draw the shapes these functions place. Coordinates are SVG user units, y downwards.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from perfeval.numbers import axis_text as tick_label

Number = float | int


@dataclass(frozen=True)
class Scale:
    """A linear map from a value domain [lo, hi] to a pixel range [start, end]."""

    lo: float
    hi: float
    start: float
    end: float

    def __call__(self, value: Number) -> float:
        if self.hi == self.lo:
            return self.start
        clamped = min(max(float(value), self.lo), self.hi)
        return self.start + (clamped - self.lo) / (self.hi - self.lo) * (self.end - self.start)


def nice_step(span: float, count: int = 5, *, whole: bool = False) -> float:
    """A round step (1, 2, 2.5 or 5 × 10ⁿ) that cuts ``span`` into about ``count`` parts.

    ``whole`` for counts: steps of at least 1 and never 2.5.
    """
    if span <= 0:
        return 1.0
    raw = span / max(count, 1)
    if whole and raw <= 1:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10) if whole else (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def nice_ticks(lo: float, hi: float, count: int = 5, *, whole: bool = False) -> list[float]:
    """Round tick values from at or below ``lo`` to at or above ``hi``."""
    if hi < lo:
        lo, hi = hi, lo
    if hi == lo:
        hi = lo + 1
    step = nice_step(hi - lo, count, whole=whole)
    first = math.floor(lo / step) * step
    ticks = [round(first, 10)]
    while ticks[-1] < hi - step * 1e-9:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


@dataclass(frozen=True)
class Tick:
    pos: float
    label: str


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    label: str = ""
    # A text for the shape's tooltip and for anyone reading the SVG source.
    title: str = ""
    css: str = ""
    value_label: str = ""
    value_x: float = 0.0
    value_y: float = 0.0


@dataclass(frozen=True)
class Line:
    points: str
    css: str = ""
    label: str = ""
    markers: tuple[Rect, ...] = ()


@dataclass(frozen=True)
class Rule:
    """A reference line across the plot (a grade threshold, 100%)."""

    x1: float
    y1: float
    x2: float
    y2: float
    label: str = ""
    css: str = ""


@dataclass(frozen=True)
class LegendItem:
    label: str
    css: str


@dataclass(frozen=True)
class Chart:
    """Everything a template needs to draw one chart."""

    width: float
    height: float
    left: float
    top: float
    right: float
    bottom: float
    value_ticks: tuple[Tick, ...] = ()
    category_ticks: tuple[Tick, ...] = ()
    horizontal: bool = False
    bars: tuple[Rect, ...] = ()
    lines: tuple[Line, ...] = ()
    rules: tuple[Rule, ...] = ()
    band: Rect | None = None
    legend: tuple[LegendItem, ...] = field(default_factory=tuple)

    @property
    def plot_width(self) -> float:
        return self.right - self.left

    @property
    def plot_height(self) -> float:
        return self.bottom - self.top

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width:g} {self.height:g}"


@dataclass(frozen=True)
class Series:
    """One set of values over the chart's categories; None draws nothing."""

    name: str
    values: Sequence[Number | None]
    css: str = ""


def _value_domain(
    values: Sequence[float], lo: float | None, hi: float | None, count: int, whole: bool = False
):
    present = [v for v in values if v is not None]
    low = min([0.0, *present]) if lo is None else lo
    # A fixed top (130% for rates) still stretches to show a bar beyond it.
    high = max([*present, low + 1 if hi is None else hi])
    ticks = nice_ticks(low, high, count, whole=whole)
    return ticks[0], ticks[-1], ticks


def _band_class(value: float, band: tuple[float, float] | None) -> str:
    if band is None:
        return ""
    return "in-band" if band[0] <= value <= band[1] else "out-band"


def column_chart(
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    width: float = 640,
    height: float = 260,
    stacked: bool = False,
    band: tuple[float, float] | None = None,
    value_min: float | None = None,
    value_max: float | None = None,
    unit: str = "",
    rules: Sequence[tuple[float, str]] = (),
    value_format=tick_label,
    whole: bool = False,
) -> Chart:
    """Vertical bars per category: side by side for several series, or stacked.

    A stacked column is labelled once, with its total; ``whole`` is for counts.
    """
    left, right, top, bottom = 56.0, width - 12.0, 16.0, height - 40.0
    if stacked:
        totals = [sum(float(s.values[i] or 0) for s in series) for i in range(len(categories))]
        lo, hi, ticks = _value_domain(totals, value_min, value_max, 5, whole)
    else:
        flat = [float(v) for s in series for v in s.values if v is not None]
        lo, hi, ticks = _value_domain(flat, value_min, value_max, 5, whole)
    y = Scale(lo, hi, bottom, top)
    slot = (right - left) / max(len(categories), 1)
    columns = _Columns(y, slot, left, stacked, band, unit, value_format, series)
    bars = [bar for i, category in enumerate(categories) for bar in columns.bars(i, category)]
    band_rect = None
    if band is not None:
        band_top, band_bottom = y(band[1]), y(band[0])
        band_rect = Rect(
            left,
            round(band_top, 2),
            round(right - left, 2),
            round(band_bottom - band_top, 2),
            label=f"{tick_label(band[0])}–{tick_label(band[1])}{unit}",
        )
    return _upright_chart(
        (width, height, left, top, right, bottom),
        y,
        ticks,
        unit,
        tuple(Tick(round(left + (i + 0.5) * slot, 2), c) for i, c in enumerate(categories)),
        series,
        rules,
        bars=tuple(bars),
        band=band_rect,
    )


@dataclass(frozen=True)
class _Columns:
    """How one category's bars stand in a column chart."""

    y: Scale
    slot: float
    left: float
    stacked: bool
    band: tuple[float, float] | None
    unit: str
    value_format: Callable[[float, str], str]
    series: Sequence[Series]

    def bars(self, i: int, category: str) -> list[Rect]:
        gap = self.slot * 0.2
        bar_width = (self.slot - gap) / (1 if self.stacked else max(len(self.series), 1))
        x0 = self.left + i * self.slot + gap / 2
        base, bars, fmt = 0.0, [], self.value_format
        last = max((k for k, s in enumerate(self.series) if s.values[i] is not None), default=-1)
        for k, s in enumerate(self.series):
            raw = s.values[i]
            if raw is None:
                continue
            value = float(raw)
            if self.stacked:
                shown = fmt(base + value, self.unit) if k == last else ""
                y_top, y_bottom, x = self.y(base + value), self.y(base), x0
                base += value
            else:
                shown = fmt(value, self.unit)
                y_top, y_bottom = self.y(max(value, 0)), self.y(min(value, 0))
                x = x0 + k * bar_width
            bars.append(
                Rect(
                    x=round(x, 2),
                    y=round(y_top, 2),
                    width=round(bar_width, 2),
                    height=round(max(y_bottom - y_top, 0.5), 2),
                    label=category,
                    title=f"{category} {s.name} {fmt(value, self.unit)}".replace("  ", " "),
                    css=" ".join(c for c in (s.css, _band_class(value, self.band)) if c),
                    value_label=shown,
                    value_x=round(x + bar_width / 2, 2),
                    value_y=round(y_top - 3, 2),
                )
            )
        return bars


def _upright_chart(
    frame: tuple[float, float, float, float, float, float],
    y: Scale,
    ticks: Sequence[float],
    unit: str,
    category_ticks: tuple[Tick, ...],
    series: Sequence[Series],
    rules: Sequence[tuple[float, str]],
    **shapes,
) -> Chart:
    """A chart with values up the side and categories along the bottom (columns, lines):
    ``frame`` is (width, height, left, top, right, bottom)."""
    width, height, left, top, right, bottom = frame
    return Chart(
        width=width,
        height=height,
        left=left,
        top=top,
        right=right,
        bottom=bottom,
        value_ticks=tuple(Tick(round(y(t), 2), tick_label(t, unit)) for t in ticks),
        category_ticks=category_ticks,
        rules=tuple(
            Rule(left, round(y(v), 2), right, round(y(v), 2), label, "rule") for v, label in rules
        ),
        legend=tuple(LegendItem(s.name, s.css) for s in series) if len(series) > 1 else (),
        **shapes,
    )


def bar_rows(
    labels: Sequence[str],
    values: Sequence[Number | None],
    *,
    width: float = 640,
    row_height: float = 18,
    label_width: float = 150,
    band: tuple[float, float] | None = None,
    value_max: float | None = None,
    unit: str = "",
) -> Chart:
    """Horizontal bars, one row per label (long lists: every department, every region)."""
    top, bottom_margin = 8.0, 26.0
    height = top + row_height * max(len(labels), 1) + bottom_margin
    left, right = label_width, width - 56.0
    present = [float(v) for v in values if v is not None]
    _, hi, ticks = _value_domain(present, 0.0, value_max, 6)
    x = Scale(0.0, hi, left, right)
    bars = []
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        if value is None:
            continue
        value = float(value)
        y0 = top + i * row_height
        end = x(value)
        bars.append(
            Rect(
                x=left,
                y=round(y0 + row_height * 0.15, 2),
                width=round(max(end - left, 0.5), 2),
                height=round(row_height * 0.7, 2),
                label=label,
                title=f"{label} {tick_label(value, unit)}",
                css=_band_class(value, band),
                value_label=f"{value:.2f}{unit}",
                value_x=round(end + 4, 2),
                value_y=round(y0 + row_height * 0.72, 2),
            )
        )
    bottom = top + row_height * max(len(labels), 1)
    band_rect = None
    if band is not None:
        band_rect = Rect(
            round(x(band[0]), 2),
            top,
            round(x(band[1]) - x(band[0]), 2),
            round(bottom - top, 2),
            label=f"{tick_label(band[0])}–{tick_label(band[1])}{unit}",
        )
    return Chart(
        width=width,
        height=height,
        left=left,
        top=top,
        right=right,
        bottom=bottom,
        horizontal=True,
        value_ticks=tuple(Tick(round(x(t), 2), tick_label(t, unit)) for t in ticks),
        category_ticks=tuple(
            Tick(round(top + (i + 0.5) * row_height, 2), label) for i, label in enumerate(labels)
        ),
        bars=tuple(bars),
        band=band_rect,
    )


def line_chart(
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    width: float = 640,
    height: float = 240,
    value_min: float | None = None,
    value_max: float | None = None,
    unit: str = "",
    rules: Sequence[tuple[float, str]] = (),
) -> Chart:
    """Lines over categories (years), with a marker at every value."""
    left, right, top, bottom = 56.0, width - 16.0, 16.0, height - 40.0
    flat = [float(v) for s in series for v in s.values if v is not None]
    lo, hi, ticks = _value_domain(flat, value_min, value_max, 5)
    y = Scale(lo, hi, bottom, top)
    slot = (right - left) / max(len(categories), 1)

    def x(i: int) -> float:
        return left + (i + 0.5) * slot

    lines = []
    for s in series:
        points = [
            (round(x(i), 2), round(y(float(v)), 2), categories[i], float(v))
            for i, v in enumerate(s.values)
            if v is not None
        ]
        lines.append(
            Line(
                points=" ".join(f"{px:g},{py:g}" for px, py, _, _ in points),
                css=s.css,
                label=s.name,
                markers=tuple(
                    Rect(
                        px,
                        py,
                        0,
                        0,
                        label=category,
                        title=f"{category} {s.name} {tick_label(value, unit)}",
                        value_label=tick_label(value, unit),
                        value_x=px,
                        value_y=round(py - 8, 2),
                    )
                    for px, py, category, value in points
                ),
            )
        )
    return _upright_chart(
        (width, height, left, top, right, bottom),
        y,
        ticks,
        unit,
        tuple(Tick(round(x(i), 2), c) for i, c in enumerate(categories)),
        series,
        # A line chart's value axis is fitted to its lines: a rule off it is left out.
        [(v, label) for v, label in rules if lo <= v <= hi],
        lines=tuple(lines),
    )
