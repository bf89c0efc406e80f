"""What schemathesis cannot send (it keeps lone surrogates off the wire) and what it rarely
draws, put into every field of every /api/v1/ operation, one field at a time, on top of an
otherwise valid request: lone surrogates, NUL, huge strings and numbers, wrong types. Every
answer is a 4xx in the error shape, never a 5xx, and nothing is written."""

import datetime as dt
import json

import pytest

from gongzhi.api.tests.conftest import bearer
from gongzhi.api.v1.api import api
from gongzhi.cases.models import Case, CaseEvent

DOCUMENT = api.get_openapi_schema()
TEXT_VALUES = ["\ud800", "a\udfffb", "a\x00b", "长" * 100_000]
ANY_VALUES = [10**30, -(10**30), 1e308, [], {}, True, None]
QUERY_VALUES = ["%00", "%ED%A0%80", "%FF", "x" * 20_000, "-1", "1e309", "[]"]


def _schema(ref_or_schema: dict) -> dict:
    ref = ref_or_schema.get("$ref")
    if ref:
        return DOCUMENT["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    return ref_or_schema


def _valid(name: str, spec: dict, ids: dict) -> object:
    spec = _schema(spec)
    if "anyOf" in spec:
        spec = _schema(next(s for s in spec["anyOf"] if s.get("type") != "null"))
    if name in ids:
        return ids[name]
    if "enum" in spec:
        return spec["enum"][0]
    kind = spec.get("type")
    if kind == "integer":
        return 1
    if kind == "boolean":
        return False
    if spec.get("format") == "date-time":
        return (dt.datetime.now(tz=dt.UTC) + dt.timedelta(days=3)).isoformat()
    return "测试内容"


def _json_bodies() -> list:
    params = []
    for path, operations in DOCUMENT["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" not in content:
                continue
            body = _schema(content["application/json"]["schema"])
            for field in body.get("properties", {}):
                params.append(pytest.param(path, field, id=f"{method.upper()} {path} {field}"))
    return params


def _query_params() -> list:
    params = []
    for path, operations in DOCUMENT["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                if parameter["in"] in ("query", "path"):
                    label = f"{method.upper()} {path} {parameter['name']}"
                    params.append(pytest.param(method, path, parameter, id=label))
    return params


@pytest.fixture
def target(personas, make, settings):
    settings.GONGZHI_API_RATE_PER_MINUTE = 100_000
    case = make.in_progress()
    ids = {
        "case_id": case.pk,
        "compound_id": personas.compound_a.pk,
        "company_id": personas.company_x.pk,
        "username": "street_officer",
    }
    before = (Case.objects.values().get(pk=case.pk), CaseEvent.objects.count())
    return bearer(personas.street_officer), ids, before


def _assert_4xx(response, what) -> None:
    assert 400 <= response.status_code < 500, (what, response.status_code, response.content[:300])
    body = response.json()
    assert set(body) >= {"code", "message"} and body["message"], (what, body)


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "field"), _json_bodies())
def test_hostile_body_values_are_4xx_and_write_nothing(target, path, field):
    client, ids, before = target
    operation = DOCUMENT["paths"][path]["post"]
    schema = _schema(operation["requestBody"]["content"]["application/json"]["schema"])
    valid = {name: _valid(name, spec, ids) for name, spec in schema["properties"].items()}
    url = path.format(**ids)
    for value in TEXT_VALUES + ANY_VALUES:
        kind = _schema(schema["properties"][field])
        if value is None and "null" in json.dumps(kind):
            continue  # a nullable field: null is valid
        if isinstance(value, bool) and kind.get("type") == "boolean":
            continue
        body = json.dumps({**valid, field: value})  # lone surrogates go as \ud800 escapes
        response = client.post(url, body, content_type="application/json")
        if path.endswith("/auth/token") or response.status_code < 300:
            assert response.status_code < 500, (field, value, response.content[:300])
            continue
        _assert_4xx(response, (field, repr(value)[:40]))
    if not path.endswith("/auth/token"):
        assert (Case.objects.values().get(pk=ids["case_id"]), CaseEvent.objects.count()) == before


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path", "parameter"), _query_params())
def test_hostile_query_and_path_values_are_4xx(target, method, path, parameter):
    client, ids, _ = target
    for value in QUERY_VALUES:
        if parameter["in"] == "path":
            url = path.format(**{**ids, parameter["name"]: value})
        else:
            url = path.format(**ids) + f"?{parameter['name']}={value}"
        response = client.get(url) if method == "get" else client.post(url, {}, "application/json")
        if response.status_code < 300:
            continue  # e.g. q=-1 is a fine search, limit=1e309 is not
        _assert_4xx(response, (parameter["name"], value[:20]))
