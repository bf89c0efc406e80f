"""Open311 GeoReport v2: every response has the element structure of the specification's
example for that call (XML and JSON), and a POST's service_code pre-sets the case category."""

import json
import re
import xml.etree.ElementTree as ET  # noqa: S405 - parsing our own test responses and fixed text

import pytest

from gongzhi.api.tests.conftest import bearer
from gongzhi.api.tests.test_open311 import BASE, js, xml
from gongzhi.cases import services as case_services
from gongzhi.cases.choices import SlaClass, Urgency
from gongzhi.cases.forms.actions import AssessForm
from gongzhi.cases.models import Case
from gongzhi.cases.workflow import Status

# The specification's examples, element for element (the values are ours: only the shape counts).
SPEC_XML = {
    "discovery": """
<discovery>
  <changeset>2026-01-01T00:00:00Z</changeset>
  <contact>联系方式</contact>
  <key_service>如何申请密钥</key_service>
  <endpoints>
    <endpoint>
      <specification>http://wiki.open311.org/GeoReport_v2</specification>
      <url>http://example.org/open311/v2</url>
      <changeset>2026-01-01T00:00:00Z</changeset>
      <type>production</type>
      <formats><format>text/xml</format><format>application/json</format></formats>
    </endpoint>
  </endpoints>
</discovery>""",
    "services": """
<services>
  <service>
    <service_code>001</service_code>
    <service_name>名称</service_name>
    <description>说明</description>
    <metadata>true</metadata>
    <type>realtime</type>
    <keywords>甲, 乙</keywords>
    <group>分组</group>
  </service>
</services>""",
    "service_definition": """
<service_definition>
  <service_code>001</service_code>
  <attributes>
    <attribute>
      <variable>true</variable>
      <code>CODE</code>
      <datatype>singlevaluelist</datatype>
      <required>true</required>
      <datatype_description></datatype_description>
      <order>1</order>
      <description>问题</description>
      <values><value><key>1</key><name>选项</name></value></values>
    </attribute>
  </attributes>
</service_definition>""",
    "post": """
<service_requests>
  <request>
    <service_request_id>1</service_request_id>
    <service_notice>说明</service_notice>
    <account_id/>
  </request>
</service_requests>""",
    "token": """
<service_requests>
  <request>
    <service_request_id>1</service_request_id>
    <token>12345</token>
  </request>
</service_requests>""",
    "requests": """
<service_requests>
  <request>
    <service_request_id>1</service_request_id>
    <status>closed</status>
    <status_notes>已处理</status_notes>
    <service_name>名称</service_name>
    <service_code>001</service_code>
    <description></description>
    <agency_responsible></agency_responsible>
    <service_notice></service_notice>
    <requested_datetime>2026-04-14T06:37:38+08:00</requested_datetime>
    <updated_datetime>2026-04-14T06:37:38+08:00</updated_datetime>
    <expected_datetime>2026-04-15T06:37:38+08:00</expected_datetime>
    <address>地址</address>
    <address_id>1</address_id>
    <zipcode>430000</zipcode>
    <lat>30.5</lat>
    <long>114.3</long>
    <media_url>http://example.org/1.jpg</media_url>
  </request>
</service_requests>""",
    "errors": """
<errors>
  <error>
    <code>403</code>
    <description>说明</description>
  </error>
</errors>""",
}
W3C = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$")


def shape(element: ET.Element) -> tuple:
    """Tag and the shapes of the children; of a list's items (a run of one tag) the first."""
    children: list[tuple] = []
    for child in element:
        if not children or children[-1][0] != child.tag:
            children.append(shape(child))
    return (element.tag, tuple(children))


def spec(name: str) -> tuple:
    return shape(ET.fromstring(SPEC_XML[name].strip()))  # noqa: S314 - fixed text above


def json_keys(value) -> object:
    """The JSON twin of `shape`: keys in order, lists by their first item."""
    if isinstance(value, dict):
        return tuple((key, json_keys(item)) for key, item in value.items())
    if isinstance(value, list):
        return [json_keys(value[0])] if value else []
    return None


def xml_as_json_keys(element: ET.Element, *, is_list: bool) -> object:
    """What the spec's JSON examples look like for an XML shape: a list root becomes an array,
    a list element (`<formats>`, `<values>`) an array of its items."""
    if is_list:
        return [xml_as_json_keys(element[0], is_list=False)] if len(element) else []
    if not len(element):
        return None
    plural = {"attributes", "values", "endpoints", "formats"}
    return tuple(
        (child.tag, xml_as_json_keys(child, is_list=child.tag in plural)) for child in element
    )


@pytest.fixture
def world(make, open311_key, personas):
    key, secret = open311_key
    published = make.resolved(is_public=True)
    return {"secret": secret, "case": published}


CALLS = [
    # (name in SPEC_XML, path, list root?)
    ("discovery", "discovery", False),
    ("services", "services", True),
    ("service_definition", "services/repair", False),
    ("requests", "requests", True),
    ("requests", "requests/{case}", True),
    ("token", "tokens/{number}", True),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "path", "is_list"), CALLS, ids=[c[1] for c in CALLS])
def test_each_get_has_the_spec_example_shape_in_xml_and_json(client, world, name, path, is_list):
    case = world["case"]
    url = f"{BASE}/{path.format(case=case.pk, number=case.number)}"
    root = xml(client.get(f"{url}.xml", {"api_key": world["secret"]}))
    assert shape(root) == spec(name)
    data = js(client.get(f"{url}.json", {"api_key": world["secret"]}))
    expected = ET.fromstring(SPEC_XML[name].strip())  # noqa: S314 - fixed text above
    assert json_keys(data) == xml_as_json_keys(expected, is_list=is_list)


@pytest.mark.django_db
def test_post_answer_has_the_spec_example_shape(client, world, personas):
    data = {"api_key": world["secret"], "service_code": "repair", "description": "路灯不亮",
            "address_string": "A小区"}  # fmt: skip
    root = xml(client.post(f"{BASE}/requests.xml", data))
    assert shape(root) == spec("post")
    answer = js(client.post(f"{BASE}/requests.json", data))
    assert json_keys(answer) == [
        (("service_request_id", None), ("service_notice", None), ("account_id", None))
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "query", "status"),
    [
        ("requests", {"status": "pending"}, 400),
        ("requests", {"api_key": "not-a-key"}, 403),
        ("requests/999999", {}, 404),
        ("services/nope", {}, 404),
        ("tokens/NH000", {}, 404),
        ("requests", {"jurisdiction_id": "nowhere"}, 404),
    ],
)
def test_errors_have_the_spec_shape_in_both_formats(client, world, path, query, status):
    response = client.get(f"{BASE}/{path}.xml", query)
    assert response.status_code == status
    root = xml(response)
    assert shape(root) == spec("errors")
    assert root.findtext("error/code") == str(status) and root.findtext("error/description")
    response = client.get(f"{BASE}/{path}.json", query)
    assert response.status_code == status
    body = js(response)
    assert body == [{"code": status, "description": body[0]["description"]}]
    assert body[0]["description"]


@pytest.mark.django_db
def test_lists_repeat_their_item_element_and_an_empty_list_is_an_empty_root(client, make):
    first, second = make.resolved(is_public=True), make.dispatched(is_public=True)
    root = xml(client.get(f"{BASE}/requests.xml"))
    assert [child.tag for child in root] == ["request", "request"]
    assert [r.findtext("service_request_id") for r in root] == [str(second.pk), str(first.pk)]
    empty = xml(client.get(f"{BASE}/requests.xml", {"status": "open", "service_code": "noise"}))
    assert empty.tag == "service_requests" and len(empty) == 0
    assert js(client.get(f"{BASE}/requests.json", {"service_code": "noise"})) == []


@pytest.mark.django_db
def test_times_are_w3c_with_offset_and_booleans_are_words(client, world):
    row = js(client.get(f"{BASE}/requests.json"))[0]
    for field in ("requested_datetime", "updated_datetime", "expected_datetime"):
        assert W3C.match(row[field]), (field, row[field])
    discovery = js(client.get(f"{BASE}/discovery.json"))
    assert W3C.match(discovery["changeset"]) and W3C.match(discovery["endpoints"][0]["changeset"])
    services = xml(client.get(f"{BASE}/services.xml"))
    assert {s.findtext("metadata") for s in services} == {"true"}
    definition = xml(client.get(f"{BASE}/services/repair.xml"))
    assert {a.findtext("variable") for a in definition.iter("attribute")} == {"true"}
    assert {a.findtext("required") for a in definition.iter("attribute")} == {"false"}


@pytest.mark.django_db
def test_service_code_presets_the_category_through_the_intake_service(client, personas, world):
    response = client.post(
        f"{BASE}/requests.json",
        {"api_key": world["secret"], "service_code": "elevator", "description": "3号梯困人",
         "address_string": "A小区"},
    )  # fmt: skip
    assert response.status_code == 200, response.content
    case = Case.objects.get(pk=js(response)[0]["service_request_id"])
    # Filed like any case (received, filed event, not yet assessed), with the category pre-set.
    assert case.category == "elevator" and case.status == Status.RECEIVED
    assert case.sla_class == "" and case.due_at is None
    assert list(case.events.values_list("kind", flat=True)) == ["filed"]
    # The desk sees it in the case (REST detail, the web detail's category) and in 研判.
    detail = bearer(personas.community_worker).get(f"/api/v1/cases/{case.pk}").json()
    assert detail["category"] == "elevator" and detail["status"] == "received"
    page = bearer(personas.community_worker).get("/api/v1/cases", {"category": "elevator"})
    assert [item["id"] for item in page.json()["items"]] == [case.pk]
    assert AssessForm(case=case).initial["category"] == "elevator"
    # 研判 still decides: the assessor may change it.
    case_services.case_assess(
        case=case, actor=personas.community_worker, category="repair",
        sla_class=SlaClass.PROPERTY, urgency=Urgency.NORMAL,
    )  # fmt: skip
    case.refresh_from_db()
    assert case.category == "repair" and case.status == Status.ASSESSED
    row = js(client.get(f"{BASE}/requests/{case.pk}.json", {"api_key": world["secret"]}))[0]
    assert (row["service_code"], row["service_name"]) == ("repair", "设施设备维修")


@pytest.mark.django_db
def test_rest_filing_may_preset_a_category_and_rejects_an_unknown_one(personas):
    client = bearer(personas.resident_a)
    body = {"compound_id": personas.compound_a.pk, "type": "help", "title": "路灯",
            "content": "楼下路灯不亮", "category": "repair"}  # fmt: skip
    response = client.post("/api/v1/cases", body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["category"] == "repair" and response.json()["status"] == "received"
    bad = client.post(
        "/api/v1/cases", {**body, "category": "nope"}, content_type="application/json"
    )
    assert bad.status_code == 422 and Case.objects.count() == 1
    assert json.loads(bad.content)["code"] == "invalid_request"
