"""Check or rebuild every report's stored totals (总分 and money sums) from its lines.

The app keeps them up to date itself (``reports.totals``); this is for a database changed
outside the app, such as rows fixed by hand in SQL.
"""

import sys

from django.core.management.base import BaseCommand
from django.db import transaction

from reports.models import Report
from reports.totals import totals_refresh, totals_stale


class Command(BaseCommand):
    help = "核对或重算每份报告存储的合计（总分、支出和三公经费合计），使之与明细一致。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="只核对：有不一致时列出报告并以状态 1 退出，不作改动。",
        )

    def handle(self, *args, check: bool, **options):
        if check:
            stale = totals_stale()
            if stale:
                names = "、".join(str(r) for r in Report.objects.filter(pk__in=stale[:10]))
                more = "等" if len(stale) > 10 else ""
                self.stderr.write(
                    f"{len(stale)} 份报告的合计与明细不一致：{names}{more}。"
                    "请运行 manage.py report_totals 重算。"
                )
                sys.exit(1)
            self.stdout.write(self.style.SUCCESS("全部报告的合计与明细一致。"))
            return
        with transaction.atomic():
            ids = list(Report.objects.values_list("pk", flat=True))
            totals_refresh(ids)
        self.stdout.write(self.style.SUCCESS(f"已重算 {len(ids)} 份报告的合计。"))
