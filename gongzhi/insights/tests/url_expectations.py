"""Who may open the staff analysis pages: the readers of 办理指标."""

from gongzhi.cases.models import Case
from gongzhi.cases.tests.url_expectations import closed_case
from gongzhi.org.testing import Personas
from gongzhi.org.url_expectations import PERSONAS, Expect

READERS = {"community_worker", "grid_worker", "street_officer", "party_a"}

EXPECTATIONS: dict[str, Expect] = {
    "insights:dashboard": Expect(ok=READERS, other=403),
    "insights:monthly": Expect(ok=READERS, other=403),
}


def _street(p: Personas) -> dict:
    return {"code": p.street.code}


def _published_case(p: Personas) -> dict:
    """The closed consultation of the cases app's expectations, its requester having agreed to
    publish it (as the filing form's 同意公开 would have it)."""
    case = Case.objects.get(pk=closed_case(p)["pk"])
    Case.objects.filter(pk=case.pk).update(is_public=True)
    return {"code": p.street.code, "number": case.number}


# 透明小区: anyone, signed in or not, reads every street's public pages.
ANYONE = {"ok": set(PERSONAS), "anonymous": 200, "public": True}
EXPECTATIONS |= {
    "public:street": Expect(kwargs=_street, **ANYONE),
    "public:cases": Expect(kwargs=_street, **ANYONE),
    "public:case": Expect(kwargs=_published_case, **ANYONE),
}
