"""What the demo's passes after `seed_scale` (`seed_history_actors`, `seed_ai`) may change: the
history `seed_scale` wrote in the demo street, nothing else.

Those passes name actors and write AI advice and decisions; run on real cases they would credit
a deleted officer's steps (SET_NULL) to someone else, turn a visit into someone's 电话回访, or
give a real case advice it never had. `seed_scale` writes plain rows filed by no account: no
requester, nobody recorded as filing them and no 12345 order number (`CaseFactory`); a case
filed through the services has one of these, and an imported 12345 order has its number.
"""

from django.core.management.base import CommandError, CommandParser
from django.db.models import QuerySet

from gongzhi.cases.models import Case
from gongzhi.org.demo_data import STREET_CODE
from gongzhi.org.models import Street


def add_street_argument(parser: CommandParser) -> None:
    parser.add_argument(
        "--street",
        default=STREET_CODE,
        help=f"演示街道的行政区划代码（默认 {STREET_CODE}，即 seed_demo 载入的南湖街道）",
    )


def demo_street(code: str) -> Street:
    """The demo street, or a clear refusal (the command exits non-zero, nothing changed)."""
    street = Street.objects.filter(code=code).first()
    if street is None:
        raise CommandError(
            f"未找到演示街道（行政区划代码 {code}），未做任何更改。"
            "本命令只补充 seed_demo 载入的演示街道的模拟诉求，请先运行 seed_demo。"
        )
    return street


def seeded_history(street: Street) -> QuerySet[Case]:
    """The cases `seed_scale` wrote in the street."""
    return Case.objects.filter(
        compound__community__street=street,
        requester=None,
        created_by=None,
        external_order_no="",
    )
