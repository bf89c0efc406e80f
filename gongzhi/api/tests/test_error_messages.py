"""The API's refusals read like the web's: one content limit, schema errors in Chinese naming the
field (English for an English client), and the same words for a second rating."""

import json

import pytest

from gongzhi.api.tests.conftest import bearer
from gongzhi.api.v1.api import api
from gongzhi.cases import forms, texts
from gongzhi.cases.models import Case, CaseRating
from gongzhi.cases.services.closure import ALREADY_RATED
from gongzhi.cases.views import actions as web_actions
from gongzhi.cases.workflow import Status

pytestmark = pytest.mark.django_db

V1 = "/api/v1"


def _post(client, url: str, body: object, **headers):
    return client.post(url, json.dumps(body), content_type="application/json", headers=headers)


def _filing(personas, **fields) -> dict:
    return {"compound_id": personas.compound_a.pk, "type": "help", "title": "电梯异响",
            "content": "2号电梯运行有异响"} | fields  # fmt: skip


def test_the_api_and_the_web_forms_share_one_content_limit(personas) -> None:
    schema = api.get_openapi_schema()["components"]["schemas"]["CaseIn"]["properties"]
    assert schema["content"]["maxLength"] == texts.MAX_CONTENT == 5000
    assert forms.ReportForm.base_fields["content"].max_length == texts.MAX_CONTENT
    assert forms.IntakeForm.base_fields["content"].max_length == texts.MAX_CONTENT
    client = bearer(personas.resident_a)
    filed = _post(client, f"{V1}/cases", _filing(personas, content="长" * 5000))
    assert filed.status_code == 201, filed.content  # 4000 was the API's limit before
    refused = _post(client, f"{V1}/cases", _filing(personas, content="长" * 5001))
    assert refused.status_code == 422
    assert refused.json()["details"] == [
        {"loc": ["body", "body", "content"], "msg": "「content」不能超过 5000 个字符"}
    ]
    assert Case.objects.count() == 1


def test_schema_errors_name_the_field_in_chinese(personas) -> None:
    client = bearer(personas.street_officer)
    body = {"compound_id": "一", "type": "nonsense", "title": ["t"], "is_public": "maybe"}
    response = _post(client, f"{V1}/cases", body)
    assert response.status_code == 422
    error = response.json()
    assert error["code"] == "invalid_request"
    messages = {tuple(d["loc"])[-1]: d["msg"] for d in error["details"]}
    assert messages == {
        "compound_id": "「compound_id」应为整数",
        "type": "「type」应为以下值之一：'consultation', 'help', 'complaint', 'report', "
        "'suggestion', 'praise', 'other'",
        "title": "「title」应为文本",
        "content": "缺少必填字段「content」",
        "is_public": "「is_public」应为 true 或 false",
    }
    assert error["message"].startswith("请求参数不符合要求：「compound_id」应为整数；")
    assert "should" not in response.content.decode() and "Input" not in response.content.decode()
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    ("url", "loc", "msg"),
    [
        ("/cases?limit=100000", ["query", "limit"], "「limit」不能大于 100"),
        ("/cases?limit=0", ["query", "limit"], "「limit」不能小于 1"),
        ("/cases/abc/events", ["path", "case_id"], "「case_id」应为整数"),
        ("/cases?q=a%00b", ["query", "q"], "「q」：文本中不能包含空字符（NUL）"),
    ],
)
def test_query_and_path_errors_are_chinese_too(personas, url, loc, msg) -> None:
    response = bearer(personas.street_officer).get(f"{V1}{url}")
    assert response.status_code == 422
    assert response.json()["details"] == [{"loc": loc, "msg": msg}]


def test_an_action_body_with_a_bad_date_and_version(personas, make) -> None:
    case = make.accepted()
    response = _post(
        bearer(personas.property_a),
        f"{V1}/cases/{case.pk}/extend",
        {"reason": "等待配件", "until": "下周", "expected_version": 0},
    )
    assert response.status_code == 422
    assert [d["msg"] for d in response.json()["details"]] == [
        "「expected_version」不能小于 1",
        "「until」应为日期时间，如 2026-12-05T18:00:00+08:00",
    ]


def test_an_english_client_reads_english(personas) -> None:
    client = bearer(personas.resident_a)
    response = _post(
        client, f"{V1}/cases", _filing(personas, content="长" * 5001), **{"Accept-Language": "en"}
    )
    assert response.json()["details"][0]["msg"] == "“content” cannot be longer than 5000 characters"
    words = _post(
        client, f"{V1}/cases", _filing(personas, content="😡"), **{"Accept-Language": "en"}
    )
    assert words.json()["fields"] == {"content": ["Please describe the problem in words"]}


def test_a_second_rating_gets_the_same_words_as_on_the_web(personas, make) -> None:
    case = make.resolved()
    client = bearer(personas.resident_a)
    rating = {"resolved": True, "level": "satisfied", "expected_version": case.version}
    first = _post(client, f"{V1}/cases/{case.pk}/visit", rating)
    assert first.status_code == 200 and first.json()["status"] == Status.CLOSED
    again = _post(client, f"{V1}/cases/{case.pk}/visit", {"resolved": True, "level": "satisfied"})
    assert again.status_code == 409
    assert again.json() == {"code": "invalid_transition", "message": ALREADY_RATED}
    assert ALREADY_RATED == web_actions.ALREADY_RATED == "您已评价过本轮办理结果，每轮只能评价一次"
    assert CaseRating.objects.filter(case=case).count() == 1


def test_a_rating_after_an_unsatisfied_one_reopened_the_case_is_refused_the_same_way(
    personas, make
) -> None:
    case = make.resolved()
    client = bearer(personas.resident_a)
    first = _post(
        client, f"{V1}/cases/{case.pk}/visit", {"resolved": False, "level": "dissatisfied"}
    )
    assert first.json().get("status") == Status.REOPENED, first.json()
    again = _post(client, f"{V1}/cases/{case.pk}/visit", {"resolved": True, "level": "satisfied"})
    assert again.status_code == 409 and again.json()["message"] == ALREADY_RATED


def test_an_action_the_status_forbids_keeps_the_generic_message(personas, make) -> None:
    case = make.accepted()  # never resolved, never rated
    response = _post(
        bearer(personas.grid_worker),
        f"{V1}/cases/{case.pk}/visit",
        {"resolved": True, "level": "satisfied", "via": "phone"},
    )
    assert response.status_code == 409
    assert response.json()["message"] == "当前状态「已签收」下不能执行「回访评价」"
