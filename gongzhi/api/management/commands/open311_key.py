"""`open311_key create NAME --street CODE`, `open311_key revoke NAME`, `open311_key list`."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongzhi.api import services
from gongzhi.api.models import Open311Client
from gongzhi.core.command_checks import require_migrated_database, require_street


class Command(BaseCommand):
    help = "创建、撤销或列出 Open311 客户端密钥（每个密钥绑定一个街道）"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="创建密钥；密钥只显示这一次")
        create.add_argument("name", help="客户端名称，如 区12345平台（撤销时用它指明密钥）")
        create.add_argument(
            "--street",
            required=True,
            help="街道代码（jurisdiction_id，即街道的行政区划代码，如 420106011；"
            "可在管理后台的“街道”中查看，填错时会列出现有街道的代码和名称）",
        )
        create.add_argument("--per-minute", type=int, default=120, help="每分钟请求上限")
        revoke = sub.add_parser("revoke", help="撤销密钥")
        revoke.add_argument("name", help="创建时给的客户端名称（见 open311_key list）")
        sub.add_parser("list", help="列出密钥")

    def handle(self, *args: Any, **options: Any) -> None:
        require_migrated_database()
        action = options["action"]
        if action == "create":
            street = require_street(options["street"])
            try:
                issued = services.open311_client_create(
                    actor=None,
                    name=options["name"],
                    street=street,
                    requests_per_minute=options["per_minute"],
                )
            except ValidationError as exc:
                raise CommandError("；".join(exc.messages)) from None
            self.stdout.write(issued.secret)
            self.stderr.write(
                f"已为“{street.name}”创建密钥“{issued.obj.name}”；请妥善保存，它不会再次显示。"
            )
        elif action == "revoke":
            client = Open311Client.objects.filter(name=options["name"]).first()
            if client is None:
                raise CommandError(f"没有名为“{options['name']}”的客户端")
            services.open311_client_revoke(actor=None, client=client)
            self.stdout.write(f"已撤销：{client.name}")
        else:
            clients = list(Open311Client.objects.select_related("street").order_by("name"))
            if not clients:
                self.stdout.write("暂无密钥（用 open311_key create 名称 --street 街道代码 创建）")
            for client in clients:
                state = "已撤销" if client.revoked_at else "有效"
                self.stdout.write(
                    f"{client.name}\t{client.street.code}\t{client.prefix}…\t"
                    f"{client.requests_per_minute}/分钟\t{state}"
                )
