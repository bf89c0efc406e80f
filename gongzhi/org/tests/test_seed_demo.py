"""`seed_demo` loads the demo street once, and its accounts each see their own part of it.

Seeding takes a few seconds, so one test seeds once and checks each concern in turn.
"""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db.models import Count, F
from django.test import Client
from django.utils import timezone

from gongzhi.cases.models import Case, CaseEvent, CaseRating, EventKind
from gongzhi.cases.seeding_ai import recent_since
from gongzhi.cases.suggestions import CaseSuggestion, Decision
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
    Role,
    ServiceContract,
    Unit,
    User,
)

COMMUNITIES = {"华锦", "中央花园", "祥和", "宝安", "都市桃源", "宁松", "水域天际"}


def _counts() -> dict[str, int]:
    models = (Community, Compound, Unit, Owner, Person, Residency, User, AuditRecord, Case,
              CaseSuggestion)  # fmt: skip
    return {model.__name__: model.objects.count() for model in models}


@pytest.mark.django_db
def test_seed_demo_loads_the_street_once_and_every_account_works() -> None:
    _check_first_run_builds_the_street()
    _check_second_run_changes_nothing()
    _check_every_account_logs_in_and_sees_its_own_part()
    _check_property_staff_see_only_their_company_compounds()
    _check_the_month_shows_the_ai_grid_worker_and_handled_escalations()
    _check_history_steps_name_the_staff_who_took_them()
    _check_a_dispatch_against_the_ai_party_is_an_override()


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


def _check_the_month_shows_the_ai_grid_worker_and_handled_escalations() -> None:
    # Every case of the last month the AI grid worker would have read carries its advice,
    # dated by the case (not by the seeding run), and 研判 took some and changed some.
    recent = Case.objects.filter(created_at__gte=recent_since(timezone.now())).exclude(
        status__in=("not_accepted", "merged")
    )
    assert recent.count() >= 50
    assert not recent.filter(ai_suggestions__isnull=True).exists()
    advice = CaseSuggestion.objects.filter(case__in=recent)
    decisions = set(advice.values_list("decision", flat=True))
    assert {Decision.ACCEPTED, Decision.OVERRIDDEN} <= decisions
    assert not advice.filter(created_at__lt=F("case__created_at")).exists()
    # Decided at the case's 研判 (seed_live's cases were assessed just now, by the service),
    # or at its 交办 when that went to another party than the suggested one.
    for decided_at, assessed_at, dispatched_at in advice.exclude(decided_at=None).values_list(
        "decided_at", "case__assessed_at", "case__dispatched_at"
    ):
        at_assessment = assessed_at <= decided_at < assessed_at + dt.timedelta(minutes=1)
        assert at_assessment or decided_at == dispatched_at
    # The staff case page shows the card.
    client = Client()
    client.login(username="huajin", password=PASSWORD)
    shown = recent.filter(compound__community__name="华锦").first()
    assert "AI网格员建议" in client.get(f"/cases/{shown.pk}/").content.decode()

    # Escalated cases that the level above went on to resolve, and the requester rated.
    escalated = Case.objects.filter(events__kind=EventKind.ESCALATED, status="closed")
    assert escalated.filter(assigned_level__in=("community", "street")).exists()
    assert CaseRating.objects.filter(case__in=escalated).exists()
    # …and not every visit says 已解决: a demand beyond policy is closed by exception, unsolved.
    unsolved = CaseRating.objects.filter(resolved=False)
    assert unsolved.exists()
    assert not unsolved.filter(exception_reason="").exists()

    # Urgency follows the matter: a tree blocking light is never 紧急, a gas smell is 特急.
    assert set(Case.objects.filter(title="树木遮挡采光").values_list("urgency", flat=True)) <= {
        "",
        "normal",
    }
    gas = Case.objects.filter(title="燃气管道异味").exclude(category="")
    assert set(gas.values_list("urgency", flat=True)) == {"critical"}


def _staff_of(event: CaseEvent) -> set[tuple[str, str | int | None]]:
    """(role, community path or company id) of the event's actor."""
    return {(g.role, g.company_id or g.scope_path) for g in event.actor.grants.all()}


def _check_history_steps_name_the_staff_who_took_them() -> None:
    history = Case.objects.filter(created_by=None, requester=None)
    # 交办 by the worker of the case's own community, in every community (not only 华锦).
    dispatches = CaseEvent.objects.filter(case__in=history, kind=EventKind.DISPATCHED)
    assert dispatches.exists()
    assert not dispatches.filter(actor=None).exists()
    for event in dispatches.select_related("case__compound__community", "actor"):
        community = event.case.compound.community.path
        assert (Role.COMMUNITY_WORKER, community) in _staff_of(event), event.case.number
    assert dispatches.values("actor").distinct().count() == len(COMMUNITIES)
    # 签收 of a case handed to a compound by its company's staff.
    signed = CaseEvent.objects.filter(
        case__in=history, kind=EventKind.ACCEPTED, payload__level="compound"
    ).select_related("actor")
    assert signed.exists()
    for event in signed:
        assert (Role.PROPERTY_STAFF, event.payload["company"]) in _staff_of(event)
    # A case the street finished after it escalated there: its 处置 is the street's.
    assert CaseEvent.objects.filter(
        case__in=history, kind=EventKind.RESOLVED, payload__level="street",
        actor__username="street",
    ).exists()  # fmt: skip
    # The return visit: a phone call by staff who did not handle the round (S5).
    ratings = CaseRating.objects.filter(case__in=history)
    assert ratings.exists()
    assert not ratings.filter(by=None).exists()
    assert set(ratings.values_list("via", flat=True)) == {"phone"}
    for rating in ratings.exclude(exception_reason=""):
        handled = rating.case.events.filter(
            kind__in=("accepted", "started", "resolved"), actor=rating.by
        )
        assert not handled.exists()

    # huajin's case page names the worker at the 交办 step, not 系统.
    client = Client()
    client.login(username="huajin", password=PASSWORD)
    shown = dispatches.filter(case__compound__community__name="华锦").first()
    page = client.get(f"/cases/{shown.case_id}/").content.decode()
    assert User.objects.get(username="huajin").display_name in page


def _check_a_dispatch_against_the_ai_party_is_an_override() -> None:
    # The AI suggested the community; the case went to the compound's company: 人工调整,
    # with the 交办's note, decided at the 交办 by the worker who made it.
    note = CaseEvent.objects.filter(
        kind=EventKind.DISPATCH_NOTE, note__startswith="人工调整AI建议：承办 社区→小区"
    ).first()
    assert note is not None
    advice = note.case.ai_suggestions.get()
    assert advice.decision == Decision.OVERRIDDEN
    assert advice.decided_by == note.actor
    assert note.created_at == advice.decided_at == note.case.dispatched_at
    # A department the community may not send a case to: the 交办 at the community says so,
    # and leaves the 研判's decision to stand.
    out_of_reach = CaseEvent.objects.filter(
        kind=EventKind.DISPATCH_NOTE, note__contains="交办人不能派往该层级"
    ).first()
    assert out_of_reach is not None
    assert out_of_reach.case.ai_suggestions.get().decided_at == out_of_reach.case.assessed_at
