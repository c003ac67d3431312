"""Import a filled 自评表 .xlsx into a department's report for a year."""

import hashlib
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from departments.models import Department
from reports.management.base import acting_user
from reports.models import Report
from reports.selectors import report_data
from reports.services import report_create
from sheets.importer import SelfevalImportRefused, SelfevalSheetChoice, selfeval_import
from sheets.measure import size_refusal
from sheets.read import Problem


def department_code(name: str) -> str:
    """A code for a department made on import: stable for its name, unlike any real code."""
    return f"IMP-{hashlib.sha1(name.encode('utf-8')).hexdigest()[:10].upper()}"


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
                report, created = self._report(department, year, create)
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

    def _report(self, name: str, year: int, create: bool) -> tuple[Report, list[str]]:
        created = []
        department = Department.objects.filter(name=name.strip()).first()
        if department is None:
            if not create:
                raise CommandError(
                    f"找不到部门“{name}”：请检查部门名称，或加 --create 新建部门和报告。"
                )
            department = Department(
                name=name.strip(), code=department_code(name.strip()), reporting_unit=name.strip()
            )
            try:
                department.full_clean()
            except ValidationError as error:
                raise CommandError(f"不能新建部门：{'；'.join(error.messages)}") from None
            department.save()
            created.append(f"部门“{department.name}”（编码 {department.code}）")
        report = Report.objects.filter(department=department, year=year).first()
        if report is None:
            if not create:
                raise CommandError(
                    f"“{department.name}”还没有 {year} 年的自评报告："
                    "请先在系统中新建，或加 --create 新建草稿报告。"
                )
            try:
                report = report_create(department=department, year=year)
            except ValidationError as error:
                raise CommandError(f"不能新建报告：{'；'.join(error.messages)}") from None
            created.append(f" {year} 年草稿报告（指标体系“{report.framework}”）")
        return report, created
