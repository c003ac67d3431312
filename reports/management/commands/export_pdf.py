"""Write a report as PDF; a report not yet approved only as a watermarked draft."""

from django.core.management.base import CommandError

from reports.archive import NotApproved, official_pdf, preview_pdf
from reports.management.base import ReportCommand
from reports.models import Report


class Command(ReportCommand):
    help = (
        "将某部门某年度的自评报告导出为 PDF。未批准的报告须加 --draft，"
        "导出的文件每页印有报告状态水印（草稿、待审核、已退回）。"
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("-o", "--output", required=True, help="写入的 PDF 文件路径")
        parser.add_argument(
            "--draft", action="store_true", help="导出尚未批准的报告，每页加印状态水印"
        )

    def handle(self, *args, department, year, output, draft, **options):
        report = self.report(department, year)
        approved = report.status == Report.Status.APPROVED
        if not approved and not draft:
            raise CommandError(
                f"“{department}”{year} 年的自评报告状态为“{report.get_status_display()}”，"
                "尚未批准，不能导出正式 PDF：请待审核人批准后再导出；"
                "如只需核对内容，请加 --draft 导出带水印的草稿。"
            )
        path = self.output_path(output, ".pdf")
        if approved:
            # The very file auditors download, rendered and stored on first use.
            try:
                stored = official_pdf(report=report)
            except NotApproved as refused:  # reopened while it rendered
                raise CommandError(f"未导出：{refused}") from None
            with stored.file.open("rb") as f:
                pdf = f.read()
            note = f"，SHA-256 {stored.sha256}"
        else:
            pdf = preview_pdf(report=report)
            note = f"，水印“{report.get_status_display()}”"
        path.write_bytes(pdf)
        self.stdout.write(self.style.SUCCESS(f"已导出：{path}（{len(pdf) // 1024} KB{note}）"))
