"""What the commands that act on one report share: finding it, and where to write."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reports.models import Report
from reports.selectors import report_get


class ReportCommand(BaseCommand):
    """A command on the report of one department and year (``--department``, ``--year``)."""

    def add_arguments(self, parser):
        parser.add_argument("--department", required=True, help="部门名称，如 浏阳市人大常委会机关")
        parser.add_argument("--year", required=True, type=int, help="年度，如 2022")

    def report(self, department: str, year: int) -> Report:
        try:
            return report_get(department_name=department, year=year)
        except Report.DoesNotExist:
            raise CommandError(
                f"找不到“{department}”{year} 年的自评报告：请检查部门名称和年度。"
            ) from None

    def output_path(self, output: str, suffix: str) -> Path:
        path = Path(output)
        if not path.parent.is_dir():
            raise CommandError(f"目录“{path.parent}”不存在：请先创建该目录，或换一个输出路径。")
        if path.suffix.lower() != suffix:
            raise CommandError(f"输出文件“{path}”不是 {suffix}：请换一个以 {suffix} 结尾的文件名。")
        return path
