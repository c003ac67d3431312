"""Free text has limits (perfeval/limits.py), refused with a message in the editor, the admin
and the workflow, and saved in full up to them."""

import pytest
from django.urls import reverse

from perfeval.limits import COMMENT_MAX_CHARS, NARRATIVE_MAX_CHARS, ROW_TEXT_MAX_CHARS
from reports.models import Report
from reports.workflow import TransitionRefused, transition_apply
from scoring.models import IndicatorResult
from tests.reports.test_editor import edit_url, form_data

TOO_LONG = "内容过长：最多"


def test_a_narrative_section_takes_text_up_to_its_limit(client_for, demo_report):
    clerk = client_for("clerk")
    data = form_data(clerk.get(edit_url(demo_report, "assets")))
    data["asset_management"] = "资" * NARRATIVE_MAX_CHARS
    response = clerk.post(edit_url(demo_report, "assets"), data)
    assert response.status_code == 302
    assert len(Report.objects.get().asset_management) == NARRATIVE_MAX_CHARS


def test_a_narrative_section_over_its_limit_is_refused_and_kept_on_the_page(
    client_for, demo_report
):
    clerk = client_for("clerk")
    before = Report.objects.get().asset_management
    data = form_data(clerk.get(edit_url(demo_report, "assets")))
    data["asset_management"] = "资" * (NARRATIVE_MAX_CHARS + 1)
    page = clerk.post(edit_url(demo_report, "assets"), data)
    html = page.content.decode()
    assert page.status_code == 200
    assert f"{TOO_LONG} 20,000 字，现有 20,001 字" in html
    assert "资" * 100 in html  # the clerk's text is still in the form
    assert Report.objects.get().asset_management == before


def test_a_deviation_over_its_limit_is_refused_in_the_grid(client_for, demo_report):
    clerk = client_for("clerk")
    data = form_data(clerk.get(edit_url(demo_report, "scores")))
    key = min(k for k in data if k.endswith("_deviation") and k.startswith("r"))
    before = IndicatorResult.objects.get(report=demo_report, indicator_id=int(key[1:-10]))
    data[key] = "偏" * (ROW_TEXT_MAX_CHARS + 1)
    page = clerk.post(edit_url(demo_report, "scores"), data)
    assert page.status_code == 200
    assert f"{TOO_LONG} 2,000 字，现有 2,001 字" in page.content.decode()
    assert IndicatorResult.objects.get(pk=before.pk).deviation == before.deviation


def test_the_admin_refuses_a_narrative_over_its_limit(admin_client_demo, demo_report):
    url = reverse("admin:reports_report_change", args=[demo_report.pk])
    page = admin_client_demo.get(url)
    assert page.status_code == 200
    response = admin_client_demo.post(
        reverse("admin:budgets_project_add"),
        {
            "report": demo_report.pk,
            "name": "超长项目",
            "fund_source": "fiscal",
            "budget": "1",
            "actual": "1",
            "achievement": "成" * (NARRATIVE_MAX_CHARS + 1),
            "order": "0",
        },
    )
    assert response.status_code == 200
    assert TOO_LONG in response.content.decode()
    assert not demo_report.projects.exists()


def test_a_comment_over_its_limit_is_refused_by_the_workflow(users, demo_report):
    transition_apply(report=demo_report, user=users["clerk"], action="submit")
    with pytest.raises(TransitionRefused, match=TOO_LONG):
        transition_apply(
            report=demo_report,
            user=users["reviewer"],
            action="return",
            comment="改" * (COMMENT_MAX_CHARS + 1),
        )
    assert Report.objects.get().status == Report.Status.SUBMITTED
