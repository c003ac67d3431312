"""Back up the whole site (database and stored files) into a new directory."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from perfeval.backup import BackupError, site_backup


class Command(BaseCommand):
    help = "备份整个站点：数据库（data.json）和已存储的文件（正式 PDF），写入一个新目录。"

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="备份目录（不存在或为空）")

    def handle(self, *args, directory: Path, **options):
        try:
            result = site_backup(directory=directory)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"已备份到 {directory}：数据 {result.data_bytes} 字节，文件 {result.files} 个。"
        )
