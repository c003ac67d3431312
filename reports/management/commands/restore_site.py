"""Replace the site's database and stored files by a backup made with backup_site."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from perfeval.backup import BackupError, backup_read, site_restore


class Command(BaseCommand):
    help = (
        "从 backup_site 的备份目录恢复整个站点：先按 manifest.json 核对 data.json 和每个文件的 "
        "SHA-256，不符则拒绝、不做任何改动；相符才清空数据库后载入备份，并恢复已存储的文件。"
        "数据库须已执行 migrate。"
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="backup_site 写出的备份目录")
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="不询问确认",
        )

    def handle(self, *args, directory: Path, interactive: bool, **options):
        try:
            manifest = backup_read(directory=directory)
            if interactive:
                answer = input(
                    f"备份已核对：data.json 和 {len(manifest['files'])} 个文件与清单一致。"
                    f"将清空当前数据库，换成 {manifest['created']} 的备份。输入 yes 继续："
                )
                if answer.strip() != "yes":
                    raise CommandError("已取消。")
            result = site_restore(directory=directory)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"已从 {directory} 恢复：数据 {result.data_bytes} 字节，文件 {result.files} 个。"
        )
