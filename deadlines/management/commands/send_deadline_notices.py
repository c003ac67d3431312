"""Run daily (cron): notify clerks of stages due within three days or overdue."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from deadlines.services import NOTICE_DAYS, deadline_notices_send


class Command(BaseCommand):
    help = f"通知各部门填报员：{NOTICE_DAYS} 天内到期或已逾期且未完成的阶段（每阶段每天一次）。"

    def add_arguments(self, parser):
        parser.add_argument("--date", dest="day", help="按这一天计算（YYYY-MM-DD），默认今天。")

    def handle(self, *args, day: str | None = None, **options):
        try:
            today = date.fromisoformat(day) if day else None
        except ValueError:
            raise CommandError(f"日期“{day}”无效：请写成 YYYY-MM-DD，如 2023-03-01。") from None
        made = deadline_notices_send(today=today)
        self.stdout.write(f"已发出 {made} 条截止提醒。")
