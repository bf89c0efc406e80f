from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongzhi.core.command_checks import require_migrated_database
from gongzhi.org import roster, services
from gongzhi.org.management.compound_argument import add_compound_argument, compound_from_argument


class Command(BaseCommand):
    help = (
        "导入小区楼盘表（.xlsx）：先校验全部行，有任何问题则不写入任何数据。"
        "导出的楼盘表记有所属小区，与目标小区不符时拒绝导入。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_compound_argument(parser)
        parser.add_argument(
            "file",
            type=Path,
            metavar="FILE.xlsx",
            help="楼盘表文件：export_roster 或网页「下载当前楼盘表」得到的格式，不超过 5 MB",
        )

    def handle(self, *args: object, compound: str, file: Path, **options: object) -> None:
        require_migrated_database()
        target = compound_from_argument(compound)
        if not file.is_file():
            raise CommandError(f"找不到文件 {file}")
        try:
            with file.open("rb") as upload:
                rows = roster.parse(upload, file.name, compound=target)
        except roster.RosterError as exc:
            raise CommandError("楼盘表未导入：\n" + "\n".join(exc.messages)) from None
        report = services.roster_import(actor=None, compound=target, rows=rows)
        self.stdout.write(f"{target.name}：{report}")
