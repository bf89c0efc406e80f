"""Who may open the staff analysis pages: the readers of 办理指标."""

from gongzhi.cases import services
from gongzhi.cases.choices import CaseType, Channel
from gongzhi.org.testing import Personas
from gongzhi.org.url_expectations import PERSONAS, Expect

READERS = {"community_worker", "street_officer", "party_a"}

EXPECTATIONS: dict[str, Expect] = {
    "insights:dashboard": Expect(ok=READERS, other=403),
    "insights:monthly": Expect(ok=READERS, other=403),
}


def _street(p: Personas) -> dict:
    return {"code": p.street.code}


def _published_case(p: Personas) -> dict:
    case = services.case_file(
        actor=p.resident_a,
        compound=p.compound_a,
        channel=Channel.ONLINE,
        type=CaseType.CONSULTATION,
        title="物业费标准咨询",
        content="请问本小区物业费标准是多少？",
        is_public=True,
    )
    services.case_answer(case=case, actor=p.community_worker, reply="每月每平方米1.8元。")
    return {"code": p.street.code, "number": case.number}


# 透明小区: anyone, signed in or not, reads every street's public pages.
ANYONE = {"ok": set(PERSONAS), "anonymous": 200, "public": True}
EXPECTATIONS |= {
    "public:street": Expect(kwargs=_street, **ANYONE),
    "public:cases": Expect(kwargs=_street, **ANYONE),
    "public:case": Expect(kwargs=_published_case, **ANYONE),
}
