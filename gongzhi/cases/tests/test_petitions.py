"""Petitions (阳光信访, rule S3: register <= 15 days, conclude <= 60 days, +30 once).

A case from the petition channel is suggested and defaulted to 信访类; its conclude deadline
counts from 受理 (filing), not from each 交办/改派, and its one extension is counted for the
case's whole life: re-dispatching or reopening it gives no new 60 days and no new extension.
"""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client

from gongzhi.cases import services, sweeps, triage_link
from gongzhi.cases.choices import Category, Channel, Level, RatingLevel, RatingVia, SlaClass
from gongzhi.cases.deadlines import is_overdue
from gongzhi.cases.forms.actions import AssessForm
from gongzhi.cases.models import CaseEvent, CaseSuggestion
from gongzhi.cases.suggestions import Decision
from gongzhi.cases.tests.conftest import png
from gongzhi.cases.workflow import Status
from gongzhi.org.testing import PASSWORD

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=SH)  # 受理 (filed)
PARKING = "小区停车位被物业高价出租，业主无处停车"  # the model reads 停车管理 (物业类 by default)


def day(n: float) -> dt.datetime:
    return T0 + dt.timedelta(days=n)


def travel(moment: dt.datetime):
    return time_machine.travel(moment, tick=False)


def _client(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _file_petition(make, **kw):
    with travel(T0):
        return make.received(channel=Channel.PETITION, **kw)


def _assess(case, p, sla_class=SlaClass.PETITION):
    return services.case_assess(
        case=case,
        actor=p.community_worker,
        category=Category.REPAIR,
        sla_class=sla_class,
        urgency=case.urgency,
    )


def _dispatch(case, p, *, level=Level.COMPOUND):
    company = p.company_x if level == Level.COMPOUND else None
    return services.case_dispatch(case=case, actor=p.community_worker, level=level, company=company)


def _resolve(case, p):
    services.case_accept(case=case, actor=p.property_a)
    services.case_start(case=case, actor=p.property_a)
    return services.case_resolve(
        case=case, actor=p.property_a, public_reply="已约谈物业并作出答复。", evidence=[png()]
    )


def _unresolved(case, p):
    """The requester's return visit online: not resolved, not satisfied (S5 reopens it)."""
    return services.case_visit(
        case=case,
        actor=p.resident_a,
        resolved=False,
        level=RatingLevel.DISSATISFIED,
        via=RatingVia.ONLINE,
    )


# --- 1. The channel's class is suggested and is the 研判 form's default ---------------------------


def test_the_ai_suggests_petition_class_and_one_click_accept_keeps_it(make, personas) -> None:
    p = personas
    case = _file_petition(make, title="信访：车位问题", content=PARKING)
    suggestion = CaseSuggestion.objects.get(case=case)
    assert suggestion.category == Category.PARKING
    assert suggestion.sla_class == SlaClass.PETITION
    client = _client(p.community_worker)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    card = re.search(r'data-testid="ai-sla-class">([^<]*)<', page)
    assert card and card.group(1) == "信访类"
    # The 采纳建议 button posts the suggestion's class.
    assert '<input type="hidden" name="sla_class" value="petition">' in page
    response = client.post(
        f"/cases/{case.pk}/assess",
        {
            "version": case.version,
            "category": suggestion.category,
            "sla_class": suggestion.sla_class,
            "urgency": suggestion.case_urgency,
            "type": case.type,
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.sla_class == SlaClass.PETITION
    assert CaseSuggestion.objects.get(case=case).decision == Decision.ACCEPTED


def test_the_assess_form_opens_as_petition_class_without_a_suggestion(
    make, personas, monkeypatch
) -> None:
    def broken(*args, **kwargs):
        raise RuntimeError("model unavailable")

    monkeypatch.setattr(triage_link, "suggest", broken)
    case = _file_petition(make, title="信访件", content=PARKING)
    assert not CaseSuggestion.objects.filter(case=case).exists()
    assert AssessForm(case=case).initial["sla_class"] == SlaClass.PETITION
    page = _client(personas.community_worker).get(f"/cases/{case.pk}/").content.decode()
    assert re.search(r'<option value="petition" selected>', page)


def test_a_suggestion_stored_before_the_fix_does_not_downgrade_the_form(make, personas) -> None:
    case = _file_petition(make, title="信访：车位问题", content=PARKING)
    case.suggestion = {**case.suggestion, "sla_class": SlaClass.PROPERTY}  # an older reading
    assert AssessForm(case=case).initial["sla_class"] == SlaClass.PETITION


def test_the_assessor_may_choose_another_class_and_the_override_is_recorded(make, personas) -> None:
    case = _file_petition(make, title="信访：车位问题", content=PARKING)
    services.case_assess(
        case=case,
        actor=personas.community_worker,
        category=Category.PARKING,
        sla_class=SlaClass.GENERAL,
        urgency=case.urgency,
    )
    assert case.sla_class == SlaClass.GENERAL
    assert CaseSuggestion.objects.get(case=case).decision == Decision.OVERRIDDEN
    event = CaseEvent.objects.get(case=case, note__startswith="人工调整AI建议")
    assert "时限类别 信访类→一般类" in event.note and event.internal


# --- 2. The conclude deadline counts from filing; one extension for life -------------------------


def test_a_petition_is_due_60_days_after_filing_not_after_dispatch(make, personas) -> None:
    case = _file_petition(make)
    with travel(day(10)):
        _dispatch(_assess(case, personas), personas)
    assert case.due_at == day(60)
    assert case.warn_at == day(48)  # 20 % of the 60 days (12 days) before the end
    assert case.respond_due_at == day(25)  # 15 days to register (签收) from the 交办


def test_reassigning_a_petition_keeps_its_deadline_and_its_one_extension(make, personas) -> None:
    p = personas
    case = _file_petition(make)
    with travel(day(1)):
        _dispatch(_assess(case, p), p)
    with travel(day(40)):
        services.case_extend(
            case=case, actor=p.street_officer, reason="需协调区房管局", until=day(90)
        )
    with travel(day(50)):
        services.case_reassign(
            case=case, actor=p.community_worker, level=Level.COMMUNITY, reason="物业无法解决"
        )
        case.refresh_from_db()
        assert (case.due_at, case.extension_count) == (day(90), 1)
        with pytest.raises(
            ValidationError, match="信访事项的延期次数已用完（受理后最多延期 1 次）"
        ):
            services.case_extend(
                case=case, actor=p.street_officer, reason="再延一次", until=day(100)
            )
        # Nor may the dispatcher name a later deadline than the one the petition has.
        with pytest.raises(ValidationError):
            services.case_reassign(
                case=case,
                actor=p.community_worker,
                level=Level.COMPOUND,
                company=p.company_x,
                reason="交回物业办理",
                due_at=day(95),
            )


def test_a_reopened_petition_keeps_its_extended_deadline(make, personas) -> None:
    p = personas
    case = _file_petition(make)
    with travel(day(1)):
        _dispatch(_assess(case, p), p)
    with travel(day(30)):
        services.case_extend(
            case=case, actor=p.street_officer, reason="需协调区房管局", until=day(90)
        )
    with travel(day(50)):
        _resolve(case, p)
    with travel(day(55)):
        _unresolved(case, p)
        assert case.status == Status.REOPENED and case.extension_count == 1
    with travel(day(56)):
        _dispatch(case, p)
        case.refresh_from_db()
        assert (case.due_at, case.extension_count) == (day(90), 1)
        with pytest.raises(ValidationError, match="延期次数已用完"):
            services.case_extend(
                case=case, actor=p.street_officer, reason="再延一次", until=day(100)
            )


def test_a_petition_reopened_after_60_days_is_late_at_once(make, personas) -> None:
    p = personas
    case = _file_petition(make)
    with travel(day(1)):
        _dispatch(_assess(case, p), p)
    with travel(day(55)):
        _resolve(case, p)
    with travel(day(65)):
        _unresolved(case, p)
    with travel(day(66)):
        _dispatch(case, p)
    case.refresh_from_db()
    assert case.due_at == day(60)  # no new 60 days
    assert is_overdue(case, day(66))  # shown red in the queue and on the case page
    assert sweeps.sweep_breaches(day(66)) == 1  # and escalated as any late case (S4)


def test_a_case_reassessed_as_petition_counts_from_filing_with_its_extension_intact(
    make, personas
) -> None:
    """An extension granted while the case was of another class is not the petition's."""
    p = personas
    case = _file_petition(make)
    with travel(day(1)):
        _dispatch(_assess(case, p, sla_class=SlaClass.GENERAL), p)
        services.case_accept(case=case, actor=p.property_a)
        services.case_extend(
            case=case, actor=p.community_worker, reason="等待配件",
            until=case.due_at + dt.timedelta(1),
        )  # fmt: skip
    with travel(day(5)):
        services.case_return(case=case, actor=p.property_a, reason="属于信访事项，非物业职责")
        _dispatch(_assess(case, p), p, level=Level.COMMUNITY)
        case.refresh_from_db()
        assert (case.due_at, case.extension_count) == (day(60), 0)
        services.case_extend(
            case=case, actor=p.street_officer, reason="需多部门会商", until=day(90)
        )
    assert case.due_at == day(90)


def test_a_petitions_receipt_promises_sixty_days_from_filing(make, personas) -> None:
    case = _assess(_file_petition(make), personas)  # assessed, not yet dispatched
    # Filed for a resident with an account: they print it (staff print only for those without).
    page = _client(personas.resident_a).get(f"/cases/{case.pk}/receipt").content.decode()
    assert "信访类：受理之日起 60 日内办结" in page and "1440 小时" not in page
