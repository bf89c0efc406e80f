"""The demo street behind `manage.py seed_demo`: 南湖街道 with its 7 communities, ~25 compounds,
buildings, households with owners and residents, the three parties, grids and demo accounts.

Deterministic (one seeded random generator) and idempotent: the street code marks a seeded
database, and a second run returns at once. Writes go through `org.services`; households are
created in bulk (`units_bulk_create`, `owners_bulk_create`) so a run takes seconds.
"""

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from gongzhi.org import demo_parties, services
from gongzhi.org.demo_data import (
    CITY,
    COMMUNITIES,
    DISTRICT,
    GIVEN,
    SEED,
    STREET_CODE,
    STREET_NAME,
    SURNAMES,
    CommunitySpec,
    CompoundSpec,
)
from gongzhi.org.models import (
    AreaSource,
    Building,
    Community,
    Compound,
    Person,
    Residency,
    Street,
    Unit,
)
from gongzhi.org.roster import id_check_digit

CENT = Decimal("0.01")


class People:
    """Fake but well-formed people: Chinese names, 19900xxxxxx phones, 420199… ID numbers."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.count = 0
        self.id_bodies: set[str] = set()

    def name(self) -> str:
        given = "".join(self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2, 2))))
        return self.rng.choice(SURNAMES) + given

    def new(self, *, party: bool | None = None, born: tuple[int, int] = (1948, 1998)) -> Person:
        """An unsaved person; about one in fourteen is a party member unless `party` says."""
        self.count += 1
        while True:
            birth = dt.date(self.rng.randint(*born), 1, 1)
            birth += dt.timedelta(days=self.rng.randint(0, 364))
            body = f"420199{birth:%Y%m%d}{self.rng.randint(0, 999):03d}"
            if body not in self.id_bodies:
                self.id_bodies.add(body)
                break
        return Person(
            name=self.name(),
            phone=f"19900{self.count:06d}",
            id_number=body + id_check_digit(body),
            is_party_member=self.rng.random() < 0.07 if party is None else party,
        )


@dataclass
class CompoundSeed:
    """What the party, committee and account steps need to know about a seeded compound."""

    spec: CompoundSpec
    compound: Compound
    buildings: list[Building]
    units: list[Unit]
    # Single owners living in their own unit, in a random order: candidates for party
    # members, committee members and the demo resident.
    occupiers: list[tuple[Person, Unit]] = field(default_factory=list)
    tenants: list[tuple[Person, Unit]] = field(default_factory=list)


@dataclass
class SeedResult:
    created: bool
    accounts: list[demo_parties.Account]
    seconds: float = 0.0


def is_seeded() -> bool:
    return Street.objects.filter(code=STREET_CODE).exists()


def seed() -> SeedResult:
    """Load the demo street once; a second call changes nothing."""
    if is_seeded():
        return SeedResult(False, demo_parties.ACCOUNTS)
    with transaction.atomic():
        if is_seeded():  # another runner won the race
            return SeedResult(False, demo_parties.ACCOUNTS)
        rng = random.Random(SEED)  # noqa: S311 - demo data, not security
        people = People(rng)
        street = services.street_create(
            name=STREET_NAME, code=STREET_CODE, district=DISTRICT, city=CITY
        )
        companies = demo_parties.seed_companies(people)
        seeds: dict[str, CompoundSeed] = {}
        communities = []
        for community_spec in COMMUNITIES:
            community = services.community_create(street=street, name=community_spec.name)
            community_seeds = [
                _seed_compound(community, community_spec, spec, index, rng, people)
                for index, spec in enumerate(community_spec.compounds)
            ]
            for compound_seed in community_seeds:
                demo_parties.seed_parties(compound_seed, companies, rng, people)
                seeds[compound_seed.spec.name] = compound_seed
            demo_parties.seed_grids(community, community_spec, community_seeds)
            communities.append((community, community_spec))
        demo_parties.seed_accounts(street, seeds, companies)
        demo_parties.seed_staff(street, communities, companies)
    return SeedResult(True, demo_parties.ACCOUNTS)


def _seed_compound(
    community: Community,
    community_spec: CommunitySpec,
    spec: CompoundSpec,
    index: int,
    rng: random.Random,
    people: People,
) -> CompoundSeed:
    # Compounds of a community lie a few hundred metres apart around its centre.
    latitude = Decimal(str(community_spec.latitude + 0.0021 * (index - 1.5))).quantize(
        Decimal("0.000001")
    )
    longitude = Decimal(str(community_spec.longitude + 0.0017 * ((index * 7) % 4 - 1.5)))
    compound = services.compound_create(
        community=community,
        name=spec.name,
        address=spec.address,
        latitude=latitude,
        longitude=longitude.quantize(Decimal("0.000001")),
        built_year=spec.built_year,
    )
    buildings: list[tuple[Building, int, int]] = []
    for count, floors, entrances, per_floor in spec.layout:
        for _ in range(count):
            name = f"{len(buildings) + 1}栋"
            building = services.building_create(compound=compound, name=name, floors=floors)
            buildings.append((building, entrances, per_floor))
    plan = _Households(spec, rng, people)
    for building, entrances, per_floor in buildings:
        for entrance in range(1, entrances + 1):
            for floor in range(1, building.floors + 1):
                for position in range(1, per_floor + 1):
                    plan.add(building, entrance, floor, position)
    return plan.save(compound, [b for b, _, _ in buildings])


class _Households:
    """Plans the units of one compound with their owners and residents, then saves them in
    bulk: persons, owners (one per person or co-owning couple, V6), units, residencies."""

    def __init__(self, spec: CompoundSpec, rng: random.Random, people: People) -> None:
        self.spec = spec
        self.rng = rng
        self.people = people
        self.persons: list[Person] = []
        self.groups: list[list[Person]] = []  # owner groups, designated voter first
        self.units: list[Unit] = []
        self.unit_groups: list[int | None] = []  # index into groups; None: the developer
        self.residents: list[tuple[int, Person, str]] = []  # (unit index, person, kind)
        self.single_groups: list[int] = []
        self.occupier_slots: list[tuple[Person, int]] = []
        self.tenant_slots: list[tuple[Person, int]] = []

    def _person(self, **kwargs: object) -> Person:
        person = self.people.new(**kwargs)  # type: ignore[arg-type]
        self.persons.append(person)
        return person

    def add(self, building: Building, entrance: int, floor: int, position: int) -> None:
        rng = self.rng
        roll = rng.random()
        if roll < self.spec.unsold:
            status = Unit.Status.UNSOLD
        elif roll < self.spec.unsold + 0.02:
            status = Unit.Status.POSSESSION
        else:
            status = Unit.Status.REGISTERED
        area = Decimal(self.spec.areas[(position - 1) % len(self.spec.areas)])
        source = _area_source(status, rng)
        if source != AreaSource.REGISTERED:  # surveyed and contract areas differ a little
            area += Decimal(rng.randint(-80, 80)) * CENT
        unit = Unit(
            building=building,
            entrance=str(entrance),
            room=f"{floor}{position:02d}",
            floor=floor,
            area=area,
            area_source=source,
            ownership_status=status,
        )
        index = len(self.units)
        self.units.append(unit)
        if status == Unit.Status.UNSOLD:
            self.unit_groups.append(None)
            return
        roll = rng.random()
        if self.single_groups and roll < 0.03:  # an owner's second home in the compound
            self.unit_groups.append(rng.choice(self.single_groups))
            if rng.random() < 0.5:
                self._tenants(index)
            return
        group = [self._person()] if roll >= 0.11 else [self._person(), self._person()]
        self.groups.append(group)
        self.unit_groups.append(len(self.groups) - 1)
        if len(group) == 1:
            self.single_groups.append(len(self.groups) - 1)
        roll = rng.random()
        if roll < 0.72:
            for person in group:
                self.residents.append((index, person, Residency.Kind.OWNER_OCCUPIER))
            if len(group) == 1:
                self.occupier_slots.append((group[0], index))
            if rng.random() < 0.3:
                family = self._person(born=(1985, 2007))
                self.residents.append((index, family, Residency.Kind.FAMILY))
        elif roll < 0.87:
            self._tenants(index)

    def _tenants(self, index: int) -> None:
        for _ in range(self.rng.choice((1, 1, 2))):
            tenant = self._person(born=(1975, 2004))
            self.residents.append((index, tenant, Residency.Kind.TENANT))
            self.tenant_slots.append((tenant, index))

    def save(self, compound: Compound, buildings: list[Building]) -> CompoundSeed:
        Person.objects.bulk_create(self.persons, batch_size=500)
        owners = services.owners_bulk_create(compound=compound, groups=self.groups)
        developer = None
        if None in self.unit_groups:
            developer = services.developer_owner(
                compound=compound, name=f"武汉{self.spec.name[:2]}置业有限公司"
            )
        for unit, group in zip(self.units, self.unit_groups, strict=True):
            unit.owner = developer if group is None else owners[group]
        units = services.units_bulk_create(units=self.units)
        moved_in = dt.date(self.spec.built_year + 1, 6, 1)
        Residency.objects.bulk_create(
            [
                Residency(unit=units[i], person=person, kind=kind, moved_in=moved_in)
                for i, person, kind in self.residents
            ],
            batch_size=500,
        )
        occupiers = [(person, units[i]) for person, i in self.occupier_slots]
        self.rng.shuffle(occupiers)
        tenants = [(person, units[i]) for person, i in self.tenant_slots]
        return CompoundSeed(self.spec, compound, buildings, units, occupiers, tenants)


def _area_source(status: str, rng: random.Random) -> str:
    """V7: most sold units have a registry area; new or unsold ones a surveyed or contract one."""
    if status == Unit.Status.UNSOLD:
        return AreaSource.SURVEYED
    if status == Unit.Status.POSSESSION:
        return rng.choice((AreaSource.CONTRACT, AreaSource.SURVEYED))
    roll = rng.random()
    if roll < 0.06:
        return AreaSource.SURVEYED
    return AreaSource.CONTRACT if roll < 0.09 else AreaSource.REGISTERED
