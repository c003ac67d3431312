"""Write a report's 自评表 as an .xlsx workbook in the official layout."""

from perfeval import access
from reports.management.base import ReportCommand, acting_user
from sheets.export import selfeval_xlsx


class Command(ReportCommand):
    access_action = access.VIEW
    help = (
        "将某部门某年度的部门整体支出绩效自评表导出为 Excel（.xlsx）："
        "“自评表”工作表按正式格式排版，“收支明细”工作表列出收入、支出和“三公”经费明细，"
        "可再导入。任何状态的报告均可导出。"
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("-o", "--output", required=True, help="写入的 .xlsx 文件路径")

    def handle(self, *args, department, year, output, user=None, **options):
        report = self.report(department, year, acting_user(user) if user else None)
        path = self.output_path(output, ".xlsx")
        data = selfeval_xlsx(report=report)
        path.write_bytes(data)
        self.stdout.write(
            self.style.SUCCESS(
                f"已导出：{path}（{max(1, len(data) // 1024)} KB，"
                f"报告状态“{report.get_status_display()}”）"
            )
        )
