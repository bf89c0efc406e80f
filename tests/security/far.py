"""A second street shaped like the personas' one (gongzhi.org.testing), with its own staff.

`build_far_world()` returns a `Personas` whose attributes are the far street's objects and
users, so every expectation builder written for the personas (`lambda p: {"pk": …}`,
`CaseMaker(p)`) makes the same kind of object there: an object in another scope, which no
persona of the near street may see or change.
"""

import datetime as dt
from decimal import Decimal

from gongzhi.org import services
from gongzhi.org.models import (
    FeeMode,
    Person,
    PropertyCompany,
    Role,
    ServiceContract,
    Unit,
    User,
)
from gongzhi.org.testing import Personas, make_resident, make_user


def _user(username: str, name: str, person: Person | None = None) -> User:
    return make_user(f"far_{username}", name, person)


def _resident(unit: Unit, username: str, name: str, phone: str, id_number: str) -> User:
    return make_resident(unit, f"far_{username}", name, phone, id_number)


def build_far_world() -> Personas:
    street = services.street_create(name="远方测试街道", code="420106-F")
    c1 = services.community_create(street=street, name="远一")
    c2 = services.community_create(street=street, name="远二")
    a = services.compound_create(community=c1, name="远A小区", address="远方路1号")
    b = services.compound_create(community=c1, name="远B小区", address="远方路2号")
    c = services.compound_create(community=c2, name="远C小区", address="远方路3号")
    building_a = services.building_create(compound=a, name="1栋", floors=18)
    building_b = services.building_create(compound=b, name="1栋", floors=6)
    services.building_create(compound=c, name="1栋", floors=6)
    unit_a = services.unit_create(
        building=building_a, entrance="1", room="101", area=Decimal("90.00")
    )
    unit_a2 = services.unit_create(
        building=building_a, entrance="1", room="102", area=Decimal("100.00")
    )
    unit_b = services.unit_create(
        building=building_b, entrance="1", room="201", area=Decimal("70.00")
    )
    x = PropertyCompany.objects.create(name="远方物业X有限公司")
    y = PropertyCompany.objects.create(name="远方物业Y有限公司")
    for company, compound in ((x, a), (y, b), (x, c)):
        ServiceContract.objects.create(
            company=company,
            compound=compound,
            fee_mode=FeeMode.LUMP_SUM,
            start=dt.date(2024, 1, 1),
            end=dt.date(2027, 12, 31),
            fee_per_m2=Decimal("2.00"),
        )
    resident_a = _resident(unit_a, "resident_a", "远张", "13600001111", "420106199001011234")
    resident_b = _resident(unit_b, "resident_b", "远李", "13600002222", "420106199202021238")
    staff = {}
    for username, name, role, kwargs in (
        ("property_a", "远方物业X员工", Role.PROPERTY_STAFF, {"company": x}),
        ("property_b", "远方物业Y员工", Role.PROPERTY_STAFF, {"company": y}),
        ("committee_a", "远方业委会委员", Role.COMMITTEE_MEMBER, {"node": a}),
        ("party_a", "远方党支部书记", Role.PARTY_MEMBER, {"node": a}),
        ("community_worker", "远方社区工作者", Role.COMMUNITY_WORKER, {"node": c1}),
        ("grid_worker", "远方网格员", Role.GRID_WORKER, {"node": c1}),
        ("street_officer", "远方街道干部", Role.STREET_OFFICER, {"node": street}),
    ):
        staff[username] = _user(username, name)
        services.role_grant(actor=None, user=staff[username], role=role, **kwargs)
    return Personas(
        street=street,
        community1=c1,
        community2=c2,
        compound_a=a,
        compound_b=b,
        compound_c=c,
        building_a=building_a,
        building_b=building_b,
        unit_a=unit_a,
        unit_a2=unit_a2,
        unit_b=unit_b,
        company_x=x,
        company_y=y,
        resident_a=resident_a,
        resident_b=resident_b,
        outsider=_user("outsider", "远方无关用户"),
        **staff,
    )
