"""A street's October 2026, built through the services, for the monthly report's tests.

Today is 15 November 2026, 10:00 local time, so the report's default month is October and its
环比 month September. Times are local (+08:00); the cases at the edges of the months are filed
where UTC and local dates differ.

    A小区 (华锦, company X)
      o1  1 Oct 00:30  12345   电梯停运       → closed, rated 满意 (signed for on time)
      o2  3 Oct 09:00  网格员  垃圾清运       → 交办 X, never signed for; breached on 5 Oct and
                                                escalated to 社区; 督办 on 6 Oct
      t1  5 Oct 09:00  网格员  parking complaint (王小明, 13912348888 in the text)
      t2  9 Oct 09:00  网格员  parking complaint (王小明)
    B小区 (华锦, company Y)
      o3 20 Oct 09:00  线上    道路塌陷       → 研判 市政道路, 吹哨: the street sends it to 区城管局
    C小区 (宝安, company X)
      t3 28 Oct 09:00  网格员  parking complaint (王小明)
      o4 31 Oct 23:59  12345   楼上装修噪音    received only
    s1 30 Sep 23:30 (A, 12345): September's only case.   n1 1 Nov 00:05 (A): November's.

October for the street: 7 cases (September 1); 办结 1 (o1); 在办 6; 响应率 1/3 (o1 of o1, o2,
o3); 12345 2, 网格员 4, 线上 1; 设施设备维修 2 (o1, o2), 市政道路 1, 未研判 4. Overdue on 15 Nov:
o2 and o3, and the six cases never assessed (past their 研判期限). One hot topic: t1, t2, t3
(A 2, C 1; 1-15 Oct 2, 16-31 Oct 1).
"""

import datetime as dt
from dataclasses import dataclass

import time_machine

from gongzhi.cases import services
from gongzhi.cases.choices import (
    CaseType,
    Category,
    Channel,
    Level,
    RatingLevel,
    SlaClass,
    Urgency,
)
from gongzhi.cases.models import Case
from gongzhi.cases.services.escalation import case_escalate

LOCAL = dt.timezone(dt.timedelta(hours=8))
TODAY = dt.datetime(2026, 11, 15, 10, 0, tzinfo=LOCAL)
WRITER = "王小明"
WRITER_PHONE = "13912348888"
PARKING = [
    "小区东门外的停车位被外来车辆长期占用，业主回家没地方停车",
    "东门附近的停车位总被外来车辆占着，业主下班回来没地方停车",
    "外来车辆长期占用小区东门停车位，业主没有地方停车",
]


def at(month: int, day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=LOCAL)


@dataclass
class October:
    p: object
    o1: Case
    o2: Case
    o3: Case
    o4: Case
    topic: list[Case]
    s1: Case
    n1: Case


def file(p, when, compound, *, channel=Channel.HOTLINE_12345, title="反映问题", content="", **kw):
    actor = p.street_officer
    with time_machine.travel(when, tick=False):
        return services.case_file(
            actor=actor,
            compound=compound,
            channel=channel,
            type=kw.pop("type", CaseType.HELP),
            title=title,
            content=content or title,
            **kw,
        )


def _topic_case(p, when, compound, text):
    return file(
        p,
        when,
        compound,
        channel=Channel.GRID_WORKER,
        type=CaseType.COMPLAINT,
        content=f"{text}，联系电话{WRITER_PHONE}",
        requester_name=WRITER,
        requester_phone=WRITER_PHONE,
    )


def build_october(make) -> October:
    p = make.p
    with time_machine.travel(at(10, 1, 0, 30), tick=False):
        o1 = make.resolved(title="电梯停运", content="2栋电梯停运两天，老人上下楼困难")
        services.case_visit(
            case=o1, actor=p.grid_worker, resolved=True, level=RatingLevel.SATISFIED, via="phone"
        )
    with time_machine.travel(at(10, 3), tick=False):
        o2 = make.dispatched(
            channel=Channel.GRID_WORKER, title="垃圾清运", content="垃圾站三天没有清运，气味很大"
        )
    with time_machine.travel(at(10, 5, 10), tick=False):
        o2.refresh_from_db()
        assert case_escalate(case=o2, now=at(10, 5, 10))
    with time_machine.travel(at(10, 6), tick=False):
        o2.refresh_from_db()
        services.case_supervise(case=o2, actor=p.community_worker, reason="请尽快清运")
    topic = [
        _topic_case(p, at(10, 5), p.compound_a, PARKING[0]),
        _topic_case(p, at(10, 9), p.compound_a, PARKING[1]),
    ]
    o3 = file(p, at(10, 20), p.compound_b, channel=Channel.ONLINE, title="道路塌陷",
              content="小区门口市政道路塌陷一个大坑")  # fmt: skip
    with time_machine.travel(at(10, 20, 10), tick=False):
        services.case_assess(
            case=o3,
            actor=p.community_worker,
            category=Category.ROADS,
            sla_class=SlaClass.GENERAL,
            urgency=Urgency.NORMAL,
        )
        services.case_dispatch(
            case=o3, actor=p.street_officer, level=Level.DEPARTMENT, department="区城管局"
        )
    topic.append(_topic_case(p, at(10, 28), p.compound_c, PARKING[2]))
    o4 = file(p, at(10, 31, 23, 59), p.compound_c, title="装修噪音",
              content="楼上装修噪音太大，周末早上七点就开始电钻")  # fmt: skip
    s1 = file(p, at(9, 30, 23, 30), p.compound_a, title="绿化", content="绿化带树枝挡住窗户")
    n1 = file(p, at(11, 1, 0, 5), p.compound_a, title="路灯", content="东门路灯不亮")
    for case in (o1, o2, o3):
        case.refresh_from_db()
    return October(p, o1, o2, o3, o4, topic, s1, n1)
