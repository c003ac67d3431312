"""Generate a province of made-up reports (TEST DATA) for the dashboard's scale tests."""

from django.core.management.base import BaseCommand, CommandError

from reports.demo.province import province_generate
from reports.models import Report


class Command(BaseCommand):
    help = (
        "生成测试数据（TEST DATA，不是真实报告）：按县 × 部门生成一年的虚构"
        "部门整体支出绩效自评报告，用于总览页的性能和显示测试。"
        "部门编码以 SIM- 开头；同一年度已生成过则拒绝。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="年度，如 2022")
        parser.add_argument("--counties", type=int, default=120, help="县的个数（默认 120）")
        parser.add_argument(
            "--departments", type=int, default=100, help="每个县的部门个数（默认 100）"
        )
        parser.add_argument("--seed", type=int, default=0, help="随机数种子（默认 0）")

    def handle(self, *args, year, counties, departments, seed, **options):
        if counties < 1 or departments < 1:
            raise CommandError("--counties 和 --departments 至少为 1。")
        result = province_generate(year=year, counties=counties, departments=departments, seed=seed)
        states = "，".join(
            f"{Report.Status(status).label} {count}" for status, count in result.by_status.items()
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"已生成 {year} 年测试数据：{result.departments} 个部门，{result.reports} 份报告"
                f"（{states}），用时 {result.seconds:.1f} 秒。"
            )
        )
