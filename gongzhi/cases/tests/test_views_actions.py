"""One POST endpoint per operation: happy path, illegal transition, stale form, no permission."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from gongzhi.cases.choices import CaseType
from gongzhi.cases.models import Case, CaseEvent
from gongzhi.cases.tests.conftest import png
from gongzhi.cases.workflow import Status
from gongzhi.org.testing import PASSWORD

pytestmark = pytest.mark.django_db

STALE = "该诉求已被他人处理，请刷新后重试"


def _changed(status: str) -> str:
    """A stale form comes back filled in, saying what the case is now."""
    return f"该诉求已被他人处理（当前状态：{status}），请核对后重新提交"


def _client(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


# (action, how to make the case, who acts, form data, status afterwards, field to check)
HAPPY = [
    (
        "assess",
        "received",
        "community_worker",
        {"category": "repair", "sla_class": "property", "urgency": "urgent", "type": "help"},
        Status.ASSESSED,
    ),
    ("dispatch", "assessed", "community_worker", {"level": "community"}, Status.DISPATCHED),
    ("accept", "dispatched", "property_a", {}, Status.ACCEPTED),
    ("start", "accepted", "property_a", {"note": "已安排电工"}, Status.IN_PROGRESS),
    (
        "resolve",
        "in_progress",
        "property_a",
        {"public_reply": "已更换灯泡，恢复照明。", "evidence": "png"},
        Status.RESOLVED,
    ),
    ("return", "dispatched", "property_a", {"reason": "属于供电公司的线路"}, Status.RETURNED),
    ("extend", "accepted", "community_worker", {"reason": "等待配件到货", "until": "+2d"}, None),
    ("request_extension", "accepted", "property_a", {"reason": "等待配件到货", "days": 2}, None),
    ("supervise", "dispatched", "community_worker", {"reason": "请今天处理"}, None),
    ("not_accept", "received", "community_worker", {"reason": "litigation"}, Status.NOT_ACCEPTED),
    (
        "visit",
        "resolved",
        "grid_worker",
        {"resolved": "1", "level": "very_satisfied", "via": "phone", "note": "电话回访"},
        Status.CLOSED,
    ),
    ("request_termination", "in_progress", "property_a", {"reason": "业主撤回诉求"}, None),
    ("terminate", "dispatched", "street_officer", {"reason": "诉求人撤回"}, Status.TERMINATED),
]


@pytest.mark.parametrize(("action", "state", "actor", "data", "after"), HAPPY)
def test_each_action_happy_path(personas, make, action, state, actor, data, after) -> None:
    case = getattr(make, state)()
    before = (case.status, CaseEvent.objects.filter(case=case).count())
    data = dict(data, version=case.version)
    if data.get("evidence") == "png":
        data["evidence"] = png()
    if data.get("until") == "+2d":
        data["until"] = _local(case.due_at + dt.timedelta(days=2))
    response = _client(getattr(personas, actor)).post(f"/cases/{case.pk}/{action}", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    # After 退单 the company no longer sees the case: back to its 工作台, not to a 404.
    back = "/cases/" if action == "return" else f"/cases/{case.pk}/#top"  # the message in view
    assert response["Location"] == back
    case.refresh_from_db()
    assert case.status == (after or before[0])
    assert CaseEvent.objects.filter(case=case).count() > before[1]


def test_answer_closes_a_consultation_at_once(personas, make) -> None:
    case = make.received(type=CaseType.CONSULTATION)
    _client(personas.community_worker).post(
        f"/cases/{case.pk}/answer", {"version": case.version, "reply": "每月1.8元/平方米。"}
    )
    case.refresh_from_db()
    assert case.status == Status.CLOSED and case.public_reply == "每月1.8元/平方米。"


def test_close_with_exception_after_reopening(personas, make) -> None:
    case = make.resolved()
    _client(personas.resident_a).post(
        f"/cases/{case.pk}/rate", {"version": case.version, "resolved": "0", "level": "satisfied"}
    )
    case.refresh_from_db()
    assert case.status == Status.REOPENED
    _client(personas.street_officer).post(
        f"/cases/{case.pk}/close_exception",
        {"version": case.version, "reason": "诉求超出物业服务范围，已解释"},
    )
    case.refresh_from_db()
    assert case.status == Status.CLOSED


def test_illegal_transition_is_refused_and_nothing_changes(personas, make) -> None:
    case = make.received()
    client = _client(personas.community_worker)
    response = client.post(f"/cases/{case.pk}/accept", {"version": case.version}, follow=True)
    assert "当前状态「已受理」下不能执行「签收」" in response.content.decode()
    assert Case.objects.get(pk=case.pk).status == Status.RECEIVED
    assert CaseEvent.objects.filter(case=case).count() == 1


def test_stale_form_is_refused_and_nothing_changes(personas, make) -> None:
    case = make.dispatched()
    stale_version = case.version
    client = _client(personas.property_a)
    client.post(f"/cases/{case.pk}/accept", {"version": stale_version})  # the first tab wins
    events = CaseEvent.objects.filter(case=case).count()
    response = client.post(
        f"/cases/{case.pk}/return", {"version": stale_version, "reason": "不是我们的职责范围"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert _changed("已签收") in page and "不是我们的职责范围" in page
    case.refresh_from_db()
    assert case.status == Status.ACCEPTED and CaseEvent.objects.filter(case=case).count() == events


def test_stale_form_of_an_unchanged_status_is_refused(personas, make) -> None:
    case = make.dispatched()
    client = _client(personas.community_worker)
    client.post(f"/cases/{case.pk}/supervise", {"version": case.version, "reason": "请加快"})
    response = client.post(
        f"/cases/{case.pk}/supervise", {"version": case.version, "reason": "再次督办"}, follow=True
    )
    assert _changed("已交办") in response.content.decode()
    assert CaseEvent.objects.filter(case=case, kind="supervised").count() == 1


def test_bad_input_shows_the_form_again_with_chinese_errors(personas, make) -> None:
    case = make.in_progress()
    response = _client(personas.property_a).post(
        f"/cases/{case.pk}/resolve",
        {"version": case.version, "public_reply": "已处理，有事打13812341234"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "公开答复不得包含电话、身份证号、门牌房号或诉求人姓名" in page
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS


def test_resolve_needs_evidence(personas, make) -> None:
    case = make.in_progress()
    response = _client(personas.property_a).post(
        f"/cases/{case.pk}/resolve", {"version": case.version, "public_reply": "已处理"}
    )
    assert "请上传处置凭证" in response.content.decode()
    assert Case.objects.get(pk=case.pk).status == Status.IN_PROGRESS


def test_actions_of_other_parties_are_forbidden(personas, make) -> None:
    case = make.received()
    data = {"version": case.version, "category": "repair", "sla_class": "property"}
    data |= {"urgency": "normal", "type": "help"}
    assert _client(personas.party_a).post(f"/cases/{case.pk}/assess", data).status_code == 403
    assert _client(personas.property_b).post(f"/cases/{case.pk}/assess", data).status_code == 404
    assert Case.objects.get(pk=case.pk).status == Status.RECEIVED


def test_actions_need_post(personas, make) -> None:
    case = make.received()
    assert _client(personas.community_worker).get(f"/cases/{case.pk}/assess").status_code == 405
