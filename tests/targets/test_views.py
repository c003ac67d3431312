"""The target forms' pages: who sees what, starting, editing, moving and adjusting."""

import pytest
from django.urls import reverse

from reports import workflow
from targets.models import TargetForm

from .conftest import YEAR

pytestmark = pytest.mark.django_db


def url(name, form=None):
    return reverse(name, args=[form.pk] if form else [])


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("clerk", 200),
        ("reviewer", 200),
        ("admin", 200),
        ("auditor", 404),  # a draft is not the auditors'
        ("clerk_b", 404),
        ("reviewer_b", 404),
    ],
)
def test_a_draft_form_is_seen_by_its_department_and_admins_only(
    world, filled_form, client_for, username, status
):
    assert client_for(username).get(url("target_detail", filled_form)).status_code == status


def test_an_anonymous_visitor_is_sent_to_sign_in(world, filled_form, client_for):
    response = client_for(None).get(url("target_detail", filled_form))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_detail_page_shows_the_table_budget_and_checks(blank_form, client_for):
    page = client_for("clerk").get(url("target_detail", blank_form)).content.decode()
    assert f"{YEAR} 年部门整体绩效目标表（第 1 版）" in page
    assert "年度总体目标未填写" in page
    assert "指标值类型" in page and "评（扣）分标准" in page
    assert "投入管理" in page


def test_an_approved_form_is_seen_by_auditors_with_its_figures(filled_form, users, client_for):
    workflow.document_transition(subject=filled_form, user=users["clerk"], action="submit")
    workflow.document_transition(subject=filled_form, user=users["reviewer"], action="approve")
    page = client_for("auditor").get(url("target_detail", filled_form)).content.decode()
    assert "2,092.38" in page and "1,382.26" in page and "≥80" in page
    assert "发起调整" not in page
    clerk_page = client_for("clerk").get(url("target_detail", filled_form)).content.decode()
    assert "发起调整" in clerk_page


def test_the_list_shows_the_forms_a_user_may_see(world, filled_form, client_for):
    name = "浏阳市人大常委会机关"
    assert name in client_for("clerk").get(url("target_list")).content.decode()
    assert name not in client_for("clerk_b").get(url("target_list")).content.decode()


def test_a_clerk_starts_a_form_for_a_year(client_for, users):
    response = client_for("clerk").post(url("target_start"), {"year": "2025"})
    form = TargetForm.objects.get(department=users["clerk"].department, year=2025)
    assert response.status_code == 302
    assert response["Location"] == url("target_edit", form)


def test_starting_with_a_bad_year_says_so(client_for):
    client = client_for("clerk")
    response = client.post(url("target_start"), {"year": "99999999999999999999"}, follow=True)
    assert "未新建绩效目标表：年度不能晚于 2100 年。" in response.content.decode()
    assert not TargetForm.objects.exists()


def test_a_reviewer_may_not_start_a_form(client_for):
    assert client_for("reviewer").post(url("target_start"), {"year": "2025"}).status_code == 403


def test_the_edit_page_saves_header_and_rows(blank_form, client_for):
    client = client_for("clerk")
    assert client.get(url("target_edit", blank_form)).status_code == 200
    rows = list(blank_form.rows.all())
    data = {
        "header-annual_goal": "目标1：监督有力",
        "header-budget_fiscal": "100",
        "header-budget_other": "0",
        "header-budget_basic": "60",
        "header-budget_project": "40",
    }
    for row in rows:
        prefix = str(row.indicator_id)
        data |= {
            f"{prefix}-value_type": "quantitative",
            f"{prefix}-comparator": "≥",
            f"{prefix}-value": "90",
            f"{prefix}-unit": "%",
            f"{prefix}-explanation": "",
            f"{prefix}-standard": "",
        }
    response = client.post(url("target_edit", blank_form), data)
    assert response.status_code == 302
    blank_form.refresh_from_db()
    assert blank_form.annual_goal == "目标1：监督有力"
    assert {row.target_text for row in blank_form.rows.all()} == {"≥90%"}


def test_the_edit_page_shows_errors_beside_the_fields(blank_form, client_for):
    row = blank_form.rows.first()
    prefix = str(row.indicator_id)
    response = client_for("clerk").post(
        url("target_edit", blank_form),
        {
            "header-budget_fiscal": "abc",
            f"{prefix}-value_type": "quantitative",
            f"{prefix}-value": "很多",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "未保存：请按标红处的提示改正后再保存。" in page
    assert "现为“很多”" in page


def test_a_reviewer_may_not_edit_and_another_department_gets_404(world, blank_form, client_for):
    assert client_for("reviewer").get(url("target_edit", blank_form)).status_code == 403
    assert client_for("clerk_b").get(url("target_edit", blank_form)).status_code == 404


def test_a_submitted_form_may_not_be_edited(filled_form, users, client_for):
    workflow.document_transition(subject=filled_form, user=users["clerk"], action="submit")
    response = client_for("clerk").get(url("target_edit", filled_form))
    assert response.status_code == 403


def test_the_workflow_buttons_move_the_form(filled_form, client_for):
    response = client_for("clerk").post(
        url("target_transition", filled_form), {"action": "submit"}, follow=True
    )
    assert "已提交，等待审核" in response.content.decode()
    response = client_for("reviewer").post(
        url("target_transition", filled_form), {"action": "return", "comment": ""}, follow=True
    )
    assert "退回时必须填写意见" in response.content.decode()
    client_for("reviewer").post(url("target_transition", filled_form), {"action": "approve"})
    filled_form.refresh_from_db()
    assert filled_form.status == "approved"


def test_submitting_an_incomplete_form_lists_what_to_fix(blank_form, client_for):
    response = client_for("clerk").post(
        url("target_transition", blank_form), {"action": "submit"}, follow=True
    )
    assert "绩效目标表还有 3 个错误，不能提交审核" in response.content.decode()


def test_an_unknown_action_or_a_missing_role_is_refused_without_error(filled_form, client_for):
    assert (
        client_for("clerk").post(url("target_transition", filled_form), {"action": "x"}).status_code
        == 403
    )
    assert (
        client_for("reviewer")
        .post(url("target_transition", filled_form), {"action": "submit"})
        .status_code
        == 403
    )


def test_adjusting_through_the_page(filled_form, users, client_for):
    workflow.document_transition(subject=filled_form, user=users["clerk"], action="submit")
    workflow.document_transition(subject=filled_form, user=users["reviewer"], action="approve")
    client = client_for("clerk")
    response = client.post(url("target_adjust", filled_form), {"reason": ""}, follow=True)
    assert "请填写调整原因" in response.content.decode()
    response = client.post(url("target_adjust", filled_form), {"reason": "追加预算"})
    adjusted = TargetForm.objects.get(department=filled_form.department, year=YEAR, number=2)
    assert response["Location"] == url("target_edit", adjusted)
    page = client.get(url("target_detail", adjusted)).content.decode()
    assert "调整原因：追加预算" in page and "第 1 版" in page
    assert (
        client_for("reviewer").post(url("target_adjust", filled_form), {"reason": "x"}).status_code
        == 403
    )


def test_a_huge_id_is_not_found(client_for):
    assert client_for("clerk").get("/targets/99999999999999999999/").status_code == 404


def test_the_pages_cost_a_fixed_number_of_queries(
    filled_form, client_for, django_assert_max_num_queries
):
    client = client_for("clerk")
    for name in ("target_detail", "target_edit"):
        with django_assert_max_num_queries(25):
            assert client.get(url(name, filled_form)).status_code == 200
    with django_assert_max_num_queries(15):
        assert client.get(url("target_list")).status_code == 200
