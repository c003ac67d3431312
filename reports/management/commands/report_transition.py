"""Move a report through the workflow from the command line, through the same rules as the web."""

from django.core.management.base import CommandError

from reports.management.base import ReportCommand, acting_user
from reports.workflow import TRANSITIONS, TransitionRefused, action_label, transition_apply


class Command(ReportCommand):
    help = "提交、批准、退回或重新打开某部门某年度的自评报告（与网页使用同一套规则）。"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--action", required=True, choices=list(TRANSITIONS), help="操作")
        parser.add_argument("--user", required=True, help="以哪个用户的身份操作（用户名）")
        parser.add_argument("--comment", default="", help="意见；退回和重新打开时必填")

    def handle(self, *args, department, year, action, user, comment, **options):
        report = self.report(department, year)
        actor = acting_user(user)
        try:
            transition_apply(report=report, user=actor, action=action, comment=comment)
        except TransitionRefused as refused:
            details = "".join(f"\n  {n}. {e}" for n, e in enumerate(refused.errors, start=1))
            raise CommandError(f"操作被拒绝：{refused.message}{details}") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"已{action_label(action)}：{report}，当前状态“{report.get_status_display()}”。"
            )
        )
