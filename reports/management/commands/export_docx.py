"""Write a report as Word (.docx); a report not yet approved carries its status on every page."""

from perfeval import access
from reports.archive import status_watermark
from reports.management.base import ReportCommand, acting_user
from reports.word import report_docx


class Command(ReportCommand):
    access_action = access.VIEW
    help = (
        "将某部门某年度的自评报告导出为 Word（.docx），内容和顺序与 PDF 相同，供定稿、盖章。"
        "尚未批准的报告每页页眉印有报告状态（草稿、待审核、已退回）。"
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("-o", "--output", required=True, help="写入的 .docx 文件路径")

    def handle(self, *args, department, year, output, user=None, **options):
        report = self.report(department, year, acting_user(user) if user else None)
        path = self.output_path(output, ".docx")
        watermark = status_watermark(report)
        data = report_docx(report=report, watermark=watermark)
        path.write_bytes(data)
        note = f"，页眉印有“{watermark}”" if watermark else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"已导出：{path}（{max(1, len(data) // 1024)} KB，"
                f"报告状态“{report.get_status_display()}”{note}）"
            )
        )
