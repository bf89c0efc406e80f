"""Named test personas, one per scope (style.md: alice/bob/charlie, per registry scope).

    street — 南湖测试街道
      community 1 (华锦) — compound A (served by company X), compound B (served by company Y)
      community 2 (宝安) — compound C (served by company X)

Used by every app's tests through the `personas` fixture in the root conftest.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from gongzhi.org import services
from gongzhi.org.models import (
    Building,
    Community,
    Compound,
    FeeMode,
    Person,
    PropertyCompany,
    Residency,
    Role,
    ServiceContract,
    Street,
    Unit,
    User,
)

PASSWORD = "gongzhi-test-pass"


@dataclass
class Personas:
    street: Street
    community1: Community
    community2: Community
    compound_a: Compound
    compound_b: Compound
    compound_c: Compound
    building_a: Building
    building_b: Building
    unit_a: Unit
    unit_a2: Unit
    unit_b: Unit
    company_x: PropertyCompany
    company_y: PropertyCompany
    resident_a: User
    resident_b: User
    property_a: User
    property_b: User
    committee_a: User
    party_a: User
    community_worker: User
    grid_worker: User
    street_officer: User
    outsider: User

    def all_users(self) -> dict[str, User | None]:
        return {
            "anonymous": None,
            "outsider": self.outsider,
            "resident_a": self.resident_a,
            "property_a": self.property_a,
            "property_b": self.property_b,
            "committee_a": self.committee_a,
            "party_a": self.party_a,
            "community_worker": self.community_worker,
            "grid_worker": self.grid_worker,
            "street_officer": self.street_officer,
        }


def make_user(username: str, name: str, person: Person | None = None) -> User:
    return User.objects.create_user(
        username=username, password=PASSWORD, display_name=name, person=person
    )


def make_resident(unit: Unit, username: str, name: str, phone: str, id_number: str) -> User:
    """An owner-occupier of `unit` with a resident account (its own Person and Owner)."""
    person = Person.objects.create(name=name, phone=phone, id_number=id_number)
    owner = services.owner_for_person(compound=unit.building.compound, person=person)
    Unit.objects.filter(pk=unit.pk).update(owner=owner)
    unit.owner = owner
    Residency.objects.create(unit=unit, person=person, kind=Residency.Kind.OWNER_OCCUPIER)
    user = make_user(username, name, person)
    services.role_grant(actor=None, user=user, role=Role.RESIDENT, node=unit)
    return user


def build_personas() -> Personas:
    street = services.street_create(name="南湖测试街道", code="420106-T")
    c1 = services.community_create(street=street, name="华锦")
    c2 = services.community_create(street=street, name="宝安")
    a = services.compound_create(community=c1, name="A小区", address="南湖路1号")
    b = services.compound_create(community=c1, name="B小区", address="南湖路2号")
    c = services.compound_create(community=c2, name="C小区", address="宝安路3号")
    building_a = services.building_create(compound=a, name="1栋", floors=18)
    building_b = services.building_create(compound=b, name="1栋", floors=6)
    building_c = services.building_create(compound=c, name="1栋", floors=6)
    unit_a = services.unit_create(
        building=building_a, entrance="1", room="101", area=Decimal("89.50")
    )
    unit_a2 = services.unit_create(
        building=building_a, entrance="1", room="102", area=Decimal("120.00")
    )
    unit_b = services.unit_create(
        building=building_b, entrance="1", room="201", area=Decimal("75.25")
    )
    services.unit_create(building=building_c, entrance="1", room="301", area=Decimal("66.00"))

    x = PropertyCompany.objects.create(name="测试物业X有限公司")
    y = PropertyCompany.objects.create(name="测试物业Y有限公司")
    start = dt.date(2024, 1, 1)
    for company, compound in ((x, a), (y, b), (x, c)):
        ServiceContract.objects.create(
            company=company,
            compound=compound,
            fee_mode=FeeMode.LUMP_SUM,
            start=start,
            end=dt.date(2027, 12, 31),
            fee_per_m2=Decimal("1.80"),
        )

    resident_a = make_resident(unit_a, "resident_a", "张三", "13812341234", "420106198001011237")
    resident_b = make_resident(unit_b, "resident_b", "李四", "13912345678", "42010619850202567X")
    property_a = make_user("property_a", "物业X员工")
    services.role_grant(actor=None, user=property_a, role=Role.PROPERTY_STAFF, company=x)
    property_b = make_user("property_b", "物业Y员工")
    services.role_grant(actor=None, user=property_b, role=Role.PROPERTY_STAFF, company=y)
    committee_a = make_user("committee_a", "业委会委员")
    services.role_grant(actor=None, user=committee_a, role=Role.COMMITTEE_MEMBER, node=a)
    party_a = make_user("party_a", "党支部书记")
    services.role_grant(actor=None, user=party_a, role=Role.PARTY_MEMBER, node=a)
    community_worker = make_user("community_worker", "社区工作者")
    services.role_grant(actor=None, user=community_worker, role=Role.COMMUNITY_WORKER, node=c1)
    grid_worker = make_user("grid_worker", "网格员")
    services.role_grant(actor=None, user=grid_worker, role=Role.GRID_WORKER, node=c1)
    street_officer = make_user("street_officer", "街道干部")
    services.role_grant(actor=None, user=street_officer, role=Role.STREET_OFFICER, node=street)
    outsider = make_user("outsider", "无关用户")
    return Personas(
        street,
        c1,
        c2,
        a,
        b,
        c,
        building_a,
        building_b,
        unit_a,
        unit_a2,
        unit_b,
        x,
        y,
        resident_a,
        resident_b,
        property_a,
        property_b,
        committee_a,
        party_a,
        community_worker,
        grid_worker,
        street_officer,
        outsider,
    )
