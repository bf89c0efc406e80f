"""A few demands in flight for the demo accounts, filed and moved through the real services, so
that 工作台 has work on the first sign-in (seed_scale's history is mostly closed)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from gongzhi.cases import services
from gongzhi.cases.choices import CaseType, Channel, Level
from gongzhi.cases.models import Case
from gongzhi.org import selectors as org_selectors
from gongzhi.org.models import ServiceContract, User

# (title, content, type, category, how far it has gone)
LIVE = [
    (
        "2单元楼道灯不亮",
        "2单元3楼到6楼的楼道灯一周都不亮了，晚上上下楼很危险，老人摔过一次。",
        CaseType.HELP,
        "repair",
        "received",
    ),
    (
        "地下车库有积水",
        "昨晚下雨后地下车库B区积水很深，几辆车泡在水里，请物业尽快抽水。",
        CaseType.HELP,
        "repair",
        "received",
    ),
    (
        "垃圾清运不及时",
        "小区东门垃圾站这几天都没有清运，味道很大，苍蝇很多。",
        CaseType.COMPLAINT,
        "sanitation",
        "dispatched",
    ),
    (
        "电梯异响",
        "3栋1单元电梯运行时有很大的摩擦声，担心安全，请尽快检修。",
        CaseType.HELP,
        "elevator",
        "dispatched",
    ),
    (
        "绿化带杂草丛生",
        "中心花园的绿化带很久没人修剪了，杂草长得比人还高，还有蚊虫。",
        CaseType.HELP,
        "greenery",
        "accepted",
    ),
    (
        "单元门禁坏了",
        "2单元的门禁刷卡没有反应，外人可以随便进出，请物业维修。",
        CaseType.HELP,
        "repair",
        "started",
    ),
]
STAGES = ["received", "dispatched", "accepted", "started"]


class Command(BaseCommand):
    help = "为演示账号载入几件正在办理中的诉求（可重复运行：已载入时不做任何更改）。"

    def handle(self, *args: object, **options: object) -> None:
        resident = User.objects.filter(username="resident").first()
        worker = User.objects.filter(username="huajin").first()
        company_staff = User.objects.filter(username="wuye_a").first()
        home = org_selectors.households_of(resident).first() if resident else None
        if not (home and worker and company_staff):
            self.stdout.write("未找到演示账号，跳过在办诉求。")
            return
        compound = home.building.compound
        if Case.objects.filter(requester=resident, title__in=[row[0] for row in LIVE]).exists():
            self.stdout.write("在办演示诉求已存在，未做任何更改。")
            return
        contract = ServiceContract.objects.filter(compound=compound).order_by("-start").first()
        with transaction.atomic():
            for title, content, type, category, stage in LIVE:
                case = services.case_file(
                    actor=resident, compound=compound, channel=Channel.ONLINE, type=type,
                    title=title, content=content, requester=resident, unit=home,
                    respondent_company=contract.company if type == CaseType.COMPLAINT else None,
                )  # fmt: skip
                # The AI grid worker reads it when the assessor first opens it (deferred mode).
                services.suggestion_for_assessor(case)
                reached = STAGES.index(stage)
                if reached >= 1:
                    case = services.case_assess(
                        case=case, actor=worker, category=category, sla_class="property",
                        urgency="urgent" if category == "elevator" else "normal",
                    )  # fmt: skip
                    case = services.case_dispatch(
                        case=case, actor=worker, level=Level.COMPOUND, company=contract.company
                    )
                if reached >= 2:
                    case = services.case_accept(case=case, actor=company_staff)
                if reached >= 3:
                    case = services.case_start(case=case, actor=company_staff)
        self.stdout.write(self.style.SUCCESS(f"已载入 {len(LIVE)} 件在办演示诉求。"))
