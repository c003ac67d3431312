"""The Django admin: every model is registered and its pages open with the demo loaded."""

from decimal import Decimal as D

import pytest
from django.contrib import admin
from django.urls import reverse

from budgets.models import IncomeLine
from reports.models import Report


def test_every_model_of_the_domain_is_registered():
    registered = {model._meta.label for model in admin.site._registry}
    for label in [
        "departments.Department",
        "departments.OrgUnit",
        "departments.User",
        "budgets.IncomeLine",
        "budgets.ExpenditureLine",
        "budgets.ThreePublicLine",
        "budgets.Project",
        "scoring.Framework",
        "scoring.Indicator",
        "scoring.IndicatorResult",
        "scoring.GroupResult",
        "reports.Report",
    ]:
        assert label in registered, label


@pytest.mark.parametrize(
    "model",
    [m for m in admin.site._registry if m._meta.app_label != "auth"],
    ids=lambda m: m._meta.label,
)
def test_changelist_and_search_open(admin_client_demo, model):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    assert admin_client_demo.get(url).status_code == 200
    assert admin_client_demo.get(url, {"q": "浏阳"}).status_code == 200


def test_report_list_shows_year_status_and_score(admin_client_demo):
    response = admin_client_demo.get(reverse("admin:reports_report_changelist"))
    content = response.content.decode()
    assert "浏阳市人大常委会机关" in content
    assert "草稿" in content
    assert "99.00" in content


def test_report_list_filters_by_year_department_and_status(admin_client_demo, demo_report):
    url = reverse("admin:reports_report_changelist")
    for params in [
        {"year": 2022},
        {"department__id__exact": demo_report.department_id},
        {"status": "draft"},
    ]:
        response = admin_client_demo.get(url, params)
        assert [r.pk for r in response.context["cl"].result_list] == [demo_report.pk]
    assert admin_client_demo.get(url, {"status": "approved"}).context["cl"].result_count == 0


def test_report_page_shows_lines_and_indicator_results_inline(admin_client_demo, demo_report):
    response = admin_client_demo.get(reverse("admin:reports_report_change", args=[demo_report.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    for text in ["2320.58", "1846.37", "公务接待费", "≥187", "预算编制准确性有待提高", "整组得分"]:
        assert text in content, text


def test_admin_refuses_a_negative_amount_with_the_message(admin_client_demo, demo_report):
    url = reverse("admin:budgets_incomeline_add")
    response = admin_client_demo.post(
        url, {"report": demo_report.pk, "source": "other", "actual": "-3.00", "order": 0}
    )
    assert response.status_code == 200
    assert "金额不能为负数：请填写 0 或正数（单位：万元）。" in response.content.decode()
    assert IncomeLine.objects.filter(actual=D("-3.00")).count() == 0
    assert Report.objects.get().income_lines.count() == 2


# --- Each role lands where its work is (perfeval.landing) ---------------------------------

SIGN_INS = {
    "reviewer": ("demo-reviewer-2022", "/admin/"),
    "admin": ("demo-admin-2022", "/admin/"),
    "clerk": ("demo-clerk-2022", "/"),
    "auditor": ("demo-auditor-2022", "/approved/"),
}


@pytest.mark.parametrize("username", SIGN_INS)
def test_each_role_lands_where_its_work_is(demo, client, username):
    password, landing = SIGN_INS[username]
    response = client.post("/accounts/login/", {"username": username, "password": password})
    assert response.status_code == 302
    assert response.headers["Location"] == landing
    # Signed in already, the sign-in page sends them there too.
    assert client.get("/accounts/login/").headers["Location"] == landing
    assert client.get(landing).status_code == 200


def test_a_page_asked_for_before_signing_in_comes_first(demo, client):
    response = client.post(
        "/accounts/login/?next=/dashboard/",
        {"username": "auditor", "password": "demo-auditor-2022"},
    )
    assert response.headers["Location"] == "/dashboard/"


def test_my_reports_tells_a_reviewer_and_an_auditor_where_their_work_is(client_for):
    reviewer = client_for("reviewer").get("/").content.decode()
    assert '<a class="alert-link" href="/admin/">审核队列</a>' in reviewer
    auditor = client_for("auditor").get("/").content.decode()
    assert '<a class="alert-link" href="/approved/">已批准报告</a>' in auditor
    assert 'id="landing-note"' not in client_for("clerk").get("/").content.decode()
