"""`open311_key create NAME --street CODE`, `open311_key revoke NAME`, `open311_key list`."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongzhi.api import services
from gongzhi.api.models import Open311Client
from gongzhi.org.models import Street


class Command(BaseCommand):
    help = "创建、撤销或列出 Open311 客户端密钥（每个密钥绑定一个街道）"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="创建密钥；密钥只显示这一次")
        create.add_argument("name")
        create.add_argument("--street", required=True, help="街道代码（jurisdiction_id）")
        create.add_argument("--per-minute", type=int, default=120, help="每分钟请求上限")
        revoke = sub.add_parser("revoke", help="撤销密钥")
        revoke.add_argument("name")
        sub.add_parser("list", help="列出密钥")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            street = Street.objects.filter(code=options["street"]).first()
            if street is None:
                raise CommandError(f"街道代码不存在：{options['street']}")
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
            for client in Open311Client.objects.select_related("street").order_by("name"):
                state = "已撤销" if client.revoked_at else "有效"
                self.stdout.write(
                    f"{client.name}\t{client.street.code}\t{client.prefix}…\t"
                    f"{client.requests_per_minute}/分钟\t{state}"
                )
