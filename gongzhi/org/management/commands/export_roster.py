from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from gongzhi.core.command_checks import require_migrated_database
from gongzhi.org import services
from gongzhi.org.management.compound_argument import add_compound_argument, compound_from_argument


class Command(BaseCommand):
    help = "导出小区楼盘表（.xlsx，含完整联系方式；记入审计日志）。"

    def add_arguments(self, parser: CommandParser) -> None:
        add_compound_argument(parser)
        parser.add_argument(
            "file",
            type=Path,
            metavar="FILE.xlsx",
            help="写出的文件（已存在则覆盖）；所在目录须已存在。文件含完整手机号和身份证号",
        )

    def handle(self, *args: object, compound: str, file: Path, **options: object) -> None:
        require_migrated_database()
        target = compound_from_argument(compound)
        if not file.parent.is_dir():
            raise CommandError(_("无法写入 %(file)s：目录不存在") % {"file": file})
        try:
            # The export's audit record commits only once the file is on disk.
            with transaction.atomic():
                data = services.roster_export(actor=None, compound=target)
                file.write_bytes(data)
        except OSError as exc:
            raise CommandError(
                _("无法写入 %(file)s：%(reason)s") % {"file": file, "reason": _reason(exc)}
            ) from None
        self.stdout.write(f"{target.name}：楼盘表已导出到 {file}")


def _reason(exc: OSError) -> str:
    if isinstance(exc, IsADirectoryError):
        return _("这是一个目录，请给出文件名")
    if isinstance(exc, PermissionError):
        return _("没有写入权限")
    return exc.strerror or str(exc)
