"""`seed_demo`'s passes over the history (`seed_history_actors`, `seed_ai`) change the demo
street's seeded cases only: a real street's case, whose steps lost their actor when an officer's
account was deleted, keeps them as they were, with no AI advice it never had."""

import io
from unittest import mock

import pytest
from django.core.management import ManagementUtility, call_command

from gongzhi.cases import services
from gongzhi.cases.management.commands.seed_routing import DEMO_RULES
from gongzhi.cases.models import Case, CaseEvent, CaseRating, RoutingRule
from gongzhi.cases.suggestions import CaseSuggestion
from gongzhi.cases.tests.conftest import CaseMaker
from gongzhi.org.demo_data import STREET_CODE
from gongzhi.org.models import Street, Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def make(personas, settings, tmp_path) -> CaseMaker:
    from gongzhi.cases.sla import ensure_default_policies

    settings.MEDIA_ROOT = tmp_path
    ensure_default_policies()
    return CaseMaker(personas)


def _orphaned_case(make: CaseMaker) -> Case:
    """A closed case of the test street (not the demo's), handled by staff since deleted: every
    step, the filing and the visit without an account (SET_NULL), and no AI advice."""
    p = make.p
    case = make.resolved()
    case = services.case_visit(
        case=case, actor=p.community_worker, resolved=True, level="satisfied", via="phone"
    )
    Case.objects.filter(pk=case.pk).update(requester=None, created_by=None, dispatched_by=None)
    CaseEvent.objects.filter(case=case).update(actor=None)
    CaseRating.objects.filter(case=case).update(by=None)
    CaseSuggestion.objects.filter(case=case).delete()
    return case


def test_seed_demo_leaves_another_streets_cases_alone(make) -> None:
    p = make.p
    case = _orphaned_case(make)
    theirs = Case.objects.filter(compound__community__street=p.street)
    cases_before, units_before = (
        theirs.count(),
        Unit.objects.filter(building__compound__community__street=p.street).count(),
    )

    # The routing rules are shared by every street, which the demo's officer may not set once
    # another street exists (seed_routing keeps the rules it finds): set as a deployment has.
    for category, level, department in DEMO_RULES:
        RoutingRule.objects.create(category=category, level=level, department=department)

    call_command("seed_demo", stdout=io.StringIO())

    case.refresh_from_db()
    assert case.dispatched_by_id is None
    assert not CaseEvent.objects.filter(case=case).exclude(actor=None).exists()
    assert not CaseRating.objects.filter(case=case).exclude(by=None).exists()
    assert not CaseSuggestion.objects.filter(case=case).exists()
    # Nor does the demo's history land in the other street's compounds.
    assert theirs.count() == cases_before
    assert (
        Unit.objects.filter(building__compound__community__street=p.street).count() == units_before
    )
    # The demo street's own history did get its staff and its advice.
    demo = Case.objects.filter(compound__community__street__code=STREET_CODE)
    assert CaseEvent.objects.filter(case__in=demo, kind="dispatched").exclude(actor=None).exists()
    assert CaseSuggestion.objects.filter(case__in=demo).exists()


@pytest.mark.parametrize("command", ["seed_ai", "seed_history_actors"])
def test_without_the_demo_street_the_pass_refuses_and_exits_non_zero(make, command, capsys) -> None:
    case = _orphaned_case(make)
    assert not Street.objects.filter(code=STREET_CODE).exists()

    # As `manage.py <command>` runs it (the test keeps its database connection open).
    with mock.patch("django.core.management.base.connections.close_all"):
        with pytest.raises(SystemExit) as exited:
            ManagementUtility(["manage.py", command]).execute()

    assert exited.value.code != 0
    assert "未找到演示街道" in capsys.readouterr().err
    assert not CaseEvent.objects.filter(case=case).exclude(actor=None).exists()
    assert not CaseSuggestion.objects.filter(case=case).exists()
