"""A report's lines and results have one writer each: ``budgets.writers`` and
``scoring.writers`` (with their shared mechanics, ``perfeval.owned``).

The scan reads every module of the application and the benchmarks (migrations and tests
aside) and finds any write of those models elsewhere: a queryset or related-manager write,
a bulk history write or ``record_sync`` naming one, or ``save()``/``delete()`` on a row that
was built or read as one.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = (
    "perfeval",
    "departments",
    "budgets",
    "scoring",
    "reports",
    "dashboard",
    "sheets",
    "projects",
    "bench",
)
WRITERS = {"budgets/writers.py", "scoring/writers.py", "projects/writers.py", "perfeval/owned.py"}

MODELS = {"IncomeLine", "ExpenditureLine", "ThreePublicLine", "Project", "IndicatorResult"}
MODELS |= {"GroupResult", "ProjectAssessment", "ProjectIndicator"}
# Related managers that reach those rows from a report or an indicator.
RELATED = {"income_lines", "expenditure_lines", "three_public_lines", "projects"}
RELATED |= {"indicator_results", "group_results", "results"}
RELATED |= {"project_assessments", "project_indicators", "assessment", "assessments"}
QUERYSET_WRITES = {"create", "bulk_create", "bulk_update", "update", "delete"}
QUERYSET_WRITES |= {"get_or_create", "update_or_create", "add", "set", "clear", "remove"}
ROW_WRITES = {"save", "delete"}
HELPERS = {"bulk_create_with_history", "bulk_update_with_history", "record_sync"}


def _root(node: ast.AST) -> ast.AST:
    """The start of a chain such as ``Model.objects.filter(...).update``."""
    while isinstance(node, (ast.Attribute, ast.Call, ast.Subscript)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node


def _names_in_chain(node: ast.AST) -> set[str]:
    names = set()
    while isinstance(node, (ast.Attribute, ast.Call, ast.Subscript)):
        if isinstance(node, ast.Attribute):
            names.add(node.attr)
        node = node.func if isinstance(node, ast.Call) else node.value
    if isinstance(node, ast.Name):
        names.add(node.id)
    return names


def _yields_rows(node: ast.AST) -> bool:
    """An expression that gives rows of the models: ``Model(...)``, a queryset or manager."""
    names = _names_in_chain(node)
    root = _root(node)
    return bool(
        (isinstance(root, ast.Name) and root.id in MODELS)
        or (names & RELATED and "objects" not in names)
    )


class Finder(ast.NodeVisitor):
    def __init__(self):
        self.found: list[tuple[int, str]] = []
        self.rows: set[str] = set()  # names bound to rows of the models

    def _bind(self, target: ast.AST, value: ast.AST) -> None:
        if isinstance(target, ast.Name) and _yields_rows(value):
            self.rows.add(target.id)

    def visit_Assign(self, node):
        for target in node.targets:
            self._bind(target, node.value)
        self.generic_visit(node)

    def visit_For(self, node):
        self._bind(node.target, node.iter)
        self.generic_visit(node)

    def visit_comprehension(self, node):
        self._bind(node.target, node.iter)
        self.generic_visit(node)

    def visit_Call(self, node):
        func = node.func
        if isinstance(func, ast.Name) and func.id in HELPERS:
            named = {n.id for arg in node.args for n in ast.walk(arg) if isinstance(n, ast.Name)}
            if named & MODELS:
                self.found.append((node.lineno, func.id))
        if isinstance(func, ast.Attribute):
            chain = _names_in_chain(func.value)
            root = _root(func.value)
            if func.attr in QUERYSET_WRITES and (
                (isinstance(root, ast.Name) and root.id in MODELS and "objects" in chain)
                or chain & RELATED
            ):
                self.found.append((node.lineno, ast.unparse(func)))
            elif (
                func.attr in ROW_WRITES
                and isinstance(func.value, ast.Name)
                and func.value.id in self.rows
            ):
                self.found.append((node.lineno, ast.unparse(func)))
        self.generic_visit(node)


def writes_in(source: str) -> list[tuple[int, str]]:
    finder = Finder()
    finder.visit(ast.parse(source))
    return finder.found


def modules():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" not in relative and relative not in WRITERS:
                yield relative, path


def test_no_module_but_the_two_writers_writes_lines_or_results():
    found = [
        f"{relative}:{line}: {what}"
        for relative, path in modules()
        for line, what in writes_in(path.read_text(encoding="utf-8"))
    ]
    assert found == []


@pytest.mark.parametrize(
    "source",
    [
        "IndicatorResult.objects.filter(report=r).delete()",
        "GroupResult.objects.bulk_create(rows)",
        "report.income_lines.create(actual=1)",
        "report.indicator_results.filter(x=1).update(score=None)",
        "bulk_create_with_history(rows, IndicatorResult)",
        "record_sync(Project, lookup={}, values={})",
        "line = ExpenditureLine(report=r)\nline.save()",
        "for row in ThreePublicLine.objects.filter(report=r):\n    row.delete()",
        "for r in report.projects.all():\n    r.save()",
        "x = [l for l in IncomeLine.objects.all()]\nfor line in report.income_lines.all():\n"
        "    line.save(update_fields=['actual'])",
    ],
)
def test_the_scan_finds_each_kind_of_write(source):
    assert writes_in(source), source


def test_the_scan_leaves_reads_and_other_models_alone():
    source = (
        "IndicatorResult.objects.filter(report=r).count()\n"
        "report.save()\n"
        "Report.objects.filter(pk=1).update(status='x')\n"
        "for line in report.income_lines.all():\n    total += line.actual\n"
    )
    assert writes_in(source) == []
