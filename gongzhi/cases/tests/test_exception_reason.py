"""S5: a supervisor's exception needs a reason of at least 5 characters, wherever it is recorded:
at the return visit (回访) as at 例外办结 of a reopened case, with the same message."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from gongzhi.cases import services
from gongzhi.cases.choices import RatingLevel, RatingVia
from gongzhi.cases.models import CaseRating
from gongzhi.cases.workflow import Status
from gongzhi.org.testing import PASSWORD

pytestmark = pytest.mark.django_db

TOO_SHORT = "请写明例外办结的理由（至少 5 个字）"


def _visit(case, actor, exception_reason):
    return services.case_visit(
        case=case,
        actor=actor,
        resolved=False,
        level=RatingLevel.DISSATISFIED,
        via=RatingVia.PHONE,
        exception_reason=exception_reason,
    )


def test_an_exception_at_the_return_visit_needs_5_characters(make, personas) -> None:
    p = personas
    case = make.resolved()
    with pytest.raises(ValidationError) as refused:
        _visit(case, p.community_worker, " 不合理 ")
    assert refused.value.message_dict == {"exception_reason": [TOO_SHORT]}
    case.refresh_from_db()
    assert case.status == Status.RESOLVED and not CaseRating.objects.filter(case=case).exists()
    _visit(case, p.community_worker, "超出政策范围")
    assert case.status == Status.CLOSED


def test_both_exception_paths_refuse_a_short_reason_in_the_same_words(make, personas) -> None:
    p = personas
    resolved = make.resolved()
    with pytest.raises(ValidationError) as at_visit:
        _visit(resolved, p.community_worker, "无")
    reopened = _visit(make.resolved(), p.resident_a, "")
    assert reopened.status == Status.REOPENED
    with pytest.raises(ValidationError) as at_close:
        services.case_close_with_exception(case=reopened, actor=p.community_worker, reason="无")
    assert at_visit.value.messages == at_close.value.messages == [TOO_SHORT]


def test_the_visit_form_shows_the_message_and_records_nothing(make, personas) -> None:
    case = make.resolved()
    client = Client()
    assert client.login(username=personas.community_worker.username, password=PASSWORD)
    response = client.post(
        f"/cases/{case.pk}/visit",
        {
            "version": case.version,
            "resolved": "0",
            "level": RatingLevel.DISSATISFIED,
            "via": RatingVia.PHONE,
            "exception_reason": "不合理",
        },
    )
    assert response.status_code == 400
    assert TOO_SHORT in response.content.decode()
    case.refresh_from_db()
    assert case.status == Status.RESOLVED and not CaseRating.objects.filter(case=case).exists()
