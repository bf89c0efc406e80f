"""/api/v1/: 并入原诉求 and 驳回终止申请, as on the web: the same services, policies and words;
a refused request changes nothing."""

import pytest

from gongzhi.api.tests.conftest import bearer
from gongzhi.cases import services
from gongzhi.cases.models import Case, CaseEvent
from gongzhi.cases.workflow import Status
from gongzhi.core.models import Notification
from tests.security.state import changes, world_state

pytestmark = pytest.mark.django_db

V1 = "/api/v1"


def post(user, path: str, body: dict, **headers):
    return bearer(user).post(f"{V1}{path}", body, content_type="application/json", **headers)


def refused(user, path: str, body: dict, status: int, code: str) -> str:
    """POST, expect the refusal, check that nothing changed; the message for the user."""
    client = bearer(user)  # issuing the token is audited: before the snapshot
    before = world_state()
    response = client.post(f"{V1}{path}", body, content_type="application/json")
    assert response.status_code == status, response.content
    error = response.json()
    assert error["code"] == code and error["message"], error
    assert not changes(before, world_state())
    return error["message"]


# --- 并入原诉求 --------------------------------------------------------------------------------


def test_a_repeat_joins_the_original_by_its_number(personas, make):
    p = personas
    original = make.dispatched(title="3栋电梯异响")
    repeat = make.received(title="3栋电梯又响了", requester=p.resident_b)

    response = post(
        p.community_worker,
        f"/cases/{repeat.pk}/merge",
        {"original": original.number.lower(), "expected_version": repeat.version},
    )

    assert response.status_code == 200, response.content
    assert response.json()["status"] == Status.MERGED
    assert response.json()["status_label"] == "已并入原诉求"
    repeat.refresh_from_db()
    assert repeat.status == Status.MERGED and repeat.duplicate_of == original
    assert CaseEvent.objects.filter(case=original, kind="repeated").exists()
    told = Notification.objects.get(recipient=p.resident_b, kind="case.repeated")
    assert original.number in told.body
    original.refresh_from_db()
    assert original.status == Status.DISPATCHED  # the original keeps its status and clock


def test_a_repeat_joins_the_original_by_its_id(personas, make):
    original = make.assessed()
    repeat = make.received()
    response = post(
        personas.street_officer, f"/cases/{repeat.pk}/merge", {"original_id": original.pk}
    )
    assert response.status_code == 200, response.content
    repeat.refresh_from_db()
    assert repeat.duplicate_of == original
    again = post(personas.street_officer, f"/cases/{repeat.pk}/merge", {"original": "x"})
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"


def test_merging_into_itself_is_refused(personas, make):
    case = make.received()
    path = f"/cases/{case.pk}/merge"
    for body in ({"original": case.number}, {"original_id": case.pk}):
        message = refused(personas.community_worker, path, body, 422, "validation_failed")
        assert message == "不能并入诉求本身"


@pytest.mark.parametrize("how", ["closed", "terminated", "merged"])
def test_merging_into_a_finished_case_is_refused(personas, make, how):
    p = personas
    finished = make.dispatched()
    if how == "closed":
        finished = make.resolved()
        services.case_visit(case=finished, actor=p.resident_a, resolved=True,
                            level="satisfied", via="online")  # fmt: skip
    elif how == "terminated":
        services.case_terminate(case=finished, actor=p.street_officer, reason="诉求人撤回")
    else:
        finished, into = make.received(), make.dispatched()
        services.case_merge(case=finished, actor=p.community_worker, original=into.number)
    finished.refresh_from_db()
    assert finished.status == how
    case = make.received()
    message = refused(
        p.community_worker, f"/cases/{case.pk}/merge", {"original": finished.number},
        422, "validation_failed",
    )  # fmt: skip
    assert message == "只能并入本小区尚未办结的诉求"


def test_merging_into_another_compounds_case_is_refused(personas, make):
    p = personas
    elsewhere = make.dispatched(compound=p.compound_b)  # same community: the worker sees it
    case = make.received()
    for body in ({"original": elsewhere.number}, {"original_id": elsewhere.pk}):
        message = refused(
            p.community_worker, f"/cases/{case.pk}/merge", body, 422, "validation_failed"
        )
        assert message == "只能并入本小区尚未办结的诉求"


def test_a_case_out_of_sight_is_refused_like_one_that_does_not_exist(personas, make):
    p = personas
    hidden = make.dispatched(compound=p.compound_c)  # another community
    case = make.received()
    path = f"/cases/{case.pk}/merge"
    worker = p.community_worker
    by_hidden_number = refused(worker, path, {"original": hidden.number}, 422, "validation_failed")
    by_made_up_number = refused(worker, path, {"original": "NH000000"}, 422, "validation_failed")
    assert by_hidden_number == f"未找到编号为 {hidden.number} 的诉求"
    assert by_made_up_number == "未找到编号为 NH000000 的诉求"
    by_hidden_id = refused(worker, path, {"original_id": hidden.pk}, 422, "validation_failed")
    by_made_up_id = refused(worker, path, {"original_id": 10**9}, 422, "validation_failed")
    assert by_hidden_id == by_made_up_id == "未找到该原诉求"


def test_the_original_must_be_named_once(personas, make):
    original = make.dispatched()
    case = make.received()
    path = f"/cases/{case.pk}/merge"
    worker = personas.community_worker
    assert refused(worker, path, {}, 422, "validation_failed") == "请填写原诉求编号"
    both = {"original": original.number, "original_id": original.pk}
    assert refused(worker, path, both, 422, "validation_failed") == (
        "原诉求编号和原诉求 ID 只能填写一项"
    )


def test_merge_refusals_by_who_and_when(personas, make):
    p = personas
    original = make.dispatched()
    body = {"original": original.number}
    case = make.received()
    path = f"/cases/{case.pk}/merge"
    # Sees the case but may not 研判 it: the requester, the grid worker.
    for user in (p.resident_a, p.grid_worker):
        refused(user, path, body, 403, "forbidden")
    # Does not see it at all (a received case is not yet the company's).
    for user in (p.property_a, p.outsider):
        refused(user, path, body, 404, "not_found")
    stale = {**body, "expected_version": case.version + 1}
    assert refused(p.community_worker, path, stale, 409, "case_changed") == (
        "该诉求已被他人处理，请刷新后重试"
    )
    worked_on = make.dispatched()
    message = refused(
        p.community_worker, f"/cases/{worked_on.pk}/merge", body, 409, "invalid_transition"
    )
    assert message == "当前状态「已交办」下不能执行「并入原诉求」"


def test_a_retried_merge_replays_the_first_answer(personas, make):
    original = make.dispatched()
    case = make.received()
    key = {"headers": {"Idempotency-Key": "merge-1"}}
    client = bearer(personas.community_worker)
    path = f"{V1}/cases/{case.pk}/merge"
    body = {"original": original.number}
    first = client.post(path, body, content_type="application/json", **key)
    again = client.post(path, body, content_type="application/json", **key)
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert CaseEvent.objects.filter(case=original, kind="repeated").count() == 1


# --- 驳回终止申请 ------------------------------------------------------------------------------


def _requested(make, personas) -> Case:
    case = make.dispatched()
    return services.case_request_termination(
        case=case, actor=personas.property_a, reason="诉求人电话表示不再需要"
    )


def test_the_community_refuses_a_termination_and_the_handler_is_told(personas, make):
    p = personas
    case = _requested(make, p)
    response = post(
        p.community_worker,
        f"/cases/{case.pk}/reject_termination",
        {"reason": "诉求人未书面撤回，请继续办理", "expected_version": case.version},
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == Status.DISPATCHED
    case.refresh_from_db()
    assert not case.termination_requested and case.status == Status.DISPATCHED
    event = CaseEvent.objects.filter(case=case).latest("pk")
    assert event.note == "驳回终止申请：诉求人未书面撤回，请继续办理"
    told = Notification.objects.get(recipient=p.property_a, kind="case.supervised")
    assert told.title == "终止申请未获批准，请继续办理"


def test_reject_termination_refusals_change_nothing(personas, make):
    p = personas
    case = _requested(make, p)
    path = f"/cases/{case.pk}/reject_termination"
    reason = {"reason": "请继续办理"}
    for user in (p.property_a, p.grid_worker, p.resident_a):  # see it, may not approve
        refused(user, path, reason, 403, "forbidden")
    refused(p.outsider, path, reason, 404, "not_found")
    assert refused(p.community_worker, path, {"reason": "  "}, 422, "validation_failed") == (
        "请填写驳回理由"
    )
    refused(p.community_worker, path, {}, 422, "invalid_request")
    stale = {**reason, "expected_version": case.version - 1}
    refused(p.community_worker, path, stale, 409, "case_changed")

    nothing_asked = make.dispatched()
    message = refused(
        p.community_worker, f"/cases/{nothing_asked.pk}/reject_termination", reason,
        422, "validation_failed",
    )  # fmt: skip
    assert message == "该诉求没有待审批的终止申请"

    services.case_terminate(case=case, actor=p.street_officer, reason="诉求人书面撤回")
    message = refused(p.community_worker, path, reason, 409, "invalid_transition")
    assert message == "当前状态「已终止」下不能执行「驳回终止申请」"


# --- The document ------------------------------------------------------------------------------


def test_the_openapi_document_lists_both_actions(client):
    document = client.get(f"{V1}/openapi.json").json()
    for action in ("merge", "reject_termination"):
        operation = document["paths"][f"{V1}/cases/{{case_id}}/{action}"]["post"]
        assert "Idempotency-Key" in [p["name"] for p in operation["parameters"]]
        assert {"403", "404", "409", "422"} <= set(operation["responses"])
    merge = document["paths"][f"{V1}/cases/{{case_id}}/merge"]["post"]
    body = merge["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    fields = document["components"]["schemas"][body.rsplit("/", 1)[-1]]["properties"]
    assert {"original", "original_id", "expected_version"} <= set(fields)
    filed = document["paths"][f"{V1}/cases"]["post"]["responses"]["201"]["links"]
    assert {"case_merge", "case_reject_termination"} <= set(filed)
