"""催办, notifications of the workflow's moves, and the daily deadline notices."""

from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from deadlines.models import Notification, Reminder
from deadlines.services import ReminderRefused, notify, reminder_send
from perfeval import access
from reports.workflow import transition_apply
from targets.demo import demo_targets_load

from .conftest import CLERK_EMAIL

pytestmark = pytest.mark.django_db


def notes(user, kind=None):
    rows = Notification.objects.filter(user=user)
    return list(rows.filter(kind=kind) if kind else rows)


def test_a_reminder_by_the_reviewer_is_recorded_and_mailed_to_the_clerk(
    deadlines, people, django_capture_on_commit_callbacks
):
    department = deadlines.report.department
    with django_capture_on_commit_callbacks(execute=True):
        reminder = reminder_send(
            department=department,
            stage_key="targets",
            year=2022,
            user=people["reviewer"],
            note="请本周内报送",
        )
    stored = Reminder.objects.get()
    assert stored.pk == reminder.pk
    assert (stored.department, stored.stage_label, stored.user.username, stored.note) == (
        department,
        "2022 年绩效目标申报",
        "reviewer",
        "请本周内报送",
    )
    [message] = mail.outbox
    assert message.to == [CLERK_EMAIL]
    assert message.subject.startswith("【绩效管理】")
    assert "请尽快完成2022 年绩效目标申报（截止 2022-02-28）" in message.body
    assert "请本周内报送" in message.body
    [notice] = notes(people["clerk"], Notification.Kind.REMINDER)
    assert "附言：请本周内报送" in notice.text


def test_no_mail_leaves_before_the_transaction_commits(deadlines, people):
    notify(users=[people["clerk"]], kind=Notification.Kind.REMINDER, text="测试")
    assert mail.outbox == []
    assert len(notes(people["clerk"])) == 1


def test_a_reminder_by_another_department_s_reviewer_is_refused(deadlines, people):
    with pytest.raises(access.Refused, match="无权催办"):
        reminder_send(
            department=deadlines.report.department,
            stage_key="targets",
            year=2022,
            user=people["reviewer_b"],
        )
    assert Reminder.objects.count() == 0


def test_a_reminder_for_a_stage_without_deadline_says_so(deadlines, people):
    with pytest.raises(ReminderRefused, match="2021 年没有“targets”这一阶段"):
        reminder_send(
            department=deadlines.report.department,
            stage_key="targets",
            year=2021,
            user=people["reviewer"],
        )


def test_a_returned_report_tells_the_clerk_with_the_comment(
    deadlines, people, django_capture_on_commit_callbacks
):
    report = deadlines.report
    with django_capture_on_commit_callbacks(execute=True):
        transition_apply(report=report, user=people["clerk"], action="submit")
        transition_apply(
            report=report, user=people["reviewer"], action="return", comment="请补充三公经费说明"
        )
    [returned] = notes(people["clerk"], Notification.Kind.RETURNED)
    assert returned.text == f"{report}已退回：请补充三公经费说明"
    assert returned.url == f"/reports/{report.pk}/"
    [submitted] = notes(people["reviewer"], Notification.Kind.SUBMITTED)
    assert submitted.text == f"{report}已提交，等待审核。"
    assert notes(people["reviewer_b"]) == []  # not their department
    assert [m.to for m in mail.outbox] == [[CLERK_EMAIL]]  # the reviewer has no address
    assert "请补充三公经费说明" in mail.outbox[0].subject + mail.outbox[0].body


def test_an_approved_report_tells_the_clerk(deadlines, people):
    report = deadlines.report
    transition_apply(report=report, user=people["clerk"], action="submit")
    transition_apply(report=report, user=people["reviewer"], action="approve")
    [approved] = notes(people["clerk"], Notification.Kind.APPROVED)
    assert approved.text == f"{report}已批准。"


def test_the_daily_notices_are_sent_once_a_day(deadlines, people):
    out = StringIO()
    call_command("send_deadline_notices", "--date", "2022-03-10", stdout=out)
    assert "已发出 2 条截止提醒" in out.getvalue()  # the clerks of both departments
    [notice] = notes(people["clerk"], Notification.Kind.OVERDUE)
    assert notice.text == "2022 年绩效目标申报已于 2022-02-28 截止，已逾期 10 天，请尽快完成。"
    call_command("send_deadline_notices", "--date", "2022-03-10", stdout=out)
    assert "已发出 0 条截止提醒" in out.getvalue()
    assert Notification.objects.count() == 2
    call_command("send_deadline_notices", "--date", "2022-03-11", stdout=StringIO())
    assert Notification.objects.count() == 4  # a new day, a new notice


def test_the_notice_before_the_date_says_how_many_days_are_left(deadlines, people):
    call_command("send_deadline_notices", "--date", "2023-04-28", stdout=StringIO())
    [notice] = notes(people["clerk"], Notification.Kind.DUE_SOON)
    assert notice.text == "2022 年绩效自评将于 2023-04-30 截止（还有 2 天），请按时完成。"


def test_no_notice_for_a_stage_done(deadlines, people):
    transition_apply(report=deadlines.report, user=people["clerk"], action="submit")
    call_command("send_deadline_notices", "--date", "2023-04-28", stdout=StringIO())
    assert notes(people["clerk"], Notification.Kind.DUE_SOON) == []


def test_the_command_refuses_a_bad_date(db):
    with pytest.raises(CommandError, match="请写成 YYYY-MM-DD"):
        call_command("send_deadline_notices", "--date", "2022-13-01")


def test_other_documents_notify_as_reports_do(deadlines, people):
    form = demo_targets_load(
        report=deadlines.report, clerk=people["clerk"], reviewer=people["reviewer"]
    )
    [approved] = notes(people["clerk"], Notification.Kind.APPROVED)
    assert approved.text == f"{form}已批准。"
    [submitted] = notes(people["reviewer"], Notification.Kind.SUBMITTED)
    assert submitted.text == f"{form}已提交，等待审核。"
