"""Submitting is confirmed and reversible: the confirmation shows the total, the grade and
the checks; a clerk withdraws (撤回) until a reviewer opens the report; messages speak of
the report's state, not of a permission; the editor's tabs say what each section lacks."""

import pytest
from django.urls import reverse

from reports.editor import SECTIONS
from reports.models import Report, ReportTransition, ReviewOpening
from reports.services import report_create
from reports.workflow import (
    TransitionRefused,
    available_actions,
    review_opened,
    transition_apply,
)

Status = Report.Status


def post(client, report, **data):
    return client.post(reverse("report_transition", args=[report.pk]), data, follow=True)


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_confirmation_shows_total_grade_warnings_and_a_note(client_for, demo_report):
    html = page(client_for("clerk"), f"/reports/{demo_report.pk}/edit/assets/")
    assert 'id="submit-dialog"' in html
    assert "总分 <strong>99</strong>，等级 <strong>优</strong>" in html
    assert "5 个提醒（不影响提交，审核人也会看到）" in html
    assert 'name="comment"' in html and "给审核人的说明（可不填）" in html
    # Sent back to the page it was submitted from, not to section 1.
    assert '<input type="hidden" name="section" value="assets">' in html
    assert 'id="submit-confirm">确认提交</button>' in html


def test_a_note_to_the_reviewer_is_kept_with_the_submission(client_for, demo_report):
    response = post(client_for("clerk"), demo_report, action="submit", comment="请重点看三公经费。")
    assert "已提交，等待审核：审核人打开之前，您可以在报告页面撤回后再修改。" in (
        response.content.decode()
    )
    log = ReportTransition.objects.get(report=demo_report, action="submit")
    assert log.comment == "请重点看三公经费。"


def test_a_report_with_errors_cannot_be_confirmed_and_a_refusal_returns_to_its_page(
    client_for, demo
):
    blank = report_create(department=demo.report.department, year=2023)
    clerk = client_for("clerk")
    html = page(clerk, f"/reports/{blank.pk}/edit/problems/")
    assert 'id="submit-confirm" disabled' in html
    assert "改正后才能提交" in html
    response = post(clerk, blank, action="submit", section="problems")
    assert response.redirect_chain[-1][0] == f"/reports/{blank.pk}/edit/problems/"
    html = response.content.decode()
    # One message, the editor's one list of what is wrong (each linked to its page) and
    # the same list in the (closed) confirmation, not a box per error.
    assert html.count('class="alert alert-danger') == 3
    assert html.count("不能提交审核：请先改正以下问题。") == 1
    assert Report.objects.get(pk=blank.pk).status == Status.DRAFT


def test_an_unknown_section_after_a_refusal_goes_to_the_first_page(client_for, demo):
    blank = report_create(department=demo.report.department, year=2023)
    response = post(client_for("clerk"), blank, action="submit", section="../admin")
    assert response.redirect_chain[-1][0] == f"/reports/{blank.pk}/edit/overview/"


def test_withdraw_before_a_reviewer_opens_it(client_for, users, demo_report):
    transition_apply(report=demo_report, user=users["clerk"], action="submit")
    clerk = client_for("clerk")
    html = page(clerk, f"/reports/{demo_report.pk}/")
    assert 'id="withdraw-report"' in html and 'id="withdraw-dialog"' in html
    assert "已提交，等待审核" in html
    response = post(clerk, demo_report, action="withdraw", comment="漏填了一个项目。")
    assert "已撤回：报告回到草稿，可以继续修改" in response.content.decode()
    demo_report.refresh_from_db()
    assert demo_report.status == Status.DRAFT
    log = demo_report.transitions.order_by("-pk").first()
    assert (log.action, log.from_status, log.to_status, log.comment) == (
        "withdraw",
        "submitted",
        "draft",
        "漏填了一个项目。",
    )
    # And submitted again.
    transition_apply(report=demo_report, user=users["clerk"], action="submit")
    assert Report.objects.get(pk=demo_report.pk).status == Status.SUBMITTED


def test_no_withdraw_once_a_reviewer_has_opened_it(client_for, users, demo_report):
    transition_apply(report=demo_report, user=users["clerk"], action="submit")
    assert "withdraw" in available_actions(user=users["clerk"], report=demo_report)
    review_opened(report=demo_report, user=users["reviewer"])
    review_opened(report=demo_report, user=users["reviewer"])  # once per reviewer
    assert ReviewOpening.objects.count() == 1
    assert "withdraw" not in available_actions(user=users["clerk"], report=demo_report)
    with pytest.raises(TransitionRefused, match="审核人已开始审核这份报告，不能撤回"):
        transition_apply(report=demo_report, user=users["clerk"], action="withdraw")
    clerk = client_for("clerk")
    html = page(clerk, f"/reports/{demo_report.pk}/")
    assert "已提交，审核人正在审核" in html and 'id="withdraw-report"' not in html
    response = post(clerk, demo_report, action="withdraw")
    assert response.status_code == 200
    assert "不能撤回" in response.content.decode()
    assert Report.objects.get(pk=demo_report.pk).status == Status.SUBMITTED


def test_a_reviewer_opening_it_on_the_site_or_in_the_admin_ends_the_withdrawal(
    client_for, users, demo_report
):
    transition_apply(report=demo_report, user=users["clerk"], action="submit")
    client_for("clerk").get(f"/reports/{demo_report.pk}/")
    client_for("auditor").get(f"/reports/{demo_report.pk}/")
    assert not ReviewOpening.objects.exists()
    assert client_for("reviewer").get(f"/reports/{demo_report.pk}/").status_code == 200
    assert ReviewOpening.objects.get().user == users["reviewer"]
    admin_page = reverse("admin:reports_report_change", args=[demo_report.pk])
    assert client_for("admin").get(admin_page).status_code == 200
    assert ReviewOpening.objects.count() == 2
    assert "withdraw" not in available_actions(user=users["clerk"], report=demo_report)


def test_an_opening_counts_for_its_submission_only(users, demo_report):
    transition_apply(report=demo_report, user=users["clerk"], action="submit")
    review_opened(report=demo_report, user=users["reviewer"])
    transition_apply(report=demo_report, user=users["reviewer"], action="return", comment="改")
    transition_apply(report=demo_report, user=users["clerk"], action="submit")
    assert "withdraw" in available_actions(user=users["clerk"], report=demo_report)


def test_only_a_reviewer_of_a_submitted_report_opens_it(world, users, demo_report):
    review_opened(report=demo_report, user=users["reviewer"])  # a draft: nothing to open
    transition_apply(report=demo_report, user=users["clerk"], action="submit")
    for name in ("clerk", "auditor", "reviewer_b"):
        review_opened(report=demo_report, user=users[name])
    assert not ReviewOpening.objects.exists()


def test_a_reviewer_cannot_withdraw_a_clerks_submission(client_for, users, demo_report):
    transition_apply(report=demo_report, user=users["clerk"], action="submit")
    with pytest.raises(TransitionRefused, match="只有本部门的填报员可以撤回"):
        transition_apply(report=demo_report, user=users["reviewer"], action="withdraw")
    assert post(client_for("reviewer"), demo_report, action="withdraw").status_code == 403


def test_a_draft_or_approved_report_cannot_be_withdrawn(users, demo_report):
    with pytest.raises(TransitionRefused, match="只有“待审核”的报告可以撤回"):
        transition_apply(report=demo_report, user=users["clerk"], action="withdraw")


def test_submitting_twice_speaks_of_the_state_not_of_a_permission(client_for, users, demo_report):
    transition_apply(report=demo_report, user=users["clerk"], action="submit")
    response = post(client_for("clerk"), demo_report, action="submit")
    html = response.content.decode()
    assert response.status_code == 200
    assert "报告当前状态为“待审核”，不能提交审核" in html and "无权" not in html


def test_each_tab_says_what_its_section_lacks(client_for, demo):
    clerk = client_for("clerk")
    html = page(clerk, f"/reports/{demo.report.pk}/edit/overview/")
    # The demo has warnings only: every tab is done.
    assert html.count('class="section-state section-state-done"') == len(SECTIONS) == 9
    blank = report_create(department=demo.report.department, year=2023)
    html = page(clerk, f"/reports/{blank.pk}/edit/overview/")
    assert (
        'data-section="overview">1. 部门概况 <span class="section-state section-state-unfilled"'
        in (html)
    )
    assert "未填 3</span>" in html
    # Only the projects' tables are done: the blank report lists no project to assess.
    assert html.count("section-state-done") == 1
    assert 'data-section="project-tables">' in html
