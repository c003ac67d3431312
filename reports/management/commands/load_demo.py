"""Load the reference report (浏阳市人大常委会 2022) and one demo user per role."""

from django.core.management.base import BaseCommand

from departments.models import Role
from projects.demo import PROJECT_LINES, projects_demo_load
from reports.demo.load import demo_load
from reports.demo.year import year_demo_load

ROLE_NAMES = dict(Role.Code.choices)


class Command(BaseCommand):
    help = "载入演示数据：浏阳市人大常委会机关 2022 年部门整体支出绩效自评报告及各角色演示用户。"

    def handle(self, *args, **options):
        result = demo_load(projects=PROJECT_LINES)
        year_demo_load(report=result.report)
        projects_changed = projects_demo_load(report=result.report)
        state = "已载入" if result.changed else "已是最新，未作改动"
        self.stdout.write(self.style.SUCCESS(f"演示数据{state}：{result.report}"))
        self.stdout.write(
            f"  全年各环节：{result.report.year} 年绩效目标（已批准）、四次运行监控（演示数据）、"
            "存在问题整改事项、各环节时限"
        )
        self.stdout.write(
            f"  项目支出绩效自评表（演示数据）：{len(PROJECT_LINES)} 个项目"
            f"{'，已载入' if projects_changed else '，未作改动'}"
        )
        self.stdout.write("演示用户（仅供演示，请勿用于正式环境）：")
        for user in result.users:
            self.stdout.write(
                f"  {ROLE_NAMES[user.role]:<4} 用户名 {user.username:<9} 密码 {user.password}"
            )
