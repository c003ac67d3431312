"""The clock moved past the targets deadline: the department's home page and the reviewer's
queue say it is overdue; the reviewer's 催办 is recorded and mailed to the clerk."""

import datetime
from unittest import mock

from django.core import mail
from django.utils import timezone

from deadlines.demo import demo_deadlines_load
from deadlines.models import Reminder
from departments.models import User

# Ten days after the demo's targets deadline (2022-02-28), nothing declared yet.
MARCH_10 = datetime.datetime(2022, 3, 10, 9, 30, tzinfo=datetime.UTC)


def test_past_the_deadline_home_and_queue_say_overdue_and_a_reminder_is_mailed(
    demo, client_for, django_capture_on_commit_callbacks
):
    demo_deadlines_load(year=2022)
    User.objects.filter(username="clerk").update(email="clerk@example.gov.cn")
    department = demo.report.department

    # Before the date, nothing is late.
    with mock.patch("django.utils.timezone.now", return_value=MARCH_10 - datetime.timedelta(10)):
        home = client_for("clerk").get("/").content.decode()
        assert "已逾期" not in home
        assert "即将到期" in home

    with mock.patch("django.utils.timezone.now", return_value=MARCH_10):
        assert timezone.localdate() == datetime.date(2022, 3, 10)
        home = client_for("clerk").get("/").content.decode()
        assert "待完成的事项" in home
        assert "已逾期 10 天" in home

        reviewer = client_for("reviewer")
        queue = reviewer.get("/admin/").content.decode()
        assert 'id="late-departments"' in queue
        assert department.name in queue
        assert "已逾期 10 天" in queue

        # The mail leaves once the 催办 is committed.
        with django_capture_on_commit_callbacks(execute=True):
            response = reviewer.post(
                "/deadlines/remind/",
                {
                    "department": department.pk,
                    "stage": "targets",
                    "year": 2022,
                    "note": "请本周内报送",
                },
            )
        assert response.status_code == 302

    reminder = Reminder.objects.get()
    assert (reminder.department, reminder.stage_key, reminder.year) == (department, "targets", 2022)
    assert reminder.user.username == "reviewer"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["clerk@example.gov.cn"]
    assert "催办" in mail.outbox[0].subject + mail.outbox[0].body
    assert "请本周内报送" in mail.outbox[0].body
    # The queue now says when the department was last reminded.
    with mock.patch("django.utils.timezone.now", return_value=MARCH_10):
        queue = client_for("reviewer").get("/admin/").content.decode()
    assert "2022-03-10" in queue
