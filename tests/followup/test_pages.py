"""问题整改's pages for each role: the list, an item with its update form, a new item."""

import re

import pytest

from departments.models import Department
from followup.models import ProblemItem, ProblemUpdate
from tests.steps import approve


@pytest.fixture
def items(world, users):
    approve(world.report, users)
    return list(ProblemItem.objects.order_by("pk"))


def test_the_clerk_s_list_shows_the_items_with_overdue_ones_marked(items, client_for):
    response = client_for("clerk").get("/problems/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "部分项目支出编制需进一步明确、精细化。" in page
    # Due 2023-06-30 and still open today.
    assert page.count("已逾期</span>") == 2
    assert "有 2 个问题已超过整改期限仍未整改完成" in page
    assert 'id="problem-issue-link"' not in page


def test_the_list_puts_overdue_items_first_and_filters_by_status(items, users, client_for):
    from followup.services import problem_update

    problem_update(item=items[0], user=users["clerk"], status="done", note="已完成")
    page = client_for("clerk").get("/problems/").content.decode()
    assert page.index(f'id="problem-{items[1].pk}"') < page.index(f'id="problem-{items[0].pk}"')
    done = client_for("clerk").get("/problems/?status=done").content.decode()
    assert f'id="problem-{items[0].pk}"' in done
    assert f'id="problem-{items[1].pk}"' not in done


def test_a_filter_no_list_offers_is_left_out(items, client_for):
    response = client_for("clerk").get("/problems/?year=99999999999999999999&status=x&page=zz")
    assert response.status_code == 200
    assert len(re.findall(r'<tr id="problem-\d+">', response.content.decode())) == 2


def test_a_clerk_of_another_department_gets_404_for_the_item(items, client_for):
    client = client_for("clerk_b")
    assert client.get(f"/problems/{items[0].pk}/").status_code == 404
    assert client.post(f"/problems/{items[0].pk}/", {"status": "done"}).status_code == 404
    assert "部分项目支出编制" not in client.get("/problems/").content.decode()


def test_an_id_too_large_for_the_database_is_404(items, client_for):
    assert client_for("clerk").get("/problems/99999999999999999999/").status_code == 404


def test_the_clerk_updates_an_item_and_the_update_is_on_record(items, client_for):
    client = client_for("clerk")
    response = client.post(
        f"/problems/{items[1].pk}/",
        {
            "measure": "逐项细化项目支出",
            "owner": "办公室",
            "due_date": "2024-06-30",
            "status": "in_progress",
            "note": "已开始逐项细化",
        },
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "已保存整改情况。" in page
    assert "未整改 → 整改中" in page
    assert "已开始逐项细化" in page
    item = ProblemItem.objects.get(pk=items[1].pk)
    assert (item.owner, str(item.due_date), item.status) == ("办公室", "2024-06-30", "in_progress")


def test_marking_done_without_a_note_says_what_to_fill_in(items, client_for):
    response = client_for("clerk").post(
        f"/problems/{items[1].pk}/", {"measure": "", "owner": "", "status": "done", "note": ""}
    )
    assert response.status_code == 200
    assert "请填写整改情况说明" in response.content.decode()
    assert ProblemItem.objects.get(pk=items[1].pk).status == "open"
    assert ProblemUpdate.objects.count() == 0


def test_an_unknown_status_or_date_is_a_form_error_not_a_failure(items, client_for):
    response = client_for("clerk").post(
        f"/problems/{items[1].pk}/", {"status": "closed", "due_date": "2024-13-45"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "请选择整改状态" in page
    assert "请填写有效的日期" in page


def test_the_auditor_sees_an_item_without_the_form_and_may_not_post(items, client_for):
    client = client_for("auditor")
    response = client.get(f"/problems/{items[0].pk}/")
    assert response.status_code == 200
    assert 'id="problem-update-form"' not in response.content.decode()
    assert client.post(f"/problems/{items[0].pk}/", {"status": "done"}).status_code == 403


def test_a_reviewer_issues_an_item_for_the_department_they_review(world, client_for):
    client = client_for("reviewer")
    page = client.get("/problems/new/")
    assert page.status_code == 200
    assert "浏阳市人大常委会机关" in page.content.decode()
    assert "浏阳市财政局" not in page.content.decode()
    response = client.post(
        "/problems/new/",
        {
            "department": world.report.department_id,
            "year": "2022",
            "text": "部分项目支出绩效目标设置不够细化、量化。",
            "measure": "按三级指标逐项量化。",
            "due_date": "2023-06-30",
        },
    )
    assert response.status_code == 302
    item = ProblemItem.objects.get()
    assert response["Location"] == f"/problems/{item.pk}/"
    assert (item.get_source_display(), item.created_by.username) == ("审核意见", "reviewer")


def test_a_reviewer_may_not_issue_an_item_for_another_department(world, client_for):
    other = Department.objects.get(code="430181-002")
    response = client_for("reviewer").post(
        "/problems/new/", {"department": other.pk, "year": "2022", "text": "问题"}
    )
    assert response.status_code == 200
    assert "请从列表中选择您审核的部门。" in response.content.decode()
    assert ProblemItem.objects.count() == 0


def test_a_hostile_department_or_year_is_a_form_error(world, client_for):
    response = client_for("reviewer").post(
        "/problems/new/",
        {"department": "99999999999999999999999", "year": "99999999999", "text": "问题"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "请从列表中选择您审核的部门。" in page
    assert "年度不能晚于 2100 年。" in page


def test_a_clerk_or_auditor_may_not_open_the_issue_form(world, client_for):
    assert client_for("clerk").get("/problems/new/").status_code == 403
    assert client_for("auditor").get("/problems/new/").status_code == 403
    assert client_for("reviewer_b").get("/problems/new/").status_code == 200


def test_anonymous_visitors_are_sent_to_sign_in(world, client_for):
    response = client_for(None).get("/problems/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
