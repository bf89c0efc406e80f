from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongzhi.cases.imports import ImportFailed, import_hotline
from gongzhi.org.models import User


class Command(BaseCommand):
    help = "导入12345热线工单 (import hotline work orders; idempotent on 工单编号)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="hotline export, .xlsx")
        parser.add_argument("--user", help="username recorded as the importer (default: system)")

    def handle(self, *args: object, **options: object) -> None:
        actor = None
        if options["user"]:
            actor = User.objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(f"用户不存在：{options['user']}")
        try:
            with open(str(options["file"]), "rb") as stream:
                result = import_hotline(stream, actor=actor)
        except FileNotFoundError as exc:
            raise CommandError(f"文件不存在：{options['file']}") from exc
        except ImportFailed as exc:
            raise CommandError("导入失败，未写入任何数据：\n" + "\n".join(exc.errors)) from exc
        self.stdout.write(f"导入完成：新增 {result.created} 条，已存在 {result.existing} 条")
