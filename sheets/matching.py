"""Matching a sheet's rows to the report's framework by normalised name: every name not found,
weight that differs and score out of range becomes a problem at its cell."""

from __future__ import annotations

import difflib
from collections import defaultdict
from dataclasses import dataclass

from perfeval.numbers import ZERO, num
from reports.checks import group_checks
from scoring.core import Group, Row
from scoring.models import Framework, Indicator
from scoring.selectors import framework_children

from .cells import TEXT_LIMIT, WARNING, Problem, normalise
from .reading import IndicatorRow, SheetReading


@dataclass
class GroupPlan:
    node: Indicator
    rows: list[tuple[IndicatorRow, Indicator]]
    whole: bool


def _close(name: str, candidates: dict[str, Indicator]) -> list[str]:
    keys = difflib.get_close_matches(normalise(name), list(candidates), n=3, cutoff=0.5)
    return [candidates[key].name for key in keys]


def _unknown(kind: str, name: str, where: str, candidates: dict[str, Indicator]) -> str:
    close = _close(name, candidates)
    hint = f"最接近的是{'、'.join(f'“{n}”' for n in close)}；" if close else ""
    names = "、".join(node.name for node in candidates.values())
    return (
        f"{kind}“{name}”不在{where}：{hint}请改用指标体系中的名称（{names}），"
        "或按表中的指标新建指标体系后导入。"
    )


def match_rows(
    reading: SheetReading, framework: Framework, problems: list[Problem]
) -> list[GroupPlan]:
    """The sheet's rows by the framework's level-2 group they belong to; ``problems`` gets
    every name not found, weight that differs and score out of range."""
    matcher = _Matcher(reading, framework, problems)
    for row in reading.rows:
        matcher.match(row)
    plans = []
    for pk, matched in matcher.grouped.items():
        group = matcher.group_nodes[pk]
        whole = any(row.group_scored for row, _ in matched)
        plans.append(GroupPlan(node=group, rows=matched, whole=whole))
        problems += score_problems(reading, group, matched, whole)
    problems += _missing_warnings(reading, framework, matcher.children, matcher.seen)
    return plans


class _Matcher:
    """One pass over the sheet's rows: a level-1 or level-2 name not found, or its weight
    differing, is reported once for all its rows."""

    def __init__(self, reading: SheetReading, framework: Framework, problems: list[Problem]):
        self.reading, self.framework, self.problems = reading, framework, problems
        self.sheet = reading.sheet
        self.children = framework_children(framework_id=framework.pk)
        self.tops = {normalise(node.name): node for node in self.children[None]}
        self.reported: set = set()
        self.seen: dict[int, int] = {}  # leaf pk → the sheet row it was matched on
        self.grouped: dict[int, list[tuple[IndicatorRow, Indicator]]] = defaultdict(list)
        self.group_nodes: dict[int, Indicator] = {}

    def report_once(self, key, problem: Problem) -> None:
        if key not in self.reported:
            self.reported.add(key)
            self.problems.append(problem)

    def match(self, row: IndicatorRow) -> None:
        top = self.top_of(row)
        group = None if top is None else self.group_of(row, top)
        if group is None:
            return
        leaf = self.leaf_of(row, group)
        if leaf is None:
            return
        self.seen[leaf.pk] = row.row
        self.check_leaf_weight(row, group, leaf)
        for name, label in (("target", "年度指标值"), ("actual", "全年完成值")):
            if len(getattr(row, name)) > TEXT_LIMIT:
                self.problems.append(
                    Problem(
                        f"{label}超过 {TEXT_LIMIT} 字，只导入了前 {TEXT_LIMIT} 字："
                        "请精简后填写，详细说明可写在偏差及原因分析中。",
                        sheet=self.sheet,
                        row=row.row,
                        column=row.columns.get(name, ""),
                        severity=WARNING,
                    )
                )
        self.grouped[group.pk].append((row, leaf))
        self.group_nodes[group.pk] = group

    def top_of(self, row: IndicatorRow) -> Indicator | None:
        k1 = row.key[0]
        top = self.tops.get(k1)
        if top is None:
            message = _unknown("一级指标", row.level1, f"指标体系“{self.framework}”中", self.tops)
            self.report_once(
                ("l1", k1),
                Problem(
                    message, sheet=self.sheet, row=row.level1_row, column=row.columns["level1"]
                ),
            )
        elif row.level1_weight is not None and row.level1_weight != top.weight:
            self.report_once(
                ("w1", k1),
                _weight_problem(
                    self.reading, row, "level1", top, row.level1_weight, row.level1_row
                ),
            )
        return top

    def group_of(self, row: IndicatorRow, top: Indicator) -> Indicator | None:
        k1, k2, _ = row.key
        groups = {normalise(node.name): node for node in self.children[top.pk]}
        group = groups.get(k2)
        if group is None:
            elsewhere = [
                t.name
                for t in self.children[None]
                if any(normalise(g.name) == k2 for g in self.children[t.pk])
            ]
            message = _unknown("二级指标", row.level2, f"一级指标“{top.name}”下", groups)
            if elsewhere:
                message = (
                    f"二级指标“{row.level2}”在指标体系中属于一级指标“{elsewhere[0]}”，"
                    f"不属于“{top.name}”：请把这一行移到“{elsewhere[0]}”下。"
                )
            self.report_once(
                ("l2", k1, k2),
                Problem(
                    message, sheet=self.sheet, row=row.level2_row, column=row.columns["level2"]
                ),
            )
        elif row.level2_weight is not None and row.level2_weight != group.weight:
            self.report_once(
                ("w2", k1, k2),
                _weight_problem(
                    self.reading, row, "level2", group, row.level2_weight, row.level2_row
                ),
            )
        return group

    def leaf_of(self, row: IndicatorRow, group: Indicator) -> Indicator | None:
        leaves = {normalise(node.name): node for node in self.children[group.pk]}
        leaf = leaves.get(row.key[2])
        if leaf is None:
            message = _unknown("三级指标", row.level3, f"二级指标“{group.name}”下", leaves)
        elif leaf.pk in self.seen:
            message = (
                f"三级指标“{group.name} / {leaf.name}”在第 {self.seen[leaf.pk]} 行已经出现过："
                "请删除重复的一行。"
            )
        else:
            return leaf
        self.problems.append(
            Problem(message, sheet=self.sheet, row=row.row, column=row.columns["level3"])
        )
        return None

    def check_leaf_weight(self, row: IndicatorRow, group: Indicator, leaf: Indicator) -> None:
        if row.level3_weight is None or row.level3_weight == leaf.weight:
            return
        single = len(self.children[group.pk]) == 1 and row.level3_weight == group.weight
        if leaf.weight is not None:
            self.problems.append(
                _weight_problem(self.reading, row, "level3", leaf, row.level3_weight, row.row)
            )
        elif not single:
            self.problems.append(
                Problem(
                    f"指标体系没有为三级指标“{leaf.name}”设权重，表中的权重 "
                    f"{num(row.level3_weight)} 未采用。",
                    sheet=self.sheet,
                    row=row.row,
                    column=row.columns["level3_weight"],
                    severity=WARNING,
                )
            )


def _weight_problem(
    reading: SheetReading, row: IndicatorRow, level: str, node: Indicator, weight, at_row: int
) -> Problem:
    names = {"level1": "一级指标", "level2": "二级指标", "level3": "三级指标"}
    return Problem(
        f"{names[level]}“{node.name}”的权重表中为 {num(weight)}，指标体系中为 "
        f"{num(node.weight)}：请改为 {num(node.weight)}，"
        "或按表中的权重新建指标体系后导入。",
        sheet=reading.sheet,
        row=at_row,
        column=row.columns[f"{level}_weight"],
    )


def score_problems(
    reading: SheetReading,
    group: Indicator,
    matched: list[tuple[IndicatorRow, Indicator]],
    whole: bool,
) -> list[Problem]:
    """The scores out of range, as the report's own score checks (reports/checks) find them,
    at the sheet's score cells. Only what the sheet scores is checked: rows left blank are the
    report's to fill later, and a group's total is held only when its rows are each in range."""
    first = matched[0][0]
    if whole:
        if first.score is None:
            return []
        scored = Group(name=group.name, weight=group.weight, group_score=first.score, key="")
    else:
        rows = tuple(
            Row(name=leaf.name, weight=leaf.weight, score=row.score, key=index)
            for index, (row, leaf) in enumerate(matched)
            if row.score is not None
        )
        scored = Group(name=group.name, weight=group.weight, rows=rows, key="")
    out_of_range = [c for c in group_checks(scored) if c.code == "score_out_of_range"]
    by_row = [c for c in out_of_range if c.field.startswith("row-")]
    problems = []
    for check in by_row or out_of_range:
        if check.field.startswith("row-"):
            at, level = matched[int(check.field.removeprefix("row-"))][0], "三级指标"
        else:
            at, level = first, "二级指标"
        problems.append(
            Problem(
                level + check.message,
                sheet=reading.sheet,
                row=at.row,
                column=first.columns["score"],
            )
        )
    return problems


def _missing_warnings(reading, framework, children, seen) -> list[Problem]:
    missing = []
    for top in children[None]:
        for group in children[top.pk]:
            for leaf in children[group.pk]:
                if leaf.pk not in seen:
                    missing.append(f"“{top.name} / {group.name} / {leaf.name}”")
    if not missing:
        return []
    return [
        Problem(
            f"指标体系“{framework}”中有 {len(missing)} 个三级指标不在表中"
            f"（{'、'.join(missing[:8])}{'等' if len(missing) > 8 else ''}）："
            "这些指标未导入，保留报告中原有的内容，请在编辑器中补填。",
            sheet=reading.sheet,
            severity=WARNING,
        )
    ]


def total_warning(reading: SheetReading) -> list[Problem]:
    if reading.total_score is None:
        return []
    total, whole_groups = ZERO, set()
    for row in reading.rows:
        if row.group_scored:
            if row.key[:2] in whole_groups:
                continue
            whole_groups.add(row.key[:2])
        total += row.score or ZERO
    if total == reading.total_score:
        return []
    return [
        Problem(
            f"表中总分为 {num(reading.total_score)}，各项得分之和为 {num(total)}："
            "总分不导入，由系统按各项得分计算，请核对。",
            sheet=reading.sheet,
            row=reading.total_row,
            column=reading.total_column,
            severity=WARNING,
        )
    ]
