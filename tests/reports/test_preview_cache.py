"""Draft previews are kept until the report changes: a repeated preview is read from storage."""

import pytest
from django.core.files.storage import default_storage

from budgets.models import IncomeLine, Project
from budgets.writers import lines_sync
from reports import archive
from reports.models import Download, OfficialPdf
from reports.workflow import transition_apply
from scoring.models import IndicatorResult
from scoring.services import framework_load, standard_framework_data
from scoring.writers import results_write


@pytest.fixture
def renders(monkeypatch):
    """Every preview render, counted; each gives different bytes (the real render is slow)."""
    made = []

    def render(*, report, watermark=""):
        made.append((report.pk, watermark))
        return f"%PDF-fake {len(made)} {watermark}".encode()

    monkeypatch.setattr(archive, "render_report_pdf", render)
    return made


def preview(client, report) -> bytes:
    response = client.get(f"/reports/{report.pk}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return response.content


def stored_previews(report) -> list[str]:
    folder = f"{archive.PREVIEWS}/{report.pk}"
    return default_storage.listdir(folder)[1] if default_storage.exists(folder) else []


@pytest.mark.pdf
def test_a_repeated_preview_of_an_unchanged_draft_is_not_rendered_again(
    demo_report, users, client_for, monkeypatch
):
    clerk = client_for("clerk")
    first = preview(clerk, demo_report)  # the real render
    assert first.startswith(b"%PDF-")

    def no_rendering(**kwargs):
        raise AssertionError("rendered again")

    monkeypatch.setattr(archive, "render_report_pdf", no_rendering)
    assert preview(clerk, demo_report) == first
    assert preview(client_for("reviewer"), demo_report) == first
    assert len(stored_previews(demo_report)) == 1
    # Every download is still recorded, whoever made it and from wherever it came.
    logged = Download.objects.filter(kind=Download.Kind.PREVIEW).order_by("pk")
    assert [d.user.username for d in logged] == ["clerk", "clerk", "reviewer"]
    assert not OfficialPdf.objects.exists()


def _narrative(report, users):
    report.functions = "改写后的部门职能概述。"
    report.save()


def _income_line(report, users):
    line = IncomeLine.objects.filter(report=report).order_by("pk").first()
    fields = [
        f.name
        for f in IncomeLine._meta.concrete_fields
        if f.editable and not f.primary_key and f.name != "report"
    ]
    rows = [
        {name: getattr(other, name) for name in fields}
        for other in IncomeLine.objects.filter(report=report).order_by("pk")
    ]
    rows[0]["actual"] = line.actual + 1
    lines_sync(report=report, model=IncomeLine, rows=rows, user=users["clerk"])


def _project_added(report, users):
    fields = [
        f.name
        for f in Project._meta.concrete_fields
        if f.editable and not f.primary_key and f.name != "report"
    ]
    rows = [
        {name: getattr(project, name) for name in fields}
        for project in Project.objects.filter(report=report)
    ]
    rows.append({"name": "新增项目", "budget": 10, "actual": 9})
    lines_sync(report=report, model=Project, rows=rows, user=users["clerk"])


def _result(report, users):
    result = IndicatorResult.objects.filter(report=report).order_by("pk").first()
    results_write(
        report=report,
        rows={result.indicator_id: {"deviation": "新写的偏差原因。"}},
        user=users["clerk"],
    )


def _framework(report, users):
    data = standard_framework_data()
    data["version"] = f"{data['version']}-修订"
    report.framework = framework_load(data=data)
    report.save()


def _department(report, users):
    report.department.name = "浏阳市人大常委会机关（更名）"
    report.department.save()


def _submitted(report, users):
    transition_apply(report=report, user=users["clerk"], action="submit")


@pytest.mark.parametrize(
    "change",
    [_narrative, _income_line, _project_added, _result, _framework, _department, _submitted],
)
def test_a_change_to_the_report_makes_a_new_preview_and_only_the_newest_is_kept(
    demo_report, users, client_for, renders, change
):
    clerk = client_for("clerk")
    before = preview(clerk, demo_report)
    assert preview(clerk, demo_report) == before
    assert len(renders) == 1

    change(demo_report, users)
    after = preview(clerk, demo_report)
    assert len(renders) == 2
    assert after != before
    assert preview(clerk, demo_report) == after  # and kept in its turn
    assert len(renders) == 2
    assert len(stored_previews(demo_report)) == 1


def test_the_watermark_follows_the_status(demo_report, users, client_for, renders):
    preview(client_for("clerk"), demo_report)
    transition_apply(report=demo_report, user=users["clerk"], action="submit")
    assert preview(client_for("reviewer"), demo_report).endswith("待审核".encode())
    assert [watermark for _, watermark in renders] == ["草稿", "待审核"]


def test_a_save_that_changes_nothing_keeps_the_preview(demo_report, users, client_for, renders):
    clerk = client_for("clerk")
    preview(clerk, demo_report)
    demo_report.save()  # a form saved as it was: only the time it was saved changes
    preview(clerk, demo_report)
    assert len(renders) == 1


def test_an_edited_print_template_makes_a_new_preview(
    demo_report, client_for, renders, monkeypatch
):
    clerk = client_for("clerk")
    preview(clerk, demo_report)
    real = archive._preview_templates_digest
    monkeypatch.setattr(archive, "_preview_templates_digest", lambda: real() + b"edited")
    preview(clerk, demo_report)
    assert len(renders) == 2
