"""The house rules of issue 17, read from the code: modules and functions of a readable size,
reports under half of the application code, and the import diagram of docs/architecture.md as
the code has it."""

import ast
import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("app_imports", ROOT / "scripts" / "app_imports.py")
app_imports = importlib.util.module_from_spec(spec)
sys.modules["app_imports"] = app_imports
spec.loader.exec_module(app_imports)

MODULE_LINES = 600
FUNCTION_LINES = 80


def _modules() -> list[Path]:
    return [path for app in app_imports.APPS for path in app_imports.app_files(app)]


def test_every_app_module_is_at_most_600_lines():
    long = {
        str(path.relative_to(ROOT)): lines
        for path in _modules()
        if (lines := path.read_bytes().count(b"\n")) > MODULE_LINES
    }
    assert long == {}


def test_every_function_is_at_most_80_lines():
    long = {}
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = node.end_lineno - node.lineno + 1
                if lines > FUNCTION_LINES:
                    long[f"{path.relative_to(ROOT)}:{node.lineno} {node.name}"] = lines
    assert long == {}


def test_reports_holds_under_half_of_the_application_code():
    counts = app_imports.line_counts()
    assert counts["reports"] * 2 < sum(counts.values()), counts


def test_the_architecture_diagram_is_the_code_s():
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    assert app_imports.mermaid() in text, "re-run: python scripts/app_imports.py"


def test_no_module_imports_itself_around_a_loop():
    assert app_imports.cycles() == []
