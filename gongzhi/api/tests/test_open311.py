"""Open311 GeoReport v2: formats per endpoint, status mapping, errors, keys, privacy, POST."""

import json
import xml.etree.ElementTree as ET  # noqa: S405 - parsing our own test responses

import pytest

from gongzhi.api import services
from gongzhi.api.models import Open311Submission
from gongzhi.api.open311.status import open311_status
from gongzhi.cases.models import Case
from gongzhi.cases.workflow import Status

BASE = "/open311/v2"
# Element order of a <request> in the spec's GET Service Requests example.
REQUEST_FIELDS = [
    "service_request_id", "status", "status_notes", "service_name", "service_code",
    "description", "agency_responsible", "service_notice", "requested_datetime",
    "updated_datetime", "expected_datetime", "address", "address_id", "zipcode", "lat", "long",
    "media_url",
]  # fmt: skip
REQUESTER_FIELDS = ["email", "first_name", "last_name", "phone", "device_id", "account_id"]


def xml(response) -> ET.Element:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(response.content)  # noqa: S314 - raises unless well-formed


def js(response):
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(response.content)


def test_status_mapping_is_open_until_the_work_is_done():
    expected = {
        "received": "open", "assessed": "open", "dispatched": "open", "accepted": "open",
        "in_progress": "open", "returned": "open", "reopened": "open", "resolved": "closed",
        "closed": "closed", "terminated": "closed", "not_accepted": "closed", "merged": "closed",
    }  # fmt: skip
    assert {s: open311_status(s) for s in Status.values} == expected


@pytest.mark.django_db
def test_discovery_in_both_formats(client, personas):
    root = xml(client.get(f"{BASE}/discovery.xml"))
    assert root.tag == "discovery"
    assert [c.tag for c in root] == ["changeset", "contact", "key_service", "endpoints"]
    endpoint = root.find("endpoints/endpoint")
    assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
    assert [f.text for f in endpoint.findall("formats/format")] == ["text/xml", "application/json"]
    data = js(client.get(f"{BASE}/discovery.json"))
    assert data["endpoints"][0]["url"] == "http://testserver/open311/v2"
    assert data["endpoints"][0]["formats"] == ["text/xml", "application/json"]


@pytest.mark.django_db
def test_service_list_is_the_case_categories(client, personas):
    root = xml(client.get(f"{BASE}/services.xml"))
    assert root.tag == "services"
    first = root.find("service")
    assert [c.tag for c in first] == [
        "service_code", "service_name", "description", "metadata", "type", "keywords", "group"
    ]  # fmt: skip
    codes = [s.findtext("service_code") for s in root.findall("service")]
    assert "repair" in codes and "elevator" in codes
    data = js(client.get(f"{BASE}/services.json"))
    repair = next(s for s in data if s["service_code"] == "repair")
    assert repair["service_name"] == "设施设备维修"
    assert repair["metadata"] is True and repair["type"] == "realtime"


@pytest.mark.django_db
def test_service_definition_has_attributes_with_values(client, personas):
    root = xml(client.get(f"{BASE}/services/repair.xml"))
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == "repair"
    attribute = root.find("attributes/attribute")
    assert [c.tag for c in attribute] == [
        "variable", "code", "datatype", "required", "datatype_description", "order",
        "description", "values",
    ]  # fmt: skip
    assert attribute.find("values/value/key") is not None
    data = js(client.get(f"{BASE}/services/repair.json"))
    assert data["attributes"][0]["values"][1] == {"key": "help", "name": "求助"}
    missing = client.get(f"{BASE}/services/nope.json")
    assert missing.status_code == 404
    assert js(missing) == [{"code": 404, "description": "service_code 不存在"}]


@pytest.mark.django_db
def test_public_requests_show_only_published_cases_without_personal_data(client, make):
    published = make.resolved(is_public=True, content="楼道灯坏了，联系我 13812345678")
    hidden = make.received()  # the requester did not agree to publish
    data = js(client.get(f"{BASE}/requests.json"))
    assert [row["service_request_id"] for row in data] == [published.pk]
    row = data[0]
    assert list(row) == REQUEST_FIELDS
    assert row["status"] == "closed"
    assert row["status_notes"] == "已更换楼道灯，恢复照明。"  # the public reply
    assert row["agency_responsible"] == "测试物业X有限公司"
    assert row["description"] == "楼道灯坏了，联系我 [已隐去]"
    assert row["requested_datetime"].endswith("+08:00")
    assert row["expected_datetime"] is not None  # the SLA deadline
    body = json.dumps(data, ensure_ascii=False)
    assert "13812345678" not in body and "张三" not in body
    assert client.get(f"{BASE}/requests/{hidden.pk}.json").status_code == 404

    root = xml(client.get(f"{BASE}/requests/{published.pk}.xml"))
    assert root.tag == "service_requests"
    assert [c.tag for c in root.find("request")] == REQUEST_FIELDS


@pytest.mark.django_db
def test_requests_filters(client, make):
    open_case = make.dispatched(is_public=True)
    closed_case = make.resolved(is_public=True)
    get = lambda **q: [r["service_request_id"] for r in js(client.get(f"{BASE}/requests.json", q))]  # noqa: E731
    assert get(status="open") == [open_case.pk]
    assert get(status="closed") == [closed_case.pk]
    assert get(status="open,closed") == [closed_case.pk, open_case.pk]
    assert get(service_code="elevator") == []
    assert get(service_request_id=f"{open_case.pk}", status="closed") == [open_case.pk]
    assert get(start_date="2000-01-01T00:00:00Z", end_date="2000-02-01T00:00:00Z") == []
    too_long = client.get(
        f"{BASE}/requests.xml",
        {"start_date": "2020-01-01T00:00:00Z", "end_date": "2020-06-01T00:00:00Z"},
    )
    assert too_long.status_code == 400
    error = xml(too_long)
    assert error.tag == "errors" and error.findtext("error/code") == "400"
    assert client.get(f"{BASE}/requests.json", {"status": "pending"}).status_code == 400


@pytest.mark.django_db
def test_a_key_sees_every_case_of_its_street_and_never_requester_data(client, make, open311_key):
    _, secret = open311_key
    unpublished = make.received()
    data = js(client.get(f"{BASE}/requests.json", {"api_key": secret}))
    assert [r["service_request_id"] for r in data] == [unpublished.pk]
    assert data[0]["description"] is None  # not published, not this client's own submission
    for field in REQUESTER_FIELDS:
        assert field not in data[0]


@pytest.mark.django_db
def test_a_key_is_bound_to_its_street(client, personas, open311_key):
    from gongzhi.org import services as org_services

    other = org_services.street_create(name="别的街道", code="420106-Z")
    _, secret = open311_key
    response = client.get(
        f"{BASE}/requests.json", {"api_key": secret, "jurisdiction_id": other.code}
    )
    assert response.status_code == 403
    unknown = client.get(f"{BASE}/services.json", {"jurisdiction_id": "nowhere"})
    assert unknown.status_code == 404
    # Two streets and no key: the jurisdiction must be named (spec: 400).
    assert client.get(f"{BASE}/requests.json").status_code == 400
    assert client.get(f"{BASE}/requests.json", {"jurisdiction_id": "420106-T"}).status_code == 200


# The spec's example POST, with our service code and a place in the personas' street.
SPEC_EXAMPLE = (
    "jurisdiction_id=420106-T&service_code=repair&lat=37.76524078&long=-122.4212043"
    "&address_string=A%E5%B0%8F%E5%8C%BA+1%E6%A0%8B&email=smit333%40sfgov.edu&device_id=tt222111"
    "&account_id=123456&first_name=john&last_name=smith&phone=13800001111"
    "&description=A+large+sinkhole+is+destroying+the+street"
    "&media_url=http%3A%2F%2Ffarm3.static.flickr.com%2F2002%2F2212426634_5ed477a060.jpg"
    "&attribute[case_type]=complaint&attribute[WHISDORN]=COISL001"
)


@pytest.mark.django_db
def test_post_files_a_case_through_the_cases_service(client, personas, open311_key):
    key, secret = open311_key
    response = client.post(
        f"{BASE}/requests.xml",
        f"api_key={secret}&{SPEC_EXAMPLE}",
        content_type="application/x-www-form-urlencoded; charset=utf-8",
    )
    assert response.status_code == 200, response.content
    root = xml(response)
    assert root.tag == "service_requests"
    assert [c.tag for c in root.find("request")] == [
        "service_request_id", "service_notice", "account_id"
    ]  # fmt: skip
    assert root.findtext("request/account_id") in (None, "")  # a requester field: never echoed
    case = Case.objects.get(pk=int(root.findtext("request/service_request_id")))
    assert case.compound == personas.compound_a  # the far-away point fell back to the address
    assert case.type == "complaint" and case.status == Status.RECEIVED
    assert case.events.filter(kind="filed").exists()  # written by case_file, not by us
    submission = Open311Submission.objects.get(case=case)
    assert (submission.email, submission.device_id, submission.account_id) == (
        "smit333@sfgov.edu", "tt222111", "123456"
    )  # fmt: skip
    assert submission.client == key

    # Read back with the key: the text is there, the requester is not.
    data = js(client.get(f"{BASE}/requests/{case.pk}.json", {"api_key": secret}))
    assert data[0]["description"] == "A large sinkhole is destroying the street"
    assert data[0]["media_url"].startswith("http://farm3.static.flickr.com/")
    body = json.dumps(data)
    for secret_value in ("smit333", "tt222111", "123456", "13800001111", "john", "smith"):
        assert secret_value not in body
    token = js(client.get(f"{BASE}/tokens/{case.number}.json", {"api_key": secret}))
    assert token == [{"service_request_id": case.pk, "token": case.number}]


@pytest.mark.django_db
def test_post_with_coordinates_picks_the_nearest_compound(client, personas, open311_key):
    from gongzhi.org.models import Compound

    Compound.objects.filter(pk=personas.compound_a.pk).update(latitude=30.5, longitude=114.3)
    Compound.objects.filter(pk=personas.compound_b.pk).update(latitude=30.51, longitude=114.31)
    _, secret = open311_key
    data = {"api_key": secret, "service_code": "noise", "description": "夜间施工",
            "lat": "30.509", "long": "114.309"}  # fmt: skip
    response = client.post(f"{BASE}/requests.json", data)
    assert response.status_code == 200, response.content
    case = Case.objects.get(pk=js(response)[0]["service_request_id"])
    assert case.compound == personas.compound_b


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "status"),
    [
        ({}, 403),  # no api_key
        ({"api_key": "wrong"}, 403),
        ({"KEY": 1}, 400),  # no service_code
        ({"KEY": 1, "service_code": "nope", "address_string": "A小区"}, 404),
        ({"KEY": 1, "service_code": "repair"}, 400),  # no location
        ({"KEY": 1, "service_code": "repair", "lat": "30"}, 400),  # lat without long
        ({"KEY": 1, "service_code": "repair", "address_string": "月球"}, 400),
        ({"KEY": 1, "service_code": "repair", "address_string": "A小区", "description": ""}, 400),
        ({"KEY": 1, "service_code": "repair", "address_string": "A\x00小区"}, 400),
        ({"KEY": 1, "service_code": "repair", "address_id": "99999999999999999999"}, 400),
    ],
)
def test_post_errors_use_the_spec_error_body(client, open311_key, data, status):
    _, secret = open311_key
    if data.pop("KEY", None):
        data["api_key"] = secret
    response = client.post(f"{BASE}/requests.json", data)
    assert response.status_code == status
    body = js(response)
    assert body[0]["code"] == status and body[0]["description"]
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_a_revoked_key_is_refused(client, personas, open311_key):
    key, secret = open311_key
    services.open311_client_revoke(actor=personas.street_officer, client=key)
    response = client.get(f"{BASE}/requests.xml", {"api_key": secret})
    assert response.status_code == 403
    assert xml(response).findtext("error/code") == "403"


@pytest.mark.django_db
def test_only_street_officers_of_the_street_create_keys(personas):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.open311_client_create(
            actor=personas.community_worker, name="x", street=personas.street
        )


@pytest.mark.django_db
def test_each_key_has_its_own_rate_limit(client, personas, open311_key, settings):
    key, secret = open311_key
    key.requests_per_minute = 2
    key.save()
    statuses = [
        client.get(f"{BASE}/services.json", {"api_key": secret}).status_code for _ in range(3)
    ]
    assert statuses == [200, 200, 429]
    assert client.get(f"{BASE}/services.json").status_code == 200  # other callers unaffected


@pytest.mark.django_db
def test_management_command_creates_and_revokes_keys(personas, client):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command(
        "open311_key",
        "create",
        "热线对接",
        "--street",
        "420106-T",
        stdout=out,
        stderr=io.StringIO(),
    )
    secret = out.getvalue().strip()
    assert client.get(f"{BASE}/requests.json", {"api_key": secret}).status_code == 200
    call_command("open311_key", "revoke", "热线对接", stdout=io.StringIO())
    assert client.get(f"{BASE}/requests.json", {"api_key": secret}).status_code == 403
