"""Realistic synthetic cases for benchmarks (`seed_scale`): texts from templates per category and
a lifecycle consistent with the workflow, the SLA policies and the event timeline."""

import datetime as dt
import random
from dataclasses import dataclass, field

from gongzhi.cases import sla
from gongzhi.cases.choices import (
    DEFAULT_SLA_CLASS,
    CaseType,
    Category,
    Channel,
    Level,
    RatingLevel,
    RatingVia,
    SlaClass,
    Urgency,
)
from gongzhi.cases.models import Case, CaseEvent, CaseRating, EventKind, SlaPolicy
from gongzhi.cases.workflow import CLOCK_STATUSES, Status
from gongzhi.core.calendar import WorkingCalendar

TEMPLATES: dict[str, list[tuple[str, str]]] = {
    Category.PROPERTY_SERVICE: [
        ("物业服务态度差", "{b}栋{r}业主反映物业前台人员态度生硬，报修多次无人回应。"),
        ("门岗管理松散", "小区{b}号门岗夜间经常无人值守，外来人员随意进出。"),
    ],
    Category.REPAIR: [
        ("楼道灯不亮", "{b}栋{u}单元楼道灯坏了{n}天，晚上上下楼看不见，请尽快维修。"),
        ("单元门禁损坏", "{b}栋{u}单元门禁坏了，门一直关不上。"),
        ("屋顶漏水", "{b}栋顶楼{r}下雨天屋顶渗水，墙面已经发霉。"),
    ],
    Category.ELEVATOR: [
        ("电梯频繁故障", "{b}栋{u}单元电梯本周停运{n}次，老人上下楼困难。"),
        ("电梯困人", "{b}栋电梯运行中突然停在两层之间，请排查安全隐患。"),
    ],
    Category.UTILITIES: [
        ("停水无通知", "{b}栋今天上午突然停水，没有提前通知，至今未恢复。"),
        ("水压太低", "{b}栋高层住户水压不足，{r}几乎放不出热水。"),
        ("燃气管道异味", "{b}栋{u}单元楼道有燃气味，请尽快派人检查。"),
    ],
    Category.SANITATION: [
        ("垃圾清运不及时", "{b}栋旁垃圾桶满溢{n}天无人清理，气味很大。"),
        ("楼道堆放杂物", "{b}栋{u}单元楼道堆满纸箱杂物，影响通行。"),
    ],
    Category.GREENERY: [
        ("树木遮挡采光", "{b}栋前的树长得太高，低层住户白天也要开灯。"),
        ("绿地被毁种菜", "{b}栋旁公共绿地被人开垦种菜，请恢复绿化。"),
    ],
    Category.PARKING: [
        ("消防通道停车", "{b}栋消防通道长期被私家车占用。"),
        ("车位乱收费", "地下车库临时停车收费标准没有公示。"),
    ],
    Category.NOISE: [
        ("夜间装修噪音", "{b}栋{r}晚上十点后还在装修，严重影响休息。"),
        ("广场舞噪音", "小区广场舞音响声音过大，持续到晚上九点半。"),
    ],
    Category.ILLEGAL_BUILDING: [
        ("楼顶违建", "{b}栋顶楼住户在屋面私自搭建阳光房。"),
        ("一楼私扩院子", "{b}栋一楼住户圈占公共绿地扩建院子。"),
    ],
    Category.FIRE_SAFETY: [
        ("电动车楼道充电", "{b}栋{u}单元有住户在楼道给电动车充电，存在火灾隐患。"),
        ("消防栓无水", "{b}栋消防栓打开没有水，灭火器已过期。"),
    ],
    Category.NEIGHBOUR: [
        ("楼上漏水纠纷", "{b}栋{r}楼上卫生间漏水，协商{n}次未果。"),
        ("宠物扰民", "邻居养狗夜间吠叫，沟通无效。"),
    ],
    Category.FEES: [
        ("物业费上涨", "物业公司通知物业费上涨，未经业主大会讨论。"),
        ("水电公摊不明", "{b}栋公摊电费账目不清楚，要求公示明细。"),
    ],
    Category.COMMON_INCOME: [
        ("广告收益去向", "电梯广告收入多年未公示，业主要求查看账目。"),
        ("车位租金公示", "公共车位租金收入没有公布，要求公开。"),
    ],
    Category.COMMITTEE: [
        ("业委会换届拖延", "业委会任期已满{n}个月仍未启动换届。"),
        ("业委会账目质疑", "业委会使用维修资金未征求业主意见。"),
    ],
    Category.PUBLIC_ORDER: [
        ("电动车被盗", "{b}栋楼下电动车被盗，监控无法调取。"),
        ("陌生人推销", "有陌生人挨家挨户敲门推销，存在安全隐患。"),
    ],
    Category.ROADS: [
        ("路面塌陷", "小区{b}号门外人行道塌陷，晚上容易摔倒。"),
        ("路灯损坏", "小区外道路路灯坏了{n}盏，夜间出行不安全。"),
    ],
    Category.OTHER: [
        ("咨询老旧小区改造", "请问小区什么时候纳入老旧小区改造计划？"),
        ("快递柜设置", "希望在{b}栋附近增设快递柜。"),
    ],
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英华慧建国红霞平刚桂兰"
REPLY = "经现场核实，已安排专人处理完毕，后续将加强日常巡查。"

CHANNEL_WEIGHTS = {
    Channel.HOTLINE_12345: 35,
    Channel.PROPERTY_HOTLINE: 20,
    Channel.ONLINE: 15,
    Channel.GRID_WORKER: 10,
    Channel.SENTINEL: 6,
    Channel.PATROL: 4,
    Channel.VISIT: 4,
    Channel.PETITION: 2,
    Channel.SUPERIOR: 2,
    Channel.AI_GRID: 2,
}
TYPE_WEIGHTS = {
    CaseType.HELP: 40,
    CaseType.COMPLAINT: 30,
    CaseType.CONSULTATION: 10,
    CaseType.SUGGESTION: 8,
    CaseType.REPORT: 6,
    CaseType.PRAISE: 3,
    CaseType.OTHER: 3,
}
# Old cases are mostly finished; the last few days are mostly still open.
MATURE = {Status.CLOSED: 86, Status.RESOLVED: 3, Status.IN_PROGRESS: 4, Status.TERMINATED: 3,
          Status.NOT_ACCEPTED: 2, Status.RETURNED: 1, Status.ACCEPTED: 1}  # fmt: skip
RECENT = {Status.RECEIVED: 10, Status.ASSESSED: 8, Status.DISPATCHED: 15, Status.ACCEPTED: 15,
          Status.IN_PROGRESS: 25, Status.RESOLVED: 17, Status.CLOSED: 10}  # fmt: skip
ORDER = [Status.ASSESSED, Status.DISPATCHED, Status.ACCEPTED, Status.IN_PROGRESS,
         Status.RESOLVED, Status.CLOSED]  # fmt: skip
SATISFIED = [RatingLevel.VERY_SATISFIED, RatingLevel.SATISFIED, RatingLevel.BASIC]


def _pick(rng: random.Random, weights: dict) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


@dataclass
class Draft:
    """A case plus the events and rating to insert once it has a primary key."""

    case: Case
    events: list[tuple[str, str, str, dt.datetime]] = field(default_factory=list)
    rating: tuple[bool, str] | None = None


def _reached(status: str, stage: str) -> bool:
    if status in (Status.TERMINATED, Status.RETURNED):
        return stage in (Status.ASSESSED, Status.DISPATCHED)
    return status in ORDER and ORDER.index(status) >= ORDER.index(stage)


class CaseFactory:
    def __init__(self, rng: random.Random, now: dt.datetime, companies: dict[int, int]) -> None:
        self.rng, self.now, self.companies = rng, now, companies
        self.policies = {p.code: p for p in SlaPolicy.objects.all()}
        self.calendar = WorkingCalendar()

    def draft(self, compound, created_at: dt.datetime) -> Draft:
        rng = self.rng
        category = rng.choice(list(TEMPLATES))
        title, text = rng.choice(TEMPLATES[category])
        content = text.format(b=rng.randint(1, 30), u=rng.randint(1, 4), r=rng.randint(101, 2804),
                              n=rng.randint(2, 9))  # fmt: skip
        channel = _pick(rng, CHANNEL_WEIGHTS)
        recent = (self.now - created_at).days < 4
        status = _pick(rng, RECENT if recent else MATURE)
        case = Case(
            channel=channel,
            type=_pick(rng, TYPE_WEIGHTS),
            title=title,
            content=content,
            compound=compound,
            address=f"{compound.name}{content[:3]}",
            requester_name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
            requester_phone=f"1{rng.choice('3456789')}{rng.randint(0, 999_999_999):09d}",
            is_public=rng.random() < 0.3,
            status=status,
            created_at=created_at,
            updated_at=created_at,
        )
        draft = Draft(case)
        draft.events.append((EventKind.FILED, "", Status.RECEIVED, created_at))
        if status == Status.NOT_ACCEPTED:
            case.not_accepted_reason = "litigation"
            case.closed_at = self._at(created_at, hours=2)
            draft.events.append((EventKind.NOT_ACCEPTED, Status.RECEIVED, status, case.closed_at))
            return draft
        if status != Status.RECEIVED:
            self._lifecycle(draft, category)
        self._as_if_swept(draft)
        case.updated_at = draft.events[-1][3]
        return draft

    def _as_if_swept(self, draft: Draft) -> None:
        """Leave the history as a running scheduler would have: past warnings and breaches
        recorded, unrated resolved cases auto-closed. Benchmarks then see a steady state."""
        case, now = draft.case, self.now
        if case.status in CLOCK_STATUSES and case.warn_at and case.warn_at <= now:
            case.warned_at = case.warn_at
            draft.events.append((EventKind.SLA_WARNED, case.status, case.status, case.warn_at))
        if case.status in CLOCK_STATUSES and case.due_at and case.due_at <= now:
            case.breached_at, case.breach_count = case.due_at, 1
            draft.events.append((EventKind.SLA_BREACHED, case.status, case.status, case.due_at))
        if case.status == Status.RESOLVED and case.visit_due_at <= now:
            case.status, case.closed_at = Status.CLOSED, case.visit_due_at
            draft.events.append(
                (EventKind.AUTO_CLOSED, Status.RESOLVED, Status.CLOSED, case.closed_at)
            )

    def _at(self, start: dt.datetime, **delta: float) -> dt.datetime:
        return min(start + dt.timedelta(**delta), self.now - dt.timedelta(minutes=1))

    def _lifecycle(self, draft: Draft, category: str) -> None:
        case, rng, status = draft.case, self.rng, draft.case.status
        case.category = category
        case.sla_class = SlaClass.PETITION if case.channel == Channel.PETITION else (
            DEFAULT_SLA_CLASS.get(category, SlaClass.GENERAL))  # fmt: skip
        case.urgency = Urgency.URGENT if rng.random() < 0.1 else Urgency.NORMAL
        case.assessed_at = self._at(case.created_at, minutes=rng.randint(3, 60))
        draft.events.append(
            (EventKind.ASSESSED, Status.RECEIVED, Status.ASSESSED, case.assessed_at)
        )
        if not _reached(status, Status.DISPATCHED):
            return
        policy = self.policies[case.sla_class]
        start = self._at(case.assessed_at, minutes=rng.randint(2, 30))
        window = sla.resolve_window(policy, start, self.calendar)
        company = self.companies.get(case.compound_id)
        if company and case.sla_class in (
            SlaClass.PROPERTY,
            SlaClass.EMERGENCY,
            SlaClass.UTILITIES,
        ):
            case.assigned_level, case.assigned_company_id = Level.COMPOUND, company
        else:
            case.assigned_level = Level.COMMUNITY
        case.dispatched_at = case.clock_started_at = start
        case.respond_due_at = sla.respond_due(policy, start)
        case.due_at, case.warn_at = window.due_at, window.warn_at
        draft.events.append((EventKind.DISPATCHED, Status.ASSESSED, Status.DISPATCHED, start))
        if status == Status.RETURNED:
            case.return_count = 1
            case.assigned_level, case.assigned_company_id, case.due_at = "", None, None
            draft.events.append(
                (EventKind.RETURNED, Status.DISPATCHED, status, self._at(start, hours=1))
            )
            return
        if status == Status.TERMINATED:
            case.closed_at = self._at(start, days=2)
            draft.events.append((EventKind.TERMINATED, Status.DISPATCHED, status, case.closed_at))
            return
        if not _reached(status, Status.ACCEPTED):
            return
        late = rng.random() < 0.08
        minutes = policy.respond_minutes * (rng.uniform(1.1, 3) if late else rng.uniform(0.1, 0.9))
        case.responded_at = self._at(start, minutes=minutes)
        draft.events.append(
            (EventKind.ACCEPTED, Status.DISPATCHED, Status.ACCEPTED, case.responded_at)
        )
        if not _reached(status, Status.IN_PROGRESS):
            return
        began = self._at(case.responded_at, minutes=rng.randint(5, 120))
        draft.events.append((EventKind.STARTED, Status.ACCEPTED, Status.IN_PROGRESS, began))
        if not _reached(status, Status.RESOLVED):
            return
        span = (window.due_at - start).total_seconds()
        breach = rng.random() < 0.1
        fraction = rng.uniform(1.05, 1.6) if breach else rng.uniform(0.1, 0.95)
        case.resolved_at = self._at(start, seconds=span * fraction)
        case.breach_count = 1 if case.resolved_at > window.due_at else 0
        case.public_reply = REPLY
        case.visit_due_at = case.resolved_at + dt.timedelta(days=policy.auto_close_days)
        draft.events.append(
            (EventKind.RESOLVED, Status.IN_PROGRESS, Status.RESOLVED, case.resolved_at)
        )
        if status != Status.CLOSED:
            return
        case.closed_at = self._at(case.resolved_at, hours=rng.randint(2, 72))
        level = rng.choice(SATISFIED) if rng.random() < 0.9 else RatingLevel.DISSATISFIED
        draft.rating = (True, level)
        draft.events.append((EventKind.CLOSED, Status.RESOLVED, Status.CLOSED, case.closed_at))


def events_for(draft: Draft) -> list[CaseEvent]:
    return [
        CaseEvent(case_id=draft.case.pk, kind=kind, old_status=old, new_status=new, created_at=at)
        for kind, old, new, at in draft.events
    ]


def rating_for(draft: Draft) -> CaseRating | None:
    if draft.rating is None:
        return None
    resolved, level = draft.rating
    # An unsatisfied visit closed only through a supervisor's reasoned exception (S5).
    reason = "" if level in SATISFIED else "诉求超出政策范围，已当面解释说明"
    return CaseRating(case_id=draft.case.pk, round=1, resolved=resolved, level=level,
                      via=RatingVia.PHONE, exception_reason=reason,
                      created_at=draft.case.closed_at)  # fmt: skip
