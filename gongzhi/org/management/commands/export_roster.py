from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongzhi.org import services
from gongzhi.org.models import Compound


class Command(BaseCommand):
    help = "导出小区楼盘表（.xlsx，含完整联系方式；记入审计日志）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("compound_id", type=int)
        parser.add_argument("file", type=Path)

    def handle(self, *args: object, compound_id: int, file: Path, **options: object) -> None:
        compound = Compound.objects.filter(pk=compound_id).first()
        if compound is None:
            raise CommandError(f"小区 {compound_id} 不存在")
        file.write_bytes(services.roster_export(actor=None, compound=compound))
        self.stdout.write(f"{compound.name}：楼盘表已导出到 {file}")
