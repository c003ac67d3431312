"""Which app imports which: read from the code, printed as the Mermaid diagram that
docs/architecture.md shows (tests/test_house.py holds the two the same).

``python scripts/app_imports.py`` prints the diagram; ``--lines`` prints each package's size.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = (
    "perfeval",
    "departments",
    "budgets",
    "scoring",
    "reports",
    "dashboard",
    "sheets",
    "targets",
    "monitoring",
    "followup",
    "deadlines",
    "projects",
    "publishing",
)


def app_files(app: str) -> list[Path]:
    """The app's Python code: migrations are generated, tests live in tests/."""
    return sorted(p for p in (ROOT / app).rglob("*.py") if "migrations" not in p.parts)


def line_counts() -> dict[str, int]:
    """Lines per app, as ``wc -l`` counts them."""
    return {app: sum(p.read_bytes().count(b"\n") for p in app_files(app)) for app in APPS}


def _imported(tree: ast.AST, package: str) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: stays inside the package
                names.add(package)
            elif node.module:
                names.add(node.module.split(".")[0])
    return names


def edges() -> set[tuple[str, str]]:
    """(importer, imported) for every import of one app by another."""
    found = set()
    for app in APPS:
        for path in app_files(app):
            for name in _imported(ast.parse(path.read_text(encoding="utf-8")), app):
                if name in APPS and name != app:
                    found.add((app, name))
    return found


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def module_graph() -> dict[str, set[str]]:
    """Module → the modules it imports at load time (top-level imports only)."""
    paths = {_module_name(p): p for app in APPS for p in app_files(app)}
    graph: dict[str, set[str]] = {name: set() for name in paths}
    for name, path in paths.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*up, *([node.module] if node.module else [])])
                wanted = [base, *(f"{base}.{alias.name}" for alias in node.names)]
            elif isinstance(node, ast.Import):
                wanted = [alias.name for alias in node.names]
            else:
                continue
            for target in wanted:
                while target and target not in paths:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph[name].add(target)
    return graph


def cycles() -> list[list[str]]:
    """Groups of modules that import each other, directly or around a loop (Tarjan)."""
    graph, order, low, stack, found = module_graph(), {}, {}, [], []

    def visit(node: str) -> None:
        order[node] = low[node] = len(order)
        stack.append(node)
        for nxt in graph[node]:
            if nxt not in order:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], order[nxt])
        if low[node] == order[node]:
            group = []
            while not group or group[-1] != node:
                group.append(stack.pop())
            if len(group) > 1:
                found.append(sorted(group))

    for node in graph:
        if node not in order:
            visit(node)
    return found


def mermaid() -> str:
    lines = ["```mermaid", "flowchart TD"]
    lines += [f"    {a} --> {b}" for a, b in sorted(edges())]
    lines.append("```")
    return "\n".join(lines)


if __name__ == "__main__":
    if "--lines" in sys.argv:
        counts = line_counts()
        total = sum(counts.values())
        for app, count in counts.items():
            print(f"{app:12} {count:6} {count / total:6.1%}")
        print(f"{'total':12} {total:6}")
    else:
        print(mermaid())
