"""schemathesis against /api/v1/openapi.json, through the Django WSGI app in the test database.

For every operation, schema-valid (positive) and schema-breaking (negative) requests, then a
stateful run that follows the document's links (a filed case → each thing done with it). Every
response must be: no 5xx, a status the document declares, a body matching its declared schema,
and negative data rejected with a 4xx. Path and body ids are drawn half the time from the
objects that exist, so the fuzzing reaches the services, not just the 404 path.

Example counts are small so that the run stays well under a minute per database; raise them with
GONGZHI_FUZZ_EXAMPLES=50 (and GONGZHI_FUZZ_SEED=random for a new seed) when hunting bugs.
"""

import copy
import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, seed, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from gongzhi.api import services
from gongzhi.api.v1.api import api
from gongzhi.cases import services as case_services
from gongzhi.cases.tests.conftest import png
from gongzhi.core.notifications import notify

SCHEMA_URL = "/api/v1/openapi.json"
EXAMPLES = int(os.environ.get("GONGZHI_FUZZ_EXAMPLES", "8"))
SEED = os.environ.get("GONGZHI_FUZZ_SEED", "20261129")
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def _operations() -> list:
    """Every operation of the document, as pytest params `(method, path, modes)`: negative data
    only where there is input to break."""
    runs = []
    for path, operations in api.get_openapi_schema()["paths"].items():
        for method, operation in operations.items():
            modes = [GenerationMode.POSITIVE]
            if operation.get("parameters") or operation.get("requestBody"):
                modes.append(GenerationMode.NEGATIVE)
            runs.append(pytest.param(method.upper(), path, modes, id=f"{method.upper()} {path}"))
    return runs


@pytest.fixture
def wsgi_app():
    """The project's WSGI app inside the test's transaction: like Django's test client, the
    end-of-request hook must not close the connection that holds the transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _world(personas, make, *, with_cases: bool) -> dict[str, list[int]]:
    """Ids for the fuzzer to hit: the org tree, and (for case and notification operations)
    cases in several states, one with an evidence photo, and a notification."""
    world = {
        "community_id": [personas.community1.pk, personas.community2.pk],
        "compound_id": [personas.compound_a.pk, personas.compound_b.pk, personas.compound_c.pk],
        "building_id": [personas.building_a.pk, personas.building_b.pk],
        "unit_id": [personas.unit_a.pk, personas.unit_b.pk],
        "company_id": [personas.company_x.pk, personas.company_y.pk],
    }
    if with_cases:
        in_progress = make.in_progress()
        case_services.attachment_add(
            case=in_progress, actor=personas.property_a, file=png(), kind="evidence"
        )
        cases = [make.received(), in_progress, make.resolved(is_public=True)]
        note = notify(
            recipient=personas.street_officer, kind="case.created", title="测试", body="", link="/"
        )
        world |= {"case_id": [c.pk for c in cases], "notification_id": [note.pk]}
    return world


def _config(world: dict, token: str) -> schemathesis.Config:
    return schemathesis.Config.from_dict(
        {
            "headers": {"Authorization": f"Bearer {token}"},
            "generation": {"database": "none", "with-security-parameters": False},
            "dictionaries": {name: {"values": ids} for name, ids in world.items()},
            "parameters": {
                f"{where}.{name}": {"dictionary": name, "probability": 0.5}
                for name in world
                for where in ("path", "body")
            },
        }
    )


@pytest.fixture(scope="module")
def document(django_db_setup, django_db_blocker):
    """/api/v1/openapi.json as the app serves it (fetched once: ninja builds it per request)."""
    with django_db_blocker.unblock():
        loaded = schemathesis.openapi.from_wsgi(SCHEMA_URL, get_wsgi_application())
    return loaded.raw_schema


@pytest.fixture
def load_schema(document, wsgi_app, personas, make, settings):
    """The document with a street officer's token and the ids of objects that exist."""
    settings.GONGZHI_API_RATE_PER_MINUTE = 100_000

    def load(*, with_cases: bool):
        token = services.token_issue(actor=personas.street_officer).secret
        world = _world(personas, make, with_cases=with_cases)
        schema = schemathesis.openapi.from_dict(
            copy.deepcopy(document), config=_config(world, token)
        )
        schema.app = wsgi_app
        schema.location = SCHEMA_URL
        return schema

    return load


def _hypothesis_settings(max_examples: int) -> settings:
    return settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        derandomize=SEED != "random",
        phases=[Phase.explicit, Phase.generate],  # report the first failure, do not shrink
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path", "modes"), _operations())
def test_operation_answers_within_its_document(load_schema, method, path, modes):
    schema = load_schema(with_cases="case" in path or "notification" in path)
    operation = schema[path][method]
    for mode in modes:
        _fuzz(operation, mode)


def _fuzz(operation, mode: GenerationMode) -> None:
    checks = CHECKS + ([negative_data_rejection] if mode is GenerationMode.NEGATIVE else [])

    @_hypothesis_settings(EXAMPLES)
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        case.call_and_validate(checks=checks)

    if SEED != "random":
        run = seed(int(SEED))(run)
    run()


@pytest.mark.django_db
def test_stateful_runs_follow_the_links(load_schema):
    """File a case, then follow its links (detail, events, attachments, every action)."""
    machine = load_schema(with_cases=True).as_state_machine()

    class Machine(machine):  # type: ignore[misc, valid-type]
        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=CHECKS)

    Machine.run(settings=settings(_hypothesis_settings(max(EXAMPLES, 10)), stateful_step_count=6))


def test_the_document_declares_errors_the_idempotency_key_and_links(client):
    document = client.get(SCHEMA_URL).json()
    error = {"$ref": "#/components/schemas/Error"}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            wanted = {"400", "422", "429"} | (
                {"401", "403"} if operation.get("security") else set()
            )
            assert wanted <= set(responses), (method, path, sorted(responses))
            for code in wanted:
                assert responses[code]["content"]["application/json"]["schema"] == error
            assert "Retry-After" in responses["429"]["headers"]
    filing = document["paths"]["/api/v1/cases"]["post"]
    assert {"404", "409"} <= set(filing["responses"])
    assert [p["name"] for p in filing["parameters"]] == ["Idempotency-Key"]
    links = filing["responses"]["201"]["links"]
    assert links["case_assess"] == {
        "operationId": "gongzhi_api_v1_case_actions_case_assess",
        "parameters": {"case_id": "$response.body#/id"},
    }
    action = document["paths"]["/api/v1/cases/{case_id}/assess"]["post"]
    assert "case_dispatch" in action["responses"]["200"]["links"]
    assert "Idempotency-Key" in [p["name"] for p in action["parameters"]]
