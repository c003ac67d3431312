"""A new framework version from a sheet's own indicators and weights, checked by the weight
rules; or the existing version of that name with exactly the same tree."""

from __future__ import annotations

from decimal import Decimal

from perfeval.numbers import num
from reports.models import Report
from scoring import rules
from scoring.models import Framework, Indicator
from scoring.selectors import framework_children
from scoring.services import framework_load

from .cells import TEXT_LIMIT, Problem, normalise
from .reading import SheetReading


def _weight_text(weight: Decimal | None) -> str | None:
    return None if weight is None else num(weight)


def sheet_tree(reading: SheetReading) -> tuple[list[dict], list[Problem]]:
    """The sheet's indicators as ``framework_load`` reads them, checked by the weight rules."""
    problems = _long_names(reading)
    tree: list[dict] = []
    level1: dict[str, dict] = {}
    level2: dict[tuple[str, str], dict] = {}
    cells: dict[str, tuple[int, str]] = {}  # node name → the cell of its weight
    for row in reading.rows:
        k1, k2, k3 = row.key
        if k1 not in level1:
            level1[k1] = {
                "name": row.level1,
                "weight": _weight_text(row.level1_weight),
                "children": [],
            }
            tree.append(level1[k1])
            cells.setdefault(row.level1, (row.level1_row, row.columns["level1_weight"]))
        if (k1, k2) not in level2:
            level2[(k1, k2)] = {
                "name": row.level2,
                "weight": _weight_text(row.level2_weight),
                "children": [],
            }
            level1[k1]["children"].append(level2[(k1, k2)])
            cells.setdefault(row.level2, (row.level2_row, row.columns["level2_weight"]))
        siblings = level2[(k1, k2)]["children"]
        if any(normalise(child["name"]) == k3 for child in siblings):
            problems.append(
                Problem(
                    f"二级指标“{row.level2}”下三级指标“{row.level3}”出现了两次：请删除重复的一行。",
                    sheet=reading.sheet,
                    row=row.row,
                    column=row.columns["level3"],
                )
            )
            continue
        siblings.append({"name": row.level3, "weight": _weight_text(row.level3_weight)})
        cells.setdefault(row.level3, (row.row, row.columns["level3_weight"]))
    return tree, problems + _weight_problems(reading, tree, cells)


def _long_names(reading: SheetReading) -> list[Problem]:
    """Names longer than an indicator's name may be, each reported once where it stands."""
    problems: list[Problem] = []
    reported: set[tuple[str, str]] = set()
    for row in reading.rows:
        for level in ("level1", "level2", "level3"):
            name, column = getattr(row, level), row.columns[level]
            if len(name) > TEXT_LIMIT and (name, column) not in reported:
                reported.add((name, column))
                message = f"指标名称“{name[:20]}…”超过 {TEXT_LIMIT} 字：请精简指标名称。"
                problems.append(Problem(message, reading.sheet, row.row, column))
    return problems


def _weight_problems(
    reading: SheetReading, tree: list[dict], cells: dict[str, tuple[int, str]]
) -> list[Problem]:
    """The weight rules' errors on the tree, each at the weight cell of the node it names."""
    problems: list[Problem] = []
    nodes, counter = [], iter(range(1, 100000))

    def add(node: dict, parent_key) -> None:
        key = next(counter)
        weight = Decimal(node["weight"]) if node.get("weight") is not None else None
        nodes.append(rules.NodeSpec(key, parent_key, node["name"], weight))
        for child in node.get("children", []):
            add(child, key)

    for node in tree:
        add(node, None)
    first = reading.rows[0] if reading.rows else None
    for message in rules.framework_weight_errors(nodes):
        row, column = (first.level1_row, first.columns["level1_weight"]) if first else (None, "")
        for name, cell in cells.items():
            if message.startswith(f"“{name}”"):
                row, column = cell
                break
        problems.append(
            Problem(
                f"{message}（按表中的指标新建指标体系时，权重必须符合规则）",
                sheet=reading.sheet,
                row=row,
                column=column,
            )
        )
    return problems


def _tree_of(framework: Framework) -> tuple:
    children = framework_children(framework_id=framework.pk)

    def shape(node: Indicator) -> tuple:
        return (node.name, node.weight, tuple(shape(child) for child in children[node.pk]))

    return tuple(shape(node) for node in children[None])


def _tree_shape(tree: list[dict]) -> tuple:
    def shape(node: dict) -> tuple:
        weight = Decimal(node["weight"]) if node.get("weight") is not None else None
        return (node["name"], weight, tuple(shape(c) for c in node.get("children", [])))

    return tuple(shape(node) for node in tree)


def framework_for_sheet(name: str, report: Report, tree: list[dict]) -> tuple[Framework, bool]:
    """An existing version of ``name`` with exactly this tree, or a new version of it."""
    shape = _tree_shape(tree)
    versions = list(Framework.objects.filter(name=name))
    for framework in versions:
        if _tree_of(framework) == shape:
            return framework, False
    taken = {framework.version for framework in versions}
    version = str(report.year)
    number = 2
    while version in taken:
        version, number = f"{report.year}-{number}", number + 1
    framework = framework_load(
        data={
            "name": name,
            "version": version,
            "description": (
                f"由 {report.department.name} {report.year} 年自评表（Excel）"
                "按表中的指标和权重生成。"
            ),
            "indicators": tree,
        }
    )
    return framework, True
