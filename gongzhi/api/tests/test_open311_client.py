"""A real Open311 client library from PyPI against our endpoints on a live server.

`georeport` (0.3.1, PyPI) is the one that installs and imports on Python 3 here; it reads the
service list, service definitions and requests (XML through xmltodict, or JSON) but cannot post,
so the POST is sent with `requests` as the spec's example does and read back with the library.
Tried and unusable: `open311` 1.1 and `three` 0.8.0 install but are Python 2 code (implicit
relative imports, `itertools.ifilter`) and fail on import; `pyopen311` and `python-open311` do
not exist on PyPI.
"""

import pytest
import requests
from georeport import GeoReport

from gongzhi.cases import services
from gongzhi.cases.choices import SlaClass, Urgency
from gongzhi.cases.models import Case
from gongzhi.cases.sla import ensure_default_policies


@pytest.fixture
def street(live_server, personas, make, open311_key, settings):
    ensure_default_policies()  # a transactional test starts from a flushed database
    settings.GONGZHI_TRIAGE_AT_FILING = "inline"
    _, secret = open311_key
    return {
        "base": f"{live_server.url}/open311/v2",
        "code": personas.street.code,
        "secret": secret,
        "published": make.resolved(is_public=True),
        "open": make.dispatched(is_public=True),
    }


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("output_format", ["json", "xml"])
def test_georeport_reads_services_definitions_and_requests(street, output_format):
    client = GeoReport(street["base"], jurisdiction=street["code"], output_format=output_format)

    services = client.get_service_list()
    by_code = {service["service_code"]: service for service in services}
    assert by_code["repair"]["service_name"] == "设施设备维修"
    assert str(by_code["elevator"]["metadata"]).lower() == "true"

    definition = client.get_service_definition("repair")
    assert definition["service_code"] == "repair"
    attributes = definition["attributes"]
    if output_format == "xml":  # xmltodict keeps the <attribute> level
        attributes = attributes["attribute"]
    assert [a["code"] for a in attributes] == ["case_type", "title", "is_public"]

    published = street["published"]
    found = client.get_service_requests(status="closed")
    if isinstance(found, dict):  # xmltodict: a single <request> is not a list
        found = [found]
    assert [str(r["service_request_id"]) for r in found] == [str(published.pk)]
    one = client.get_service_request(str(published.pk))
    assert str(one["service_request_id"]) == str(published.pk)
    assert one["status"] == "closed" and one["status_notes"]
    still_open = client.get_service_requests(status="open")
    if isinstance(still_open, dict):
        still_open = [still_open]
    assert [str(r["service_request_id"]) for r in still_open] == [str(street["open"].pk)]
    # (An empty <service_requests/> makes the library's XML reader fail: xmltodict gives None.)


@pytest.mark.django_db(transaction=True)
def test_a_request_posted_over_http_is_read_back_by_the_library(street, personas):
    answer = requests.post(
        f"{street['base']}/requests.json",
        data={
            "api_key": street["secret"],
            "jurisdiction_id": street["code"],
            "service_code": "elevator",
            "address_string": "A小区",
            "description": "3号楼电梯按键失灵",
            "attribute[is_public]": "true",
            "first_name": "三",
            "last_name": "张",
            "phone": "13800001111",
        },
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    request_id = answer.json()[0]["service_request_id"]
    case = Case.objects.get(pk=request_id)
    assert case.category == "elevator" and case.compound == personas.compound_a
    # Published once the desk has read it (研判), as on the street's public pages: a text nobody
    # has read yet is not public, whoever posted it.
    assert (
        requests.get(f"{street['base']}/requests/{request_id}.json", timeout=30).status_code == 404
    )
    services.case_assess(
        case=case,
        actor=personas.community_worker,
        category="elevator",
        sla_class=SlaClass.PROPERTY,
        urgency=Urgency.NORMAL,
    )

    client = GeoReport(street["base"], jurisdiction=street["code"], output_format="xml")
    row = client.get_service_request(str(request_id))
    assert row["service_code"] == "elevator" and row["status"] == "open"
    assert row["description"] == "3号楼电梯按键失灵"
    assert "13800001111" not in str(row) and "张" not in str(row)

    missing = GeoReport(street["base"], jurisdiction=street["code"])
    with pytest.raises(requests.HTTPError) as refused:
        missing.get_service_definition("nope")
    assert refused.value.response.status_code == 404
    assert refused.value.response.json() == [{"code": 404, "description": "service_code 不存在"}]
