"""What the commands that act on one report share: finding it, who acts, where to write."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from perfeval import access
from reports.models import Report
from reports.selectors import report_get


def acting_user(username: str):
    """The active user a command acts as (``--user``)."""
    try:
        return get_user_model().objects.get(username=username, is_active=True)
    except get_user_model().DoesNotExist:
        raise CommandError(f"找不到启用的用户“{username}”：请检查用户名。") from None


class ReportCommand(BaseCommand):
    """A command on the report of one department and year (``--department``, ``--year``).

    With ``access_action`` set, ``--user`` makes the command act as that user, decided by
    ``perfeval.access`` as on the site; without it, it acts as whoever runs manage.py on the
    server, who may do anything to the database anyway.
    """

    access_action: str | None = None

    def add_arguments(self, parser):
        parser.add_argument("--department", required=True, help="部门名称，如 浏阳市人大常委会机关")
        parser.add_argument("--year", required=True, type=int, help="年度，如 2022")
        if self.access_action is not None:
            parser.add_argument(
                "--user", help="以哪个用户的身份操作（用户名），按该用户在系统中的权限检查"
            )

    def report(self, department: str, year: int, user=None) -> Report:
        """The report; with ``user``, only if the policy lets them take ``access_action``."""
        try:
            report = report_get(department_name=department, year=year)
        except Report.DoesNotExist:
            raise CommandError(
                f"找不到“{department}”{year} 年的自评报告：请检查部门名称和年度。"
            ) from None
        action = self.access_action  # set whenever a user is given (``--user``)
        if user is not None and action is not None and not access.may(user, action, report):
            if not access.may(user, access.VIEW, report):
                raise CommandError(
                    f"找不到“{department}”{year} 年的自评报告：请检查部门名称和年度。"
                )
            raise CommandError(f"操作被拒绝：用户“{user}”无权对“{report}”进行此操作。")
        return report

    def output_path(self, output: str, suffix: str) -> Path:
        path = Path(output)
        if not path.parent.is_dir():
            raise CommandError(f"目录“{path.parent}”不存在：请先创建该目录，或换一个输出路径。")
        if path.suffix.lower() != suffix:
            raise CommandError(f"输出文件“{path}”不是 {suffix}：请换一个以 {suffix} 结尾的文件名。")
        return path
