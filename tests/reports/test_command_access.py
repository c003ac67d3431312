"""Commands that act as a user (--user) ask perfeval.access, as the site does."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from scoring.models import IndicatorResult
from sheets.export import selfeval_xlsx
from tests.conftest import DEMO_DEPARTMENT

REPORT = ["--department", DEMO_DEPARTMENT, "--year", "2022"]


def test_export_as_a_clerk_of_another_department_finds_no_report(world, tmp_path):
    with pytest.raises(CommandError, match="找不到"):
        call_command(
            "export_selfeval", *REPORT, "-o", str(tmp_path / "a.xlsx"), "--user", "clerk_b"
        )
    assert not (tmp_path / "a.xlsx").exists()
    call_command("export_selfeval", *REPORT, "-o", str(tmp_path / "a.xlsx"), "--user", "clerk")
    assert (tmp_path / "a.xlsx").stat().st_size > 1000


def test_an_auditor_sees_the_summary_of_approved_reports_only(world, users, capsys):
    with pytest.raises(CommandError, match="找不到"):
        call_command("report_summary", *REPORT, "--user", "auditor")
    from tests.steps import approve

    approve(world.report, users)
    call_command("report_summary", *REPORT, "--user", "auditor")
    assert "99.00" in capsys.readouterr().out


def test_import_as_a_reviewer_is_refused_and_saves_nothing(world, tmp_path):
    path = tmp_path / "自评表.xlsx"
    path.write_bytes(selfeval_xlsx(report=world.report))
    before = list(IndicatorResult.objects.order_by("pk").values_list("score", "deviation"))
    with pytest.raises(CommandError, match="您无权修改"):
        call_command("import_selfeval", str(path), *REPORT, "--user", "reviewer")
    assert list(IndicatorResult.objects.order_by("pk").values_list("score", "deviation")) == before
    call_command("import_selfeval", str(path), *REPORT, "--user", "clerk")
