"""Write a report's 自评表 as an .xlsx workbook in the official layout."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reports.excel.export import selfeval_xlsx
from reports.models import Report
from reports.selectors import report_get


class Command(BaseCommand):
    help = (
        "将某部门某年度的部门整体支出绩效自评表导出为 Excel（.xlsx）："
        "“自评表”工作表按正式格式排版，“收支明细”工作表列出收入、支出和“三公”经费明细，"
        "可再导入。任何状态的报告均可导出。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--department", required=True, help="部门名称，如 浏阳市人大常委会机关")
        parser.add_argument("--year", required=True, type=int, help="年度，如 2022")
        parser.add_argument("-o", "--output", required=True, help="写入的 .xlsx 文件路径")

    def handle(self, *args, department, year, output, **options):
        try:
            report = report_get(department_name=department, year=year)
        except Report.DoesNotExist:
            raise CommandError(
                f"找不到“{department}”{year} 年的自评报告：请检查部门名称和年度。"
            ) from None
        path = Path(output)
        if not path.parent.is_dir():
            raise CommandError(f"目录“{path.parent}”不存在：请先创建该目录，或换一个输出路径。")
        if path.suffix.lower() != ".xlsx":
            raise CommandError(f"输出文件“{path}”不是 .xlsx：请换一个以 .xlsx 结尾的文件名。")
        data = selfeval_xlsx(report=report)
        path.write_bytes(data)
        self.stdout.write(
            self.style.SUCCESS(
                f"已导出：{path}（{max(1, len(data) // 1024)} KB，"
                f"报告状态“{report.get_status_display()}”）"
            )
        )
