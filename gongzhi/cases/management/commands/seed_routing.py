"""The demo street's routing rules (派单规则), written by its street officer through the same
service as 设置 › 派单规则, so that the AI grid worker and the 交办 form suggest departments
and a case escalated past the street (吹哨) names one. Idempotent: an existing rule stays."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from gongzhi.cases.choices import Category, Level
from gongzhi.cases.models import RoutingRule
from gongzhi.cases.services import configuration
from gongzhi.core.command_checks import require_migrated_database
from gongzhi.org.models import User

# Street-wide defaults: (category, level, department). The street edits them in 设置.
DEMO_RULES = [
    (Category.ILLEGAL_BUILDING, Level.DEPARTMENT, "武昌区城管执法局"),
    (Category.ROADS, Level.DEPARTMENT, "武昌区城管执法局（市政设施）"),
    (Category.PUBLIC_ORDER, Level.DEPARTMENT, "辖区派出所"),
    (Category.NOISE, Level.COMMUNITY, ""),
    (Category.NEIGHBOUR, Level.COMMUNITY, ""),
    (Category.COMMITTEE, Level.COMMUNITY, ""),
    (Category.COMMON_INCOME, Level.COMMUNITY, ""),
]


class Command(BaseCommand):
    help = "载入演示街道的派单规则（可重复运行，已有的规则不变）"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--officer", default="street", help="街道干部账号")

    def handle(self, *args: object, **options: object) -> None:
        require_migrated_database()
        officer = User.objects.filter(username=options["officer"]).first()
        if officer is None:
            raise CommandError(
                _("没有账号 %(username)s，未载入派单规则。") % {"username": options["officer"]}
            )
        added = 0
        for category, level, department in DEMO_RULES:
            if RoutingRule.objects.filter(compound=None, category=category).exists():
                continue
            configuration.routing_rule_save(
                actor=officer, compound=None, category=category, level=level, department=department
            )
            added += 1
        self.stdout.write(f"派单规则：新增 {added} 条。")
