"""The deadlines page, 催办 from it, and the notifications page, per role."""

from datetime import UTC, datetime
from unittest import mock

import pytest
from django.template.loader import render_to_string

from deadlines.models import Notification, Reminder
from deadlines.selectors import home_panels
from deadlines.services import notify
from departments.models import Department

pytestmark = pytest.mark.django_db

# 2022-03-10 in Shanghai: ten days past the targets' date.
MARCH_10 = datetime(2022, 3, 10, 4, 0, tzinfo=UTC)


@pytest.fixture
def march_10():
    with mock.patch("django.utils.timezone.now", return_value=MARCH_10):
        yield


def page(client, url="/deadlines/?year=2022"):
    response = client.get(url)
    return response, response.content.decode()


def test_the_clerk_sees_the_targets_overdue(deadlines, client_for, march_10):
    response, html = page(client_for("clerk"))
    assert response.status_code == 200
    assert "浏阳市人大常委会机关的时限" in html
    assert "已逾期 10 天" in html and "未到期" in html
    assert "逾期未完成的部门" not in html


def test_the_reviewer_sees_the_late_department_with_a_remind_button(
    deadlines, client_for, march_10
):
    response, html = page(client_for("reviewer"))
    assert response.status_code == 200
    assert 'id="late-departments"' in html
    assert "浏阳市人大常委会机关" in html and "浏阳市财政局" not in html
    assert "催办</button>" in html and "未催办" in html


def test_the_auditor_sees_only_the_dates(deadlines, client_for, march_10):
    response, html = page(client_for("auditor"))
    assert response.status_code == 200
    assert "2022 年绩效目标申报" in html and "2022-02-28" in html
    assert "逾期未完成的部门" not in html and "的时限</h2>" not in html


@pytest.mark.parametrize("year", ["abc", "99999", "1999", "2101", ""])
def test_a_bad_year_is_answered_with_a_message(deadlines, client_for, year):
    response, html = page(client_for("clerk"), f"/deadlines/?year={year}")
    assert response.status_code == 200
    assert "无效：请填写 2000—2100 之间的四位年份" in html


def test_a_reminder_from_the_page_is_recorded(deadlines, client_for, march_10):
    department = deadlines.report.department
    response = client_for("reviewer").post(
        "/deadlines/remind/",
        {"department": department.pk, "stage": "targets", "year": "2022", "note": "尽快"},
        follow=True,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f"已向{department}催办2022 年绩效目标申报" in html
    assert "2022-03-10（审核人（演示））" in html  # the last 催办, shown on the list
    assert Reminder.objects.get().note == "尽快"


def test_a_reminder_for_a_department_out_of_sight_is_not_found(deadlines, client_for):
    department = deadlines.report.department
    data = {"department": department.pk, "stage": "targets", "year": "2022"}
    assert client_for("reviewer_b").post("/deadlines/remind/", data).status_code == 404
    assert Reminder.objects.count() == 0


def test_a_reminder_by_one_who_may_not_remind_is_forbidden(deadlines, client_for):
    department = deadlines.report.department
    data = {"department": department.pk, "stage": "targets", "year": "2022"}
    assert client_for("clerk").post("/deadlines/remind/", data).status_code == 403
    assert client_for("auditor").post("/deadlines/remind/", data).status_code == 403
    assert Reminder.objects.count() == 0


@pytest.mark.parametrize(
    "data, message",
    [
        ({"department": "x", "stage": "targets", "year": "2022"}, "请从逾期列表中选择部门"),
        ({"department": "1" * 30, "stage": "targets", "year": "2022"}, "请从逾期列表中选择部门"),
        ({"department": "{pk}", "stage": "targets", "year": "20222"}, "请从逾期列表中选择部门"),
        ({"department": "{pk}", "stage": "nope", "year": "2022"}, "没有“nope”这一阶段"),
        ({"department": "{pk}", "stage": "targets", "year": "2022", "note": "长" * 2001}, "附言"),
    ],
)
def test_bad_reminder_values_are_answered_with_400(deadlines, client_for, data, message):
    pk = Department.objects.get(code=deadlines.report.department.code).pk
    data = {key: value.replace("{pk}", str(pk)) for key, value in data.items()}
    response = client_for("reviewer").post("/deadlines/remind/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Reminder.objects.count() == 0


def test_the_notifications_page_marks_unread_and_reads_them_all(deadlines, client_for, people):
    notify(users=[people["clerk"]], kind=Notification.Kind.RETURNED, text="报告已退回：请修改")
    notify(users=[people["reviewer"]], kind=Notification.Kind.SUBMITTED, text="别人的通知")
    client = client_for("clerk")
    response, html = page(client, "/notifications/")
    assert response.status_code == 200
    assert "报告已退回：请修改" in html and "未读" in html and "别人的通知" not in html
    response = client.post("/notifications/read/", follow=True)
    html = response.content.decode()
    assert "已将 1 条通知标为已读" in html and "notification-unread" not in html
    assert Notification.objects.get(user=people["reviewer"]).read_at is None


def test_signed_out_visitors_are_sent_to_sign_in(deadlines, client_for):
    for url in ("/deadlines/", "/notifications/"):
        response = client_for(None).get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_reading_notifications_takes_only_post(deadlines, client_for):
    assert client_for("clerk").get("/notifications/read/").status_code == 405
    assert client_for("reviewer").get("/deadlines/remind/").status_code == 405


def test_the_home_panels_render_what_is_due_and_who_is_late(deadlines, people, march_10):
    clerk = render_to_string("deadlines/_due_panel.html", home_panels(people["clerk"]))
    assert "待完成的事项" in clerk and "已逾期 10 天" in clerk
    reviewer = render_to_string("deadlines/_late_panel.html", home_panels(people["reviewer"]))
    assert "逾期未完成的部门（1）" in reviewer and "浏阳市人大常委会机关" in reviewer
    nobody_late = render_to_string("deadlines/_late_panel.html", home_panels(people["clerk"]))
    assert nobody_late.strip() == ""
