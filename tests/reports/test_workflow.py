"""Every allowed transition, every forbidden one, and what each leaves on record."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from reports.models import ApprovedVersion, Report, ReportTransition
from reports.selectors import report_summary
from reports.workflow import TransitionRefused, transition_apply
from scoring.models import IndicatorResult
from tests.conftest import DEMO_DEPARTMENT

ALL_ACTIONS = ["submit", "approve", "return", "reopen"]
ALLOWED_FROM = {
    "draft": {"submit"},
    "submitted": {"approve", "return"},
    "returned": {"submit"},
    "approved": {"reopen"},
}
TARGET = {"submit": "submitted", "approve": "approved", "return": "returned", "reopen": "draft"}


def force_status(report, status):
    """Put a report into a state for a test (the workflow is the only writer elsewhere)."""
    Report.objects.filter(pk=report.pk).update(status=status)
    report.refresh_from_db()


@pytest.mark.parametrize("state", list(ALLOWED_FROM))
@pytest.mark.parametrize("action", ALL_ACTIONS)
def test_each_action_from_each_state(users, demo_report, state, action):
    force_status(demo_report, state)
    # Whoever may act: the clerk submits, the reviewer decides, the superuser reopens.
    actor = {"submit": "clerk", "approve": "reviewer", "return": "reviewer", "reopen": "admin"}
    user = users[actor[action]]
    if action in ALLOWED_FROM[state]:
        log = transition_apply(report=demo_report, user=user, action=action, comment="理由")
        assert (log.from_status, log.to_status) == (state, TARGET[action])
        assert Report.objects.get().status == TARGET[action]
    else:
        with pytest.raises(
            TransitionRefused, match=f"报告当前状态为“{Report.Status(state).label}”"
        ):
            transition_apply(report=demo_report, user=user, action=action, comment="理由")
        assert Report.objects.get().status == state
        assert not ReportTransition.objects.exists()


def test_the_full_round_trip_is_logged(users, demo_report):
    transition_apply(report=demo_report, user=users["clerk"], action="submit")
    transition_apply(
        report=demo_report, user=users["reviewer"], action="return", comment="请补充项目明细。"
    )
    transition_apply(report=demo_report, user=users["clerk"], action="submit", comment="已补充")
    transition_apply(report=demo_report, user=users["reviewer"], action="approve")
    transition_apply(
        report=demo_report, user=users["admin"], action="reopen", comment="财政局要求更正数据"
    )
    log = list(
        ReportTransition.objects.values_list(
            "action", "from_status", "to_status", "user__username", "comment"
        )
    )
    assert log == [
        ("submit", "draft", "submitted", "clerk", ""),
        ("return", "submitted", "returned", "reviewer", "请补充项目明细。"),
        ("submit", "returned", "submitted", "clerk", "已补充"),
        ("approve", "submitted", "approved", "reviewer", ""),
        ("reopen", "approved", "draft", "admin", "财政局要求更正数据"),
    ]


def test_return_needs_a_comment(users, demo_report):
    transition_apply(report=demo_report, user=users["clerk"], action="submit")
    with pytest.raises(TransitionRefused, match="退回时必须填写意见"):
        transition_apply(report=demo_report, user=users["reviewer"], action="return", comment=" ")


def test_reopen_needs_a_reason_and_a_superuser(users, demo_report):
    force_status(demo_report, "approved")
    with pytest.raises(TransitionRefused, match="必须填写理由"):
        transition_apply(report=demo_report, user=users["admin"], action="reopen")
    with pytest.raises(TransitionRefused, match="只有超级管理员可以重新打开"):
        transition_apply(report=demo_report, user=users["reviewer"], action="reopen", comment="x")


def _break(report):
    IndicatorResult.objects.filter(report=report, indicator__name="准确性").update(deviation="")


def test_submit_is_refused_while_the_report_has_an_error(users, demo_report):
    _break(demo_report)
    with pytest.raises(TransitionRefused) as refused:
        transition_apply(report=demo_report, user=users["clerk"], action="submit")
    assert refused.value.message == "报告还有 1 个错误，不能提交审核：请先改正以下问题。"
    assert "没有填写偏差及原因分析" in refused.value.errors[0]
    assert Report.objects.get().status == "draft"


def test_approve_is_refused_while_the_report_has_an_error(users, demo_report):
    transition_apply(report=demo_report, user=users["clerk"], action="submit")
    _break(demo_report)
    with pytest.raises(TransitionRefused, match="报告还有 1 个错误，不能批准"):
        transition_apply(report=demo_report, user=users["reviewer"], action="approve")
    assert Report.objects.get().status == "submitted"


def test_nobody_approves_their_own_submission(users, demo_report):
    transition_apply(report=demo_report, user=users["admin"], action="submit")
    with pytest.raises(TransitionRefused, match="不能批准自己提交的报告"):
        transition_apply(report=demo_report, user=users["admin"], action="approve")


def test_reopening_keeps_the_approved_version_on_record(users, demo_report):
    transition_apply(report=demo_report, user=users["clerk"], action="submit")
    transition_apply(report=demo_report, user=users["reviewer"], action="approve")
    transition_apply(report=demo_report, user=users["admin"], action="reopen", comment="更正")
    demo_report.refresh_from_db()
    demo_report.functions = "修改后的职能"
    demo_report.save()
    (version,) = ApprovedVersion.objects.all()
    assert version.number == 1
    assert version.summary["status"] == "approved"
    assert version.summary["indicators"]["total_score"] == "99.00"
    report_row = next(row for row in version.content if row["model"] == "reports.report")
    assert report_row["fields"]["functions"].startswith("浏阳市人大常委会机关依据")
    assert sum(row["model"] == "scoring.indicatorresult" for row in version.content) == 27


def test_demo_walkthrough_with_the_command(demo, capsys):
    args = ["--department", DEMO_DEPARTMENT, "--year", "2022"]
    with pytest.raises(CommandError, match="只有负责该部门的审核人可以批准"):
        call_command("report_transition", *args, "--action", "approve", "--user", "clerk")
    call_command("report_transition", *args, "--action", "submit", "--user", "clerk")
    call_command("report_transition", *args, "--action", "approve", "--user", "reviewer")
    assert "已批准" in capsys.readouterr().out
    assert report_summary(report=Report.objects.get())["status"] == "approved"


def test_command_lists_the_errors_that_block_submission(demo_report):
    _break(demo_report)
    args = ["--department", DEMO_DEPARTMENT, "--year", "2022", "--action", "submit"]
    with pytest.raises(CommandError) as raised:
        call_command("report_transition", *args, "--user", "clerk")
    assert "报告还有 1 个错误" in str(raised.value)
    assert "1. “预算编审管理 / 准确性”得分 1 低于权重 2 分" in str(raised.value)


def test_command_names_an_unknown_user(demo):
    args = ["--department", DEMO_DEPARTMENT, "--year", "2022", "--action", "submit"]
    with pytest.raises(CommandError, match="找不到启用的用户“nobody”"):
        call_command("report_transition", *args, "--user", "nobody")
