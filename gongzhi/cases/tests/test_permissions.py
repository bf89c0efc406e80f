"""Who may do what: every persona against every service, and who sees which case (policies.py)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction

from gongzhi.cases import services
from gongzhi.cases.choices import CaseType, Channel, Level
from gongzhi.cases.models import Case
from gongzhi.cases.tests.test_workflow import _call, _universal_case
from gongzhi.cases.workflow import Action, Status

A = Action
EVERYONE = [
    "outsider",
    "resident_a",
    "resident_b",
    "property_a",
    "property_b",
    "committee_a",
    "party_a",
    "community_worker",
    "grid_worker",
    "street_officer",
]
DESK = {"community_worker", "street_officer"}
# Case in compound A, dispatched at compound level to company X, requested by resident_a.
ALLOWED = {
    A.ASSESS: DESK,
    A.DISPATCH: DESK,
    A.ANSWER: DESK,
    A.NOT_ACCEPT: DESK,
    A.ACCEPT: {"property_a"},
    A.START: {"property_a"},
    A.RESOLVE: {"property_a"},
    A.RETURN: {"property_a"},
    A.EXTEND: DESK,  # the company asks (申请延期): the community or the street extends
    A.REQUEST_EXTENSION: {"property_a"},
    A.APPROVE_EXTENSION: DESK,
    A.REJECT_EXTENSION: DESK,
    A.SUPERVISE: DESK,
    A.VISIT: {"resident_a", "grid_worker"} | DESK,
    A.CLOSE_EXCEPTION: DESK,
    A.REQUEST_TERMINATION: {"property_a"} | DESK,
    A.TERMINATE: {"street_officer"},  # with no request pending: the street's own decision
}
STATUS_FOR = {
    A.ASSESS: Status.RECEIVED,
    A.DISPATCH: Status.ASSESSED,
    A.ANSWER: Status.RECEIVED,
    A.NOT_ACCEPT: Status.RECEIVED,
    A.ACCEPT: Status.DISPATCHED,
    A.START: Status.ACCEPTED,
    A.RESOLVE: Status.IN_PROGRESS,
    A.RETURN: Status.DISPATCHED,
    A.EXTEND: Status.IN_PROGRESS,
    A.REQUEST_EXTENSION: Status.IN_PROGRESS,
    A.APPROVE_EXTENSION: Status.IN_PROGRESS,
    A.REJECT_EXTENSION: Status.IN_PROGRESS,
    A.SUPERVISE: Status.IN_PROGRESS,
    A.VISIT: Status.RESOLVED,
    A.CLOSE_EXCEPTION: Status.REOPENED,
    A.REQUEST_TERMINATION: Status.IN_PROGRESS,
    A.TERMINATE: Status.IN_PROGRESS,
}


class _Rollback(Exception):
    pass


class _As:
    """The personas object with every actor replaced by one user, so `_call` acts as them."""

    def __init__(self, p, user) -> None:
        self._p, self._user = p, user

    def __getattr__(self, name):
        value = getattr(self._p, name)
        return self._user if hasattr(value, "username") else value


@pytest.mark.django_db
@pytest.mark.parametrize("action", list(ALLOWED))
def test_each_persona_may_do_exactly_its_part(make, personas, action) -> None:
    case = _universal_case(make, personas, STATUS_FOR[action])
    for name in EVERYONE:
        user = getattr(personas, name)
        fresh = Case.objects.select_related("compound").get(pk=case.pk)
        try:
            with transaction.atomic():
                if name in ALLOWED[action]:
                    _call(action, fresh, _As(personas, user))
                else:
                    with pytest.raises(PermissionDenied):
                        _call(action, fresh, _As(personas, user))
                raise _Rollback
        except _Rollback:
            pass


@pytest.mark.django_db
def test_filing_is_for_residents_of_the_compound_and_intake_staff(make, personas) -> None:
    p = personas
    allowed = {"resident_a", "property_a", "party_a", "community_worker", "grid_worker",
               "street_officer"}  # fmt: skip
    for name in EVERYONE:
        user = getattr(p, name)
        kwargs = dict(
            actor=user, compound=p.compound_a, channel=Channel.PHONE,
            type=CaseType.HELP, title="井盖松动", content="1栋门口井盖松动",
        )  # fmt: skip
        if name in allowed:
            assert services.case_file(**kwargs).status == Status.RECEIVED
        else:
            with pytest.raises(PermissionDenied):
                services.case_file(**kwargs)


@pytest.mark.django_db
def test_a_resident_always_files_online_for_themselves(personas) -> None:
    p = personas
    case = services.case_file(
        actor=p.resident_a, compound=p.compound_a, channel=Channel.HOTLINE_12345,
        type=CaseType.HELP, title="漏水", content="楼上漏水", requester=p.resident_b,
    )  # fmt: skip
    assert (case.channel, case.requester, case.requester_phone) == (
        Channel.ONLINE, p.resident_a, "13812341234",
    )  # fmt: skip


@pytest.mark.django_db
def test_each_persona_sees_exactly_its_cases(make, personas) -> None:
    p = personas
    in_a = make.dispatched()  # compound A, company X, requested by resident_a
    in_b = make.dispatched(compound=p.compound_b, requester=p.resident_b)
    in_c = make.dispatched(compound=p.compound_c, requester=p.outsider)
    public_a = make.received(is_public=True, requester=p.resident_b)
    expected = {
        "outsider": {in_c},  # only their own
        "resident_a": {in_a},
        "resident_b": {in_b, public_a},
        "property_a": {in_a, in_c},  # assigned to company X (A and C)
        "property_b": {in_b},
        "committee_a": {public_a},  # public cases of A only
        "party_a": {in_a, public_a},
        "community_worker": {in_a, in_b, public_a},
        "grid_worker": {in_a, in_b, public_a},
        "street_officer": {in_a, in_b, in_c, public_a},
    }
    for name, cases in expected.items():
        assert set(Case.objects.visible_to(getattr(p, name))) == cases, name
    assert not Case.objects.visible_to(None).exists()


@pytest.mark.django_db
def test_community_level_cases_are_handled_by_the_community(make, personas) -> None:
    p = personas
    case = make.assessed()
    services.case_dispatch(case=case, actor=p.community_worker, level=Level.COMMUNITY)
    with pytest.raises(PermissionDenied):
        services.case_accept(case=case, actor=p.property_a)
    services.case_accept(case=case, actor=p.community_worker)
    assert case.assigned_user == p.community_worker


@pytest.mark.django_db
def test_only_the_street_blows_the_whistle_to_a_department(make, personas) -> None:
    p = personas
    case = make.assessed()
    with pytest.raises(PermissionDenied):
        services.case_dispatch(
            case=case, actor=p.community_worker, level=Level.DEPARTMENT, department="区城管局"
        )
    services.case_dispatch(
        case=case, actor=p.street_officer, level=Level.DEPARTMENT, department="区城管局"
    )
    assert case.designated_by_street and case.assigned_department == "区城管局"
