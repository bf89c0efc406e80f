from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongzhi.org import roster, services
from gongzhi.org.models import Compound


class Command(BaseCommand):
    help = "导入小区楼盘表（.xlsx）：先校验全部行，有任何问题则不写入任何数据。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("compound_id", type=int)
        parser.add_argument("file", type=Path)

    def handle(self, *args: object, compound_id: int, file: Path, **options: object) -> None:
        compound = Compound.objects.filter(pk=compound_id).first()
        if compound is None:
            raise CommandError(f"小区 {compound_id} 不存在")
        if not file.is_file():
            raise CommandError(f"找不到文件 {file}")
        try:
            with file.open("rb") as upload:
                rows = roster.parse(upload, file.name)
        except roster.RosterError as exc:
            raise CommandError("楼盘表未导入：\n" + "\n".join(exc.messages)) from None
        report = services.roster_import(actor=None, compound=compound, rows=rows)
        self.stdout.write(f"{compound.name}：{report}")
