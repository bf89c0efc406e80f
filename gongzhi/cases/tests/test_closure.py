"""S5 return visit and rating, reopening, exceptions; termination; returns (退单); stale forms."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from gongzhi.cases import services
from gongzhi.cases.choices import Level, RatingLevel, RatingVia
from gongzhi.cases.models import Case, CaseRating
from gongzhi.cases.tests.conftest import png
from gongzhi.cases.workflow import CaseChanged, InvalidTransition, Status
from gongzhi.core.models import AuditRecord, Notification


def visit(case, actor, *, resolved=True, level=RatingLevel.SATISFIED, **kw):
    return services.case_visit(
        case=case, actor=actor, resolved=resolved, level=level, via=RatingVia.PHONE, **kw
    )


@pytest.mark.django_db
def test_a_satisfied_requester_closes_the_loop(make, personas) -> None:
    case = visit(make.resolved(), personas.resident_a, level=RatingLevel.BASIC)
    assert case.status == Status.CLOSED and case.closed_at is not None
    rating = CaseRating.objects.get(case=case)
    assert (rating.round, rating.via, rating.by) == (1, RatingVia.ONLINE, personas.resident_a)
    assert AuditRecord.objects.filter(action="case.visit", object_id=str(case.pk)).exists()


@pytest.mark.django_db
def test_the_request_to_rate_is_read_once_the_round_is_rated(make, personas) -> None:
    """请评价处置结果 no longer waits unread in the inbox once the round is rated, whoever
    recorded it (here a phone return visit); the requester's other notices stay as they were."""
    case = make.resolved()
    inbox = Notification.objects.filter(recipient=personas.resident_a)
    ask = inbox.get(kind="case.rate_request")
    assert ask.read_at is None
    others = set(inbox.exclude(pk=ask.pk).filter(read_at__isnull=True).values_list("pk", flat=True))
    case = visit(case, personas.grid_worker, resolved=False)  # 未解决: reopened, round 2
    ask.refresh_from_db()
    assert ask.read_at is not None and case.status == Status.REOPENED
    assert others <= set(inbox.filter(read_at__isnull=True).values_list("pk", flat=True))


@pytest.mark.parametrize(
    ("resolved", "level"),
    [
        (True, RatingLevel.DISSATISFIED),
        (True, RatingLevel.VERY_DISSATISFIED),
        (False, RatingLevel.SATISFIED),
    ],  # fmt: skip
)
@pytest.mark.django_db
def test_unresolved_or_unsatisfied_reopens_a_new_round(make, personas, resolved, level) -> None:
    p = personas
    case = visit(make.resolved(), p.grid_worker, resolved=resolved, level=level)
    assert case.status == Status.REOPENED and case.round == 2
    assert case.due_at is None and case.assigned_user is None
    assert Notification.objects.filter(recipient=p.community_worker, kind="case.reopened").exists()
    # Round 2: dispatched again with a fresh clock, handled, rated again.
    services.case_dispatch(
        case=case, actor=p.community_worker, level=Level.COMPOUND, company=p.company_x
    )
    services.case_accept(case=case, actor=p.property_a)
    services.case_start(case=case, actor=p.property_a)
    with pytest.raises(ValidationError):  # round 1's evidence does not prove round 2's work
        services.case_resolve(case=case, actor=p.property_a, public_reply="已返工")
    services.case_resolve(case=case, actor=p.property_a, public_reply="已返工", evidence=[png()])
    visit(case, p.resident_a)
    assert case.status == Status.CLOSED
    assert list(case.ratings.values_list("round", flat=True)) == [1, 2]


@pytest.mark.django_db
def test_one_rating_per_round_even_at_the_database(make, personas) -> None:
    case = visit(make.resolved(), personas.resident_a)
    with pytest.raises(InvalidTransition):
        visit(case, personas.resident_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseRating.objects.create(case=case, round=1, resolved=True, level="satisfied", via="phone")


@pytest.mark.django_db
def test_only_a_supervisor_may_close_an_unsatisfied_visit_by_exception(make, personas) -> None:
    p = personas
    case = make.resolved()
    with pytest.raises(ValidationError):  # on the form's field, the visit kept (not a 403)
        visit(case, p.grid_worker, level=RatingLevel.DISSATISFIED, exception_reason="政策不允许")
    visit(case, p.community_worker, level=RatingLevel.DISSATISFIED, exception_reason="诉求超出政策")
    assert case.status == Status.CLOSED
    assert case.events.last().kind == "exception"
    assert CaseRating.objects.get(case=case).exception_reason == "诉求超出政策"


@pytest.mark.django_db
def test_a_reopened_case_may_be_closed_by_a_reasoned_exception(make, personas) -> None:
    p = personas
    case = visit(make.resolved(), p.resident_a, level=RatingLevel.DISSATISFIED)
    with pytest.raises(ValidationError):
        services.case_close_with_exception(case=case, actor=p.community_worker, reason="无")
    services.case_close_with_exception(
        case=case, actor=p.community_worker, reason="已三次上门解释，诉求不属于物业责任"
    )
    assert case.status == Status.CLOSED


@pytest.mark.django_db
def test_return_needs_a_reason_and_goes_back_to_the_dispatcher(make, personas) -> None:
    p = personas
    case = make.accepted()
    with pytest.raises(ValidationError):
        services.case_return(case=case, actor=p.property_a, reason="不归")
    services.case_return(case=case, actor=p.property_a, reason="道路属市政管辖，非物业职责")
    assert case.status == Status.RETURNED and case.return_count == 1
    assert case.assigned_company is None
    assert Notification.objects.filter(recipient=p.community_worker, kind="case.returned").exists()
    assert not Case.objects.visible_to(p.property_a).filter(pk=case.pk).exists()


@pytest.mark.django_db
def test_no_return_once_the_street_designated_the_unit(make, personas) -> None:
    p = personas
    case = make.assessed()
    services.case_dispatch(
        case=case, actor=p.street_officer, level=Level.COMPOUND, company=p.company_x
    )
    with pytest.raises(ValidationError, match="街道已指定承办单位"):
        services.case_return(case=case, actor=p.property_a, reason="道路属市政管辖，非物业职责")


@pytest.mark.django_db
def test_termination_is_requested_by_the_handler_and_approved_by_the_community(
    make, personas
) -> None:
    p = personas
    case = make.in_progress()
    services.case_request_termination(case=case, actor=p.property_a, reason="诉求人已搬离")
    assert case.termination_requested and case.status == Status.IN_PROGRESS
    with pytest.raises(PermissionDenied):
        services.case_terminate(case=case, actor=p.property_a, reason="诉求人已搬离")
    services.case_terminate(case=case, actor=p.community_worker, reason="核实诉求人已搬离")
    assert case.status == Status.TERMINATED


@pytest.mark.django_db
def test_no_one_approves_their_own_termination_request(make, personas) -> None:
    p = personas
    case = make.dispatched()
    services.case_request_termination(
        case=case, actor=p.community_worker, reason="诉求人已撤回，不再需要处理"
    )
    with pytest.raises(ValidationError, match="不能批准自己提出的申请"):
        services.case_terminate(case=case, actor=p.community_worker, reason="同意终止办理")
    case.refresh_from_db()
    assert case.status == Status.DISPATCHED and case.termination_requested
    services.case_terminate(case=case, actor=p.street_officer, reason="核实诉求人已撤回")
    assert case.status == Status.TERMINATED


@pytest.mark.django_db
def test_supervision_is_a_flag_an_event_and_a_notice(make, personas) -> None:
    p = personas
    case = make.in_progress()
    services.case_supervise(case=case, actor=p.street_officer, reason="群众反映强烈，限期办结")
    assert case.supervised and case.status == Status.IN_PROGRESS
    assert case.events.last().kind == "supervised"
    assert Notification.objects.filter(recipient=p.property_a, kind="case.supervised").exists()


@pytest.mark.django_db
def test_a_stale_form_or_a_lost_race_raises_case_changed(make, personas) -> None:
    p = personas
    case = make.dispatched()
    stale_version = case.version
    other = Case.objects.get(pk=case.pk)
    services.case_accept(case=other, actor=p.property_a)  # someone else was faster
    with pytest.raises(CaseChanged, match="该诉求已被他人处理，请刷新后重试"):
        services.case_return(case=case, actor=p.property_a, reason="道路属市政管辖，非物业职责")
    fresh = Case.objects.get(pk=case.pk)
    with pytest.raises(CaseChanged):
        services.case_start(case=fresh, actor=p.property_a, expected_version=stale_version)
    services.case_start(case=fresh, actor=p.property_a, expected_version=fresh.version)
    assert fresh.status == Status.IN_PROGRESS
