"""S5: whoever handled a round does not record its return visit (回访). A community worker who
took the case on at the community level, signed for it, started and resolved it may not close
it with a phone visit of their own; another member of staff or the street records it, or the
requester rates it online. The requester hears that a visit was recorded for them."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from gongzhi.cases import selectors, services
from gongzhi.cases.choices import Category, Level, RatingLevel, RatingVia, SlaClass, Urgency
from gongzhi.cases.models import CaseRating
from gongzhi.cases.tests.conftest import png
from gongzhi.cases.workflow import Status
from gongzhi.core.models import Notification
from gongzhi.org.testing import PASSWORD

pytestmark = pytest.mark.django_db

REFUSED = (
    "您参与了本轮办理（交办至本级、签收、办理或处置），不能记录本轮回访；"
    "请由其他工作人员或街道回访，或由诉求人自行评价"
)


def _web(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def handled_by_the_community(make, personas):
    """The audit's case: `huajin` (the community worker) assesses a complaint, dispatches it to
    the community, signs for it, starts and resolves it."""
    p = personas
    case = make.received(type="complaint")
    worker = p.community_worker
    services.case_assess(
        case=case,
        actor=worker,
        category=Category.REPAIR,
        sla_class=SlaClass.GENERAL,
        urgency=Urgency.NORMAL,
    )
    services.case_dispatch(case=case, actor=worker, level=Level.COMMUNITY)
    services.case_accept(case=case, actor=worker)
    services.case_start(case=case, actor=worker)
    return services.case_resolve(
        case=case, actor=worker, public_reply="已协调维修，恢复正常。", evidence=[png()]
    )


def test_the_handler_cannot_close_the_case_with_their_own_phone_visit(make, personas) -> None:
    p = personas
    case = handled_by_the_community(make, p)
    with pytest.raises(PermissionDenied) as refused:
        services.case_visit(
            case=case,
            actor=p.community_worker,
            resolved=True,
            level=RatingLevel.VERY_SATISFIED,
            via=RatingVia.PHONE,
        )
    assert str(refused.value) == REFUSED
    case.refresh_from_db()
    assert case.status == Status.RESOLVED and not CaseRating.objects.filter(case=case).exists()
    # The requester's own rating is still theirs to give.
    services.case_visit(
        case=case,
        actor=p.resident_a,
        resolved=True,
        level=RatingLevel.BASIC,
        via=RatingVia.ONLINE,
    )
    assert case.status == Status.CLOSED
    assert CaseRating.objects.get(case=case).by == p.resident_a


def test_the_form_is_not_offered_to_the_handler_and_the_page_says_why(make, personas) -> None:
    p = personas
    case = handled_by_the_community(make, p)
    assert "visit" not in selectors.allowed_actions(p.community_worker, case)
    for other in (p.grid_worker, p.street_officer):
        assert "visit" in selectors.allowed_actions(other, case), other.username
    client = _web(p.community_worker)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="action-visit"' not in page and REFUSED in page
    response = client.post(
        f"/cases/{case.pk}/visit",
        {"resolved": "1", "level": "very_satisfied", "via": "phone", "version": case.version},
    )
    assert response.status_code == 403 and REFUSED in response.content.decode()
    case.refresh_from_db()
    assert case.status == Status.RESOLVED and not CaseRating.objects.filter(case=case).exists()
    other_page = _web(p.grid_worker).get(f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="action-visit"' in other_page and REFUSED not in other_page


def test_another_staff_member_records_it_and_the_requester_is_told(make, personas) -> None:
    p = personas
    case = handled_by_the_community(make, p)
    services.case_visit(
        case=case,
        actor=p.grid_worker,
        resolved=True,
        level=RatingLevel.SATISFIED,
        via=RatingVia.PHONE,
    )
    assert case.status == Status.CLOSED
    told = Notification.objects.get(recipient=p.resident_a, kind="case.closed")
    assert told.title == "您的诉求已办结"
    assert case.number in told.body and "电话回访" in told.body
    assert "已解决" in told.body and "满意" in told.body and "如有异议" in told.body
    # On their own page the rating is shown as the phone visit it was.
    page = _web(p.resident_a).get(f"/cases/{case.pk}/").content.decode()
    assert "电话回访" in page


def test_the_requester_who_rates_online_gets_no_visit_notice(make, personas) -> None:
    case = make.resolved()
    services.case_visit(
        case=case,
        actor=personas.resident_a,
        resolved=True,
        level=RatingLevel.SATISFIED,
        via=RatingVia.ONLINE,
    )
    closed = Notification.objects.filter(recipient=personas.resident_a, kind="case.closed")
    assert not closed.exists() or "回访" not in closed.get().body


def test_the_dispatcher_of_a_company_case_still_records_its_visit(make, personas) -> None:
    """Handing a case to the company is the desk's job, not handling it: the community worker
    who dispatched it phones the requester as before."""
    case = make.resolved()
    assert "visit" in selectors.allowed_actions(personas.community_worker, case)
    services.case_visit(
        case=case,
        actor=personas.community_worker,
        resolved=True,
        level=RatingLevel.SATISFIED,
        via=RatingVia.PHONE,
    )
    assert case.status == Status.CLOSED


def test_a_new_round_is_judged_by_who_handled_it(make, personas) -> None:
    """Round 1 handled by the community worker, reopened by the street's visit; round 2 handed
    to the company by the street: the community worker may record round 2's visit."""
    p = personas
    case = handled_by_the_community(make, p)
    services.case_visit(
        case=case,
        actor=p.street_officer,
        resolved=False,
        level=RatingLevel.DISSATISFIED,
        via=RatingVia.PHONE,
    )
    assert case.status == Status.REOPENED and case.round == 2
    services.case_dispatch(
        case=case, actor=p.street_officer, level=Level.COMPOUND, company=p.company_x
    )
    services.case_accept(case=case, actor=p.property_a)
    services.case_start(case=case, actor=p.property_a)
    services.case_resolve(
        case=case, actor=p.property_a, public_reply="已更换配件。", evidence=[png()]
    )
    assert "visit" in selectors.allowed_actions(p.community_worker, case)
    assert "visit" not in selectors.allowed_actions(p.property_a, case)
