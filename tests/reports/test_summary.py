"""report_summary for the reference report gives exactly the published figures."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from reports.selectors import report_summary
from tests.conftest import DEMO_DEPARTMENT

EXPECTED = {
    "department": "浏阳市人大常委会机关",
    "year": 2022,
    "status": "draft",
    "income": {"total": "2575.66", "fiscal_appropriation": "2320.58", "fiscal_share_pct": "90.09"},
    "expenditure": {
        "total": "2575.66",
        "basic": "1961.17",
        "basic_share_pct": "76.14",
        "personnel": "1846.37",
        "personnel_share_pct": "94.14",
        "public_operating": "114.80",
        "public_operating_share_pct": "5.86",
        "project": "614.49",
        "project_share_pct": "23.86",
    },
    "execution": {
        "budget": "2092.38",
        "actual": "2575.66",
        "rate_pct": "123.10",
        "basic_budget": "1382.26",
        "basic_actual": "1961.17",
        "basic_rate_pct": "141.88",
        "project_budget": "710.12",
        "project_actual": "614.49",
        "project_rate_pct": "86.53",
    },
    "three_public": {
        "budget": "10.00",
        "actual": "2.92",
        "rate_pct": "29.20",
        "previous_actual": "5.76",
        "change": "-2.84",
    },
    "indicators": {
        "total_weight": "100.00",
        "total_score": "99.00",
        "level1": [
            {"name": "投入管理", "weight": "30.00", "score": "29.00"},
            {"name": "产出指标", "weight": "25.00", "score": "25.00"},
            {"name": "效益指标", "weight": "45.00", "score": "45.00"},
        ],
    },
}


def _summary_json(capsys) -> dict:
    call_command("report_summary", "--department", DEMO_DEPARTMENT, "--year", "2022", "--json")
    return json.loads(capsys.readouterr().out)


def _figures(expected, actual, path="") -> list[tuple[str, object, object]]:
    """Every leaf of ``expected`` with the value at the same place in ``actual``.

    Later issues add keys to the summary; the published figures must keep their meaning.
    """
    if isinstance(expected, dict):
        return [
            leaf
            for key, value in expected.items()
            for leaf in _figures(
                value, actual.get(key) if isinstance(actual, dict) else None, f"{path}.{key}"
            )
        ]
    if isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), path
        return [
            leaf
            for i, (value, got) in enumerate(zip(expected, actual, strict=True))
            for leaf in _figures(value, got, f"{path}[{i}]")
        ]
    return [(path, expected, actual)]


def test_summary_command_prints_every_published_figure(demo, capsys):
    leaves = _figures(EXPECTED, _summary_json(capsys))
    assert len(leaves) == 40
    wrong = [(path, want, got) for path, want, got in leaves if want != got]
    assert wrong == []


def test_summary_selector_and_command_agree(demo_report, capsys):
    assert _summary_json(capsys) == report_summary(report=demo_report)


def test_summary_readable_text_names_the_figures(demo, capsys):
    call_command("report_summary", "--department", DEMO_DEPARTMENT, "--year", "2022")
    out = capsys.readouterr().out
    assert "状态：草稿" in out
    assert "收入总额 2575.66 万元，其中财政拨款 2320.58 万元，占 90.09%" in out
    assert "自评得分 99.00 / 100.00" in out


def test_summary_of_a_missing_report_says_what_to_check(demo):
    with pytest.raises(CommandError, match="找不到“浏阳市人大常委会机关”2021 年的自评报告"):
        call_command("report_summary", "--department", DEMO_DEPARTMENT, "--year", "2021")
