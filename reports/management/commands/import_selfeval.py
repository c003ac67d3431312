"""Import a filled 自评表 .xlsx into a department's report for a year."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from reports.management.base import acting_user
from reports.selectors import report_data
from reports.services import ImportTargetMissing, import_target
from sheets.cells import Problem
from sheets.importer import SelfevalImportRefused, SelfevalSheetChoice, selfeval_import
from sheets.measure import size_refusal


class Command(BaseCommand):
    help = (
        "把填好的部门整体支出绩效自评表（.xlsx）导入某部门某年度的自评报告；"
        "有任何问题时一并列出，不保存任何内容。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="自评表 .xlsx 文件")
        parser.add_argument("--department", required=True, help="部门名称")
        parser.add_argument("--year", required=True, type=int, help="年度")
        parser.add_argument(
            "--create",
            action="store_true",
            help="部门或报告不存在时新建（报告使用默认指标体系，状态为草稿）",
        )
        parser.add_argument(
            "--new-framework",
            default="",
            metavar="NAME",
            help="按表中的指标和权重新建名为 NAME 的指标体系版本，并让报告改用它",
        )
        parser.add_argument(
            "--sheet",
            default="",
            metavar="NAME",
            help="要导入的工作表名称（工作簿中有多张可能是自评表的工作表时）；"
            "不填时只读未隐藏的工作表，优先读取写明该年度的一张",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="只检查并列出将新建和导入的内容及提示，不保存任何内容",
        )
        parser.add_argument(
            "--user",
            help="以哪个用户的身份导入（用户名）：按该用户在系统中的权限检查，并记入修改记录",
        )

    def handle(
        self,
        *args,
        file,
        department,
        year,
        create,
        new_framework,
        dry_run,
        sheet="",
        user=None,
        **options,
    ):
        actor = acting_user(user) if user else None
        path = Path(file)
        try:
            # The workbook is measured before it is parsed (sheets/measure.py); a file
            # over the upload limit is not even read into memory.
            too_large = size_refusal(path.stat().st_size)
            data = b"" if too_large else path.read_bytes()
        except OSError as error:
            raise CommandError(f"无法读取文件“{file}”：{error.strerror or error}。") from None
        try:
            if too_large:
                raise SelfevalImportRefused([Problem(too_large)])
            with transaction.atomic():
                report, created = import_target(name=department, year=year, create=create)
                result = selfeval_import(
                    report=report,
                    data=data,
                    sheet=sheet.strip(),
                    new_framework=new_framework,
                    filename=path.name,
                    user=actor,
                )
                card = report_data(report=report).scorecard
                # Named now: after a dry run's rollback a new department is gone.
                target = str(report)
                if dry_run:
                    transaction.set_rollback(True)
        except ImportTargetMissing as missing:
            raise CommandError(missing.message) from None
        except SelfevalSheetChoice as choice:
            lines = [choice.message, *(f"  {problem}" for problem in choice.errors)]
            lines += ["可导入的工作表：", *(f"  - {name}" for name in choice.sheets)]
            lines.append(f'请用 --sheet 指定要导入的一张，如 --sheet "{choice.sheets[-1]}"。')
            raise CommandError("\n".join(lines)) from None
        except SelfevalImportRefused as refused:
            lines = [refused.message]
            lines += [f"  {n}. {problem}" for n, problem in enumerate(refused.errors, start=1)]
            if refused.warnings:
                lines.append("另有提示：")
                lines += [f"  - {problem}" for problem in refused.warnings]
            raise CommandError("\n".join(lines)) from None

        done = "将" if dry_run else "已"
        if dry_run:
            self.stdout.write(self.style.WARNING("试导入（--dry-run）：以下内容均未保存。"))
        for what in created:
            self.stdout.write(f"{done}新建{what}")
        self.stdout.write(
            self.style.SUCCESS(f"{done}导入“{path.name}”的工作表“{result.sheet}”到 {target}：")
        )
        for line in result.written:
            self.stdout.write(f"  - {line}")
        self.stdout.write(
            self.style.SUCCESS(f"总分 {card.total_score:.2f} 分，评价等级：{card.grade}")
        )
        if result.warnings:
            self.stdout.write(self.style.WARNING(f"请注意（{len(result.warnings)} 条）："))
            for problem in result.warnings:
                self.stdout.write(f"  - {problem}")
