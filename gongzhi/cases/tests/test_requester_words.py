"""What the requester (and the public) read of their case, in their words: no desk clock events
(即将超时, 签收/研判/交办超时) but the escalation and where it went; no "重办 → 重办"; a
case sent back (退单) reads "重新交办中" with what happens next, not a red "已退单"; staff named
by role and masked surname, and by role alone when the display name is a post ("客服主管")."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from gongzhi.cases import services, sweeps
from gongzhi.cases.choices import RatingLevel, RatingVia, SlaClass
from gongzhi.cases.models import Case, CaseEvent, EventKind
from gongzhi.cases.tracking import tracking_token
from gongzhi.cases.workflow import Status
from gongzhi.org.testing import PASSWORD

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
DAY = dt.datetime(2026, 11, 3, 10, 0, tzinfo=SH)
REASON = "请业主自行联系维修"
HANDBACK_NOTE = "社区将把诉求重新交给负责的单位办理"
# The status badge in red (the staff page adds a wrapping class after the colour).
RED_STATUS = re.compile(r'class="badge text-bg-danger[^"]*" data-testid="status"')


def _web(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _get(client: Client, url: str, when: dt.datetime) -> str:
    with time_machine.travel(when, tick=False):
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _rows(page: str) -> list[str]:
    """The timeline's rows as a reader sees them: "退单 → 重新交办中 物业人员 …"."""
    timeline = page.split('data-testid="timeline"', 1)[1].split("</ol>", 1)[0]
    rows = timeline.split("<li")[1:]
    return [" ".join(re.sub(r"<[^>]+>", " ", row.split(">", 1)[1]).split()) for row in rows]


def _badge(page: str) -> str:
    return page.split('data-testid="status">', 1)[1].split("<", 1)[0]


def _track(case: Case) -> str:
    return f"/track/{case.number}/{tracking_token(case)}/"


def _returned(make, personas) -> Case:
    """Dispatched to company X, never signed for in time, then sent back by the company."""
    with time_machine.travel(DAY - dt.timedelta(minutes=30), tick=False):
        case = make.dispatched(sla_class=SlaClass.PROPERTY)
    sweeps.sweep_respond_warnings(case.respond_due_at - dt.timedelta(minutes=1))
    sweeps.sweep_respond_breaches(case.respond_due_at + dt.timedelta(minutes=1))
    with time_machine.travel(DAY, tick=False):
        return services.case_return(case=case, actor=personas.property_a, reason=REASON)


def test_the_desks_clock_is_the_staffs_not_the_requesters(make, personas) -> None:
    case = _returned(make, personas)
    sweeps.run_all(DAY + dt.timedelta(minutes=13))  # 即将超时 of the 交办 deadline
    sweeps.run_all(DAY + dt.timedelta(minutes=20))  # 交办超时
    kinds = set(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert {EventKind.SLA_WARNED, EventKind.RESPOND_BREACHED, EventKind.DISPATCH_OVERDUE} <= kinds
    later = DAY + dt.timedelta(minutes=30)
    clock_words = ("即将超时", "响应超时", "交办超时", "仍未重新交办", "未签收")
    for page in (
        _get(_web(personas.resident_a), f"/cases/{case.pk}/", later),
        _get(Client(), _track(case), later),  # the receipt's link: anyone holding it
        _get(_web(personas.community_worker), _track(case), later),
    ):
        shown = " ".join(_rows(page))
        for words in clock_words:
            assert words not in shown, words
        assert "退单" in shown and REASON in shown  # the step itself stays
    staff = " ".join(_rows(_get(_web(personas.community_worker), f"/cases/{case.pk}/", later)))
    for words in ("即将超时", "响应超时", "交办超时", "仍未重新交办"):
        assert words in staff, words
    # The API gives the requester the same timeline as the page.
    client = Client()
    token = client.post(
        "/api/v1/auth/token",
        {"username": personas.resident_a.username, "password": PASSWORD},
        content_type="application/json",
    ).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    events = client.get(f"/api/v1/cases/{case.pk}/events", headers=headers).json()
    assert "returned" in {e["kind"] for e in events}
    assert not {e["kind"] for e in events} & {"sla_warned", "respond_breached", "dispatch_overdue"}


def test_a_missed_resolve_deadline_tells_the_requester_where_not_who(make, personas) -> None:
    """超时 names the level that was late ("超过办理期限（小区层级）"): the requester reads the
    escalation and where it went, not the breach."""
    with time_machine.travel(DAY, tick=False):
        case = make.accepted(sla_class=SlaClass.PROPERTY)
    late = case.due_at + dt.timedelta(minutes=1)
    sweeps.sweep_breaches(late)
    assert CaseEvent.objects.filter(case=case, kind=EventKind.SLA_BREACHED).exists()
    shown = " ".join(_rows(_get(_web(personas.resident_a), f"/cases/{case.pk}/", late)))
    assert "超过办理期限" not in shown and "升级" in shown


def test_a_filed_case_left_unassessed_shows_the_requester_no_overdue_row(make, personas) -> None:
    with time_machine.travel(DAY, tick=False):
        case = make.received()
    sweeps.sweep_assess_breaches(case.assess_due_at + dt.timedelta(minutes=1))
    assert CaseEvent.objects.filter(case=case, kind=EventKind.ASSESS_OVERDUE).exists()
    later = DAY + dt.timedelta(hours=1)
    page = _get(_web(personas.resident_a), f"/cases/{case.pk}/", later)
    assert "研判超时" not in page and len(_rows(page)) == 1  # 受理 only
    staff = _get(_web(personas.community_worker), f"/cases/{case.pk}/", later)
    assert "研判超时" in " ".join(_rows(staff))


def test_the_requester_still_reads_where_an_escalation_sent_the_case(make, personas) -> None:
    with time_machine.travel(DAY, tick=False):
        case = make.dispatched(sla_class=SlaClass.PROPERTY)
    sweeps.sweep_respond_breaches(case.respond_due_at + dt.timedelta(minutes=1))
    sweeps.sweep_breaches(case.due_at + dt.timedelta(minutes=1))
    page = _get(_web(personas.resident_a), f"/cases/{case.pk}/", DAY + dt.timedelta(days=2))
    rows = _rows(page)
    [escalated] = [row for row in rows if row.startswith("升级")]
    assert "承办：社区" in escalated
    assert not [row for row in rows if row.startswith("响应超时")]


def test_a_returned_case_reads_as_being_handed_over_again(make, personas) -> None:
    with time_machine.travel(DAY - dt.timedelta(minutes=30), tick=False):
        case = make.dispatched(sla_class=SlaClass.PROPERTY)
    with time_machine.travel(DAY, tick=False):
        services.case_return(case=case, actor=personas.property_a, reason=REASON)
    Case.objects.filter(pk=case.pk).update(is_public=True)
    case.refresh_from_db()
    when = DAY + dt.timedelta(minutes=5)
    resident = _web(personas.resident_a)
    for page in (
        _get(resident, f"/cases/{case.pk}/", when),
        _get(Client(), _track(case), when),
        _get(_web(personas.community_worker), _track(case), when),
    ):
        assert _badge(page) == "重新交办中"
        assert not RED_STATUS.search(page)
        assert HANDBACK_NOTE in page
        [row] = [row for row in _rows(page) if row.startswith("退单")]
        assert row.startswith("退单 → 重新交办中") and REASON in row
    assert _badge(_get(resident, "/cases/mine/", when)) == "重新交办中"
    code = personas.street.code
    for url in (
        reverse("public:cases", args=[code]),
        reverse("public:case", args=[code, case.number]),
    ):
        public = _get(Client(), url, when)
        assert case.number in public and "重新交办中" in public and "已退单" not in public
    # The staff keep their label, in red, with the company's reason.
    staff = _get(_web(personas.community_worker), f"/cases/{case.pk}/", when)
    assert _badge(staff) == "已退单" and RED_STATUS.search(staff)
    assert HANDBACK_NOTE not in staff and 'data-testid="return-reason"' in staff
    assert "退单 → 已退单" in " ".join(_rows(staff))


def test_a_reopened_case_does_not_read_reopen_reopen(make, personas) -> None:
    with time_machine.travel(DAY - dt.timedelta(hours=2), tick=False):
        case = make.resolved()
    with time_machine.travel(DAY, tick=False):
        case = services.case_visit(
            case=case, actor=personas.community_worker, resolved=False,
            level=RatingLevel.DISSATISFIED, via=RatingVia.PHONE,
        )  # fmt: skip
    assert case.status == Status.REOPENED
    when = DAY + dt.timedelta(minutes=5)
    page = _get(_web(personas.resident_a), f"/cases/{case.pk}/", when)
    rows = _rows(page)
    assert not [row for row in rows if row.startswith("重办")]
    assert [row for row in rows if row.startswith("重新办理 → 重新交办中")]
    assert _badge(page) == "重新交办中" and HANDBACK_NOTE in page
    staff = _rows(_get(_web(personas.community_worker), f"/cases/{case.pk}/", when))
    assert [row for row in staff if row.startswith("重办 → 重办")]  # the staff's words stay


def test_a_step_that_names_its_own_outcome_is_not_repeated(make, personas) -> None:
    with time_machine.travel(DAY, tick=False):
        case = make.received()
        services.case_not_accept(
            case=case, actor=personas.community_worker, reason="litigation", note="已起诉"
        )
    page = _get(_web(personas.resident_a), f"/cases/{case.pk}/", DAY + dt.timedelta(hours=1))
    rows = _rows(page)
    assert [row for row in rows if row.startswith("不予受理")]
    assert not [row for row in rows if "不予受理 → 不予受理" in row]


def test_staff_are_named_by_role_and_a_real_surname_only(make, personas) -> None:
    with time_machine.travel(DAY, tick=False):
        case = make.accepted()
    when = DAY + dt.timedelta(minutes=5)
    staff = personas.property_a
    for display_name, shown, not_shown in (
        ("锦华物业·客服主管", "物业人员", ("客*", "客服主管", "锦*")),
        ("物业前台", "物业人员", ("物*",)),
        ("锦华物业·刘洋", "物业人员 刘*", ("刘洋", "锦*")),  # a real name stays masked
        ("王芳", "物业人员 王*", ("王芳",)),
    ):
        staff.display_name = display_name
        staff.save(update_fields=["display_name"])
        resident = _get(_web(personas.resident_a), f"/cases/{case.pk}/", when)
        for page in (resident, _get(Client(), _track(case), when)):
            [row] = [row for row in _rows(page) if row.startswith("签收")]
            assert row.endswith(shown), row  # "签收 → 已签收 … 物业人员"
            for text in not_shown:
                assert text not in row, (text, row)
        desk = _get(_web(personas.community_worker), f"/cases/{case.pk}/", when)
        assert display_name in desk  # staff read each other's names in full
