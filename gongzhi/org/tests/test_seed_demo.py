"""`seed_demo` loads the demo street once, and its accounts each see their own part of it.

Seeding takes a few seconds, so one test seeds once and checks each concern in turn.
"""

import io

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.test import Client

from gongzhi.core.models import AuditRecord
from gongzhi.org.demo_data import PASSWORD
from gongzhi.org.demo_parties import ACCOUNTS
from gongzhi.org.models import (
    Community,
    Compound,
    Owner,
    OwnersCommittee,
    PartyBranch,
    Person,
    Residency,
    ServiceContract,
    Unit,
    User,
)

COMMUNITIES = {"华锦", "中央花园", "祥和", "宝安", "都市桃源", "宁松", "水域天际"}


def _counts() -> dict[str, int]:
    models = (Community, Compound, Unit, Owner, Person, Residency, User, AuditRecord)
    return {model.__name__: model.objects.count() for model in models}


@pytest.mark.django_db
def test_seed_demo_loads_the_street_once_and_every_account_works() -> None:
    _check_first_run_builds_the_street()
    _check_second_run_changes_nothing()
    _check_every_account_logs_in_and_sees_its_own_part()
    _check_property_staff_see_only_their_company_compounds()


def _check_first_run_builds_the_street() -> None:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)

    assert set(Community.objects.values_list("name", flat=True)) == COMMUNITIES
    assert Compound.objects.count() >= 20
    assert Unit.objects.count() >= 2000
    assert not Unit.objects.filter(path="").exists()
    # The shapes the voting and finance pages need: co-owned and developer units, owners of
    # two units, compounds without a committee, and each compound's branch and contract.
    assert Owner.objects.filter(kind=Owner.Kind.CO_OWNED).exists()
    developer_units = Unit.objects.filter(owner__kind=Owner.Kind.DEVELOPER)
    assert developer_units.exists()
    assert set(developer_units.values_list("ownership_status", flat=True)) == {"unsold"}
    multi = Owner.objects.exclude(kind=Owner.Kind.DEVELOPER).annotate(n=Count("units"))
    assert multi.filter(n__gt=1).exists()
    with_committee = OwnersCommittee.objects.values("compound").distinct().count()
    assert 2 <= Compound.objects.count() - with_committee <= 3
    assert PartyBranch.objects.filter(compound__isnull=False).count() == Compound.objects.count()
    assert PartyBranch.objects.filter(company__isnull=False).exists()
    assert set(ServiceContract.objects.values_list("fee_mode", flat=True)) == {
        "lump_sum",
        "commission",
        "trust",
    }
    printed = out.getvalue()
    assert PASSWORD in printed
    assert all(account.username in printed for account in ACCOUNTS)


def _check_second_run_changes_nothing() -> None:
    before = _counts()
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "未做任何更改" in out.getvalue()
    assert _counts() == before


# A phrase each account's home page shows: its households or its area.
HOME = {
    "street": "宁松社区",
    "huajin": "华锦社区",
    "grid_huajin": "华锦社区",
    "party_hjhy": "华锦社区",
    "yeweihui_hjhy": "华锦社区",
    "wuye_a": "华锦社区",
    "wuye_b": "宝安社区",
    "resident": "华锦花园",
    "resident2": "宝安花园",
    "admin": "水域天际社区",
}


def _check_every_account_logs_in_and_sees_its_own_part() -> None:
    assert {a.username for a in ACCOUNTS} == set(HOME)
    for account in ACCOUNTS:
        client = Client()
        assert client.login(username=account.username, password=PASSWORD), account.username
        page = client.get("/")
        assert page.status_code == 200
        assert HOME[account.username] in page.content.decode(), account.username

    resident = User.objects.get(username="resident")
    home = Unit.objects.get(path__in=[g.scope_path for g in resident.grants.all()])
    assert home.owner.members.get(is_designated_voter=True).person == resident.person
    tenant = User.objects.get(username="resident2")
    assert Residency.objects.filter(person=tenant.person, kind="tenant").exists()


def _check_property_staff_see_only_their_company_compounds() -> None:
    wuye_a = User.objects.get(username="wuye_a")
    wuye_b = User.objects.get(username="wuye_b")
    seen_a = set(Compound.objects.visible_to(wuye_a).values_list("name", flat=True))
    seen_b = set(Compound.objects.visible_to(wuye_b).values_list("name", flat=True))
    assert "华锦花园" in seen_a and "宝安花园" in seen_b
    assert not seen_a & seen_b

    client = Client()
    client.login(username="wuye_a", password=PASSWORD)
    for compound in Compound.objects.filter(name__in=seen_b):
        assert client.get(f"/org/compounds/{compound.pk}/").status_code == 404
    assert "宝安花园" not in client.get("/").content.decode()
