from argparse import RawDescriptionHelpFormatter
from typing import Any

from django.core.management.base import (
    BaseCommand,
    CommandError,
    CommandParser,
    DjangoHelpFormatter,
)

from gongzhi.cases.import_columns import ALIASES, HEADER_ROWS, OPTIONAL, REQUIRED
from gongzhi.cases.imports import ImportFailed, import_hotline
from gongzhi.core.command_checks import require_migrated_database
from gongzhi.org.models import User


class _HelpFormatter(DjangoHelpFormatter, RawDescriptionHelpFormatter):
    """Keeps the lines of the column list below as written."""


def _columns_help() -> str:
    def listed(columns: tuple[str, ...]) -> str:
        return "\n".join(f"  {c}（也可写作 {'、'.join(ALIASES[c])}）" for c in columns)

    return (
        f"只读取第一个工作表；表头在其前 {HEADER_ROWS} 行内（上方可有标题行）。\n"
        f"必填列：\n{listed(REQUIRED)}\n"
        f"可选列：\n{listed(OPTIONAL)}\n"
        "时间可写作 2026-11-30 14:05、2026/11/30 14:05、2026年11月30日 14时05分、2026.11.30；"
        "办理时限只写日期时截至当天 23:59:59。\n"
        "来源渠道填 12345热线（或 12345、电话、来电）、阳光信访等；办理时限导入时已过的照常导入，"
        "并在结果中提示。"
    )


class Command(BaseCommand):
    help = (
        "导入12345热线工单、阳光信访件（.xlsx）：逐行校验，任何一行有误时不写入任何数据，\n"
        "并列出出错的行（Excel 行号）；已导入过的工单编号自动跳过。"
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.formatter_class = _HelpFormatter
        parser.epilog = _columns_help()
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="工单导出文件（.xlsx；不支持 .xls、.csv）")
        parser.add_argument(
            "--user",
            "--actor",
            dest="user",
            metavar="用户名",
            help="记为导入人的用户名（默认：系统）",
        )

    def handle(self, *args: object, **options: object) -> None:
        require_migrated_database()
        actor = None
        if options["user"]:
            actor = User.objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(f"用户不存在：{options['user']}")
        name = str(options["file"])
        try:
            stream = open(name, "rb")  # closed by the `with` below, after the import
        except FileNotFoundError as exc:
            raise CommandError(f"文件不存在：{name}") from exc
        except IsADirectoryError as exc:
            raise CommandError(f"这是一个目录，请指定工单导出文件：{name}") from exc
        except PermissionError as exc:
            raise CommandError(f"没有读取该文件的权限：{name}") from exc
        except OSError as exc:  # a device that cannot be read…: said, not a traceback
            raise CommandError(f"文件无法读取：{name}（{exc.strerror or exc}）") from exc
        try:
            with stream:
                result = import_hotline(stream, actor=actor)
        except ImportFailed as exc:
            raise CommandError("导入失败，未写入任何数据：\n" + "\n".join(exc.errors)) from exc
        self.stdout.write(f"导入完成：新增 {result.created} 条，已存在 {result.existing} 条")
        if result.warnings:
            self.stdout.write(self.style.WARNING(f"请注意（{len(result.warnings)} 条）："))
            for warning in result.warnings:
                self.stdout.write(self.style.WARNING(f"  {warning}"))
