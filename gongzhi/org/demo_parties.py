"""The three parties of each demo compound (党支部, 业委会, 物业), the grids and the demo
accounts. Called by `demo.seed` inside its transaction."""

import datetime as dt
import functools
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.contrib.auth.hashers import make_password

from gongzhi.org import services
from gongzhi.org.demo_data import (
    COMMITMENTS,
    COMPANIES,
    FEE_PER_M2,
    PARTY_DUTIES,
    PASSWORD,
    PREVIOUS_COMPANY,
    CommunitySpec,
)
from gongzhi.org.models import (
    Commitment,
    CommitteeMember,
    Community,
    Grid,
    OwnersCommittee,
    PartyBranch,
    PartyBranchMember,
    Person,
    PropertyCompany,
    Role,
    ServiceContract,
    Street,
    User,
)

if TYPE_CHECKING:
    from gongzhi.org.demo import CompoundSeed, People

# The compound the role accounts share, and the compound of the demo tenant.
SHOWCASE = "华锦花园"
TENANT_COMPOUND = "宝安花园"
# Commitments due before this date count as kept (fixed, so that every run is identical).
KEPT_BEFORE = dt.date(2025, 12, 1)


@dataclass(frozen=True)
class Account:
    username: str
    role: str
    scope: str


ACCOUNTS = [
    Account("street", "街道干部", "南湖街道（全街道）"),
    Account("huajin", "社区工作者", "华锦社区"),
    Account("grid_huajin", "网格员", "华锦社区（华锦社区第一网格）"),
    Account("party_hjhy", "党支部书记", "华锦花园"),
    Account("yeweihui_hjhy", "业委会主任", "华锦花园"),
    Account("wuye_a", "物业人员", f"{COMPANIES['A'][0]}（含华锦花园）"),
    Account("wuye_b", "物业人员", f"{COMPANIES['B'][0]}（宝安、水域天际社区的小区）"),
    Account("resident", "业主（自住）", "华锦花园 一户"),
    Account("resident2", "租户", "宝安花园 一户"),
    Account("admin", "系统管理员", "全部（超级用户）"),
]


# The staff the demo's history names (研判, 交办, 签收, 处置): besides the demo logins, each
# community's worker and each company's staff, as records without a password.
COMMUNITY_WORKERS = {"zhongyang": "王芳", "xianghe": "李静", "baoan": "张伟", "dushi": "赵丽",
                     "ningsong": "孙强", "shuiyu": "周杰"}  # fmt: skip
COMPANY_STAFF = {"C": "桃源物业·客服专员", "D": "鼎盛物业·客服专员", "E": "宁松物业·客服专员",
                 "F": "中南城市物业·客服专员", "G": "红盾物业·客服专员"}  # fmt: skip
# A second street officer: the 例外办结 of a case the street itself finished is another's (S5).
STREET_STAFF = ("street_center", "南湖街道网格管理中心·黄丽")


@functools.cache
def demo_password_hash() -> str:
    """Hashed once per process: the hasher is deliberately slow, and every account shares it."""
    return make_password(PASSWORD)


def seed_companies(people: "People") -> dict[str, PropertyCompany]:
    companies = {}
    for key, (name, hotline, has_party) in COMPANIES.items():
        company = PropertyCompany.objects.create(
            name=name, hotline=hotline, credit_code=f"91420106MA4K{ord(key):03d}X0{key}"
        )
        companies[key] = company
        if has_party:  # the company's own party organisation, with staff as members
            branch = PartyBranch.objects.create(name=f"{name}党支部", company=company)
            staff = [people.new(party=True, born=(1965, 1995)) for _ in range(3)]
            Person.objects.bulk_create(staff)
            PartyBranchMember.objects.bulk_create(
                PartyBranchMember(branch=branch, person=person, duty=duty)
                for person, duty in zip(staff, ("书记", "组织委员", "党员"), strict=True)
            )
    return companies


def seed_parties(
    seed: "CompoundSeed",
    companies: dict[str, PropertyCompany],
    rng: random.Random,
    people: "People",
) -> None:
    """党支部 with 党员责任区, 业委会 (for most compounds) and the property contracts."""
    compound, spec = seed.compound, seed.spec
    households = len(seed.units)
    candidates = list(seed.occupiers)
    branch_size = min(7, max(3, households // 60), len(candidates))
    members = candidates[:branch_size]
    del candidates[:branch_size]
    name = spec.name if spec.name.endswith("小区") else f"{spec.name}小区"
    branch = PartyBranch.objects.create(name=f"{name}党支部", compound=compound)
    Person.objects.filter(pk__in=[p.pk for p, _ in members]).update(is_party_member=True)
    branch_members = PartyBranchMember.objects.bulk_create(
        PartyBranchMember(branch=branch, person=person, duty=_duty(i))
        for i, (person, _) in enumerate(members)
    )
    # 党员责任区: consecutive slices of up to 30 households, one per member.
    share = min(30, -(-households // len(branch_members)))
    Through = PartyBranchMember.households.through
    Through.objects.bulk_create(
        Through(partybranchmember_id=member.pk, unit_id=unit.pk)
        for i, member in enumerate(branch_members)
        for unit in seed.units[i * share : (i + 1) * share]
    )
    if spec.committee:
        size = 3 if households <= 100 else (7 if households > 300 else 5)
        _committee(seed, candidates[:size], rng)
    _contracts(seed, companies, rng)


def _duty(index: int) -> str:
    return PARTY_DUTIES[index] if index < len(PARTY_DUTIES) else "党员"


def _committee(seed: "CompoundSeed", members: list, rng: random.Random) -> None:
    start = dt.date(rng.choice((2021, 2022, 2023, 2024)), rng.randint(3, 10), 1)
    committee = OwnersCommittee.objects.create(
        compound=seed.compound,
        term_start=start,
        term_end=start.replace(year=start.year + 5) - dt.timedelta(days=1),  # C1: <= 5 years
        filed_on=start + dt.timedelta(days=rng.randint(8, 28)),  # C3: filed within 30 days
    )
    offices = [CommitteeMember.Office.DIRECTOR, CommitteeMember.Office.DEPUTY]
    CommitteeMember.objects.bulk_create(
        CommitteeMember(
            committee=committee,
            person=person,
            office=offices[i] if i < len(offices) else CommitteeMember.Office.MEMBER,
        )
        for i, (person, _) in enumerate(members)
    )


def _contracts(
    seed: "CompoundSeed", companies: dict[str, PropertyCompany], rng: random.Random
) -> None:
    spec = seed.spec
    start = dt.date(rng.choice((2021, 2022, 2023, 2024)), rng.choice((1, 4, 7, 10)), 1)
    # A few contracts have lapsed and continue open-ended until a successor starts (C4).
    lapsed = rng.random() < 0.15
    years = 2 if lapsed and start.year <= 2022 else 3
    end = start.replace(year=start.year + years) - dt.timedelta(days=1)
    previous = PREVIOUS_COMPANY.get(spec.name)
    if previous:
        ServiceContract.objects.create(
            company=companies[previous],
            compound=seed.compound,
            fee_mode="lump_sum",
            start=start.replace(year=start.year - 4),
            end=start - dt.timedelta(days=1),
            fee_per_m2=Decimal("1.20"),
        )
    contract = ServiceContract.objects.create(
        company=companies[spec.company],
        compound=seed.compound,
        fee_mode=spec.fee_mode,
        start=start,
        end=end,
        fee_per_m2=Decimal(FEE_PER_M2[spec.fee_mode]) + Decimal(rng.randint(0, 40)) / 100,
    )
    commitments = []
    for i, text in enumerate(rng.sample(COMMITMENTS, 3)):
        due = start + dt.timedelta(days=180 * (i + 1))
        kept = due < KEPT_BEFORE and rng.random() < 0.8
        commitments.append(
            Commitment(
                contract=contract,
                text=text,
                due=due,
                kept_on=due - dt.timedelta(days=rng.randint(1, 20)) if kept else None,
            )
        )
    Commitment.objects.bulk_create(commitments)


def seed_grids(
    community: Community, spec: CommunitySpec, seeds: list["CompoundSeed"]
) -> list[Grid]:
    """Two compounds per grid; each grid has one grid worker (a user, role at the community)."""
    grids = []
    numerals = "一二三四五六"
    for number, first in enumerate(range(0, len(seeds), 2)):
        grid = Grid.objects.create(
            community=community, name=f"{community.name}社区第{numerals[number]}网格"
        )
        for seed in seeds[first : first + 2]:
            grid.buildings.add(*seed.buildings)
        username = f"grid_{spec.slug}" if number == 0 else f"grid_{spec.slug}_{number + 1}"
        worker = User(username=username, display_name=f"{grid.name}网格员")
        if username == "grid_huajin":  # the demo login among the grid workers
            worker.display_name = "华锦社区网格员·周敏"
            worker.password = demo_password_hash()
        else:
            worker.set_unusable_password()  # a record of the grid's worker, not a demo login
        worker.save()
        services.role_grant(actor=None, user=worker, role=Role.GRID_WORKER, node=community)
        grid.workers.add(worker)
        grids.append(grid)
    return grids


def seed_staff(
    street: Street,
    communities: list[tuple[Community, CommunitySpec]],
    companies: dict[str, PropertyCompany],
) -> None:
    """A community worker for each community but 华锦 (`huajin`), a staff member for each
    company but A and B (`wuye_a`, `wuye_b`) and a second street officer: named in the history,
    unable to log in."""

    def record(username: str, display_name: str, role: str, **scope: object) -> None:
        staff = User(username=username, display_name=display_name)
        staff.set_unusable_password()
        staff.save()
        services.role_grant(actor=None, user=staff, role=role, **scope)

    for community, spec in communities:
        name = COMMUNITY_WORKERS.get(spec.slug)
        if name:
            record(f"shequ_{spec.slug}", f"{community.name}社区·{name}",
                   Role.COMMUNITY_WORKER, node=community)  # fmt: skip
    for key, display_name in COMPANY_STAFF.items():
        record(f"wuye_{key.lower()}", display_name, Role.PROPERTY_STAFF, company=companies[key])
    record(*STREET_STAFF, Role.STREET_OFFICER, node=street)


def seed_accounts(
    street: Street, seeds: dict[str, "CompoundSeed"], companies: dict[str, PropertyCompany]
) -> None:
    """The demo logins (all with the published demo password, hashed once)."""
    password = demo_password_hash()
    showcase = seeds[SHOWCASE]
    compound = showcase.compound
    huajin = compound.community

    def user(username: str, display_name: str, person: Person | None = None) -> User:
        return User.objects.create(
            username=username, password=password, display_name=display_name, person=person
        )

    grant = services.role_grant
    grant(actor=None, user=user("street", "南湖街道·陈明"), role=Role.STREET_OFFICER, node=street)
    grant(actor=None, user=user("huajin", "华锦社区·刘洋"), role=Role.COMMUNITY_WORKER, node=huajin)

    secretary = compound.party_branch.members.get(duty="书记").person
    party = user("party_hjhy", f"华锦花园党支部·{secretary.name}", secretary)
    grant(actor=None, user=party, role=Role.PARTY_MEMBER, node=compound)
    committee = compound.committees.get()
    director = committee.members.get(office=CommitteeMember.Office.DIRECTOR).person
    chair = user("yeweihui_hjhy", f"华锦花园业委会·{director.name}", director)
    grant(actor=None, user=chair, role=Role.COMMITTEE_MEMBER, node=compound)

    a_staff = user("wuye_a", "锦华物业·客服主管")
    grant(actor=None, user=a_staff, role=Role.PROPERTY_STAFF, company=companies["A"])
    b_staff = user("wuye_b", "楚天安居物业·项目经理")
    grant(actor=None, user=b_staff, role=Role.PROPERTY_STAFF, company=companies["B"])

    taken = {secretary.pk, director.pk}
    owner, home = next((p, u) for p, u in showcase.occupiers if p.pk not in taken)
    resident = user("resident", f"业主·{owner.name}", owner)
    grant(actor=None, user=resident, role=Role.RESIDENT, node=home)
    tenant, rented = seeds[TENANT_COMPOUND].tenants[0]
    resident2 = user("resident2", f"租户·{tenant.name}", tenant)
    grant(actor=None, user=resident2, role=Role.RESIDENT, node=rented)

    User.objects.create(
        username="admin",
        password=password,
        display_name="系统管理员",
        is_staff=True,
        is_superuser=True,
    )
