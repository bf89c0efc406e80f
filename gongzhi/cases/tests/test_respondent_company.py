"""S9 through the real paths: a resident's 求助 about the property company's own conduct (物业费,
物业服务, 公共收益) names that company at 研判 (被反映物业), so it never learns who raised it; a
repair request still shows the company the phone it needs."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from gongzhi.api.tests.conftest import bearer
from gongzhi.cases import services
from gongzhi.cases.models import Case
from gongzhi.cases.workflow import Status
from gongzhi.org.testing import PASSWORD

pytestmark = pytest.mark.django_db

CONTENT = "我是张三，电话13812341234。物业乱收费，保安态度恶劣"
# The requester's name and phone, whole or masked, and their home.
TRACES = ("张三", "张*", "13812341234", "138****1234", "1单元101")
WITHHELD = {"name": "（诉求人信息保密）", "phone": "", "masked": True}


def _client(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _file_as_resident(p, content: str = CONTENT) -> Case:
    """我要反映 as the resident, with the form's default type 求助."""
    client = _client(p.resident_a)
    assert 'value="help" selected' in client.get("/cases/new/").content.decode()
    data = {"type": "help", "title": "", "content": content, "place": f"unit:{p.unit_a.pk}"}
    assert client.post("/cases/new/", data).status_code == 302
    case = Case.objects.get(content=content)
    assert case.type == "help" and case.requester == p.resident_a
    return case


def _assess(p, case: Case, category: str, respondent: str = ""):
    data = {"version": case.version, "category": category, "sla_class": "property"}
    data |= {"urgency": "normal", "type": "help", "respondent_company": respondent, "note": ""}
    return _client(p.community_worker).post(f"/cases/{case.pk}/assess", data)


def _dispatch_to_x(p, case: Case) -> Case:
    case.refresh_from_db()
    data = {"version": case.version, "level": "compound", "company": p.company_x.pk}
    response = _client(p.community_worker).post(f"/cases/{case.pk}/dispatch", data)
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.DISPATCHED and case.assigned_company == p.company_x
    return case


def _company_sees_no_trace(p, case: Case) -> None:
    company = _client(p.property_a)
    page = company.post(f"/cases/{case.pk}/", {"reveal": "1"}).content.decode()
    assert case.content[-8:] in page and "诉求人信息保密" in page  # it sees the work, not who
    assert not any(trace in page for trace in TRACES), [t for t in TRACES if t in page]
    queue = company.get("/cases/").content.decode()
    assert case.number in queue and not any(trace in queue for trace in TRACES)
    api = bearer(p.property_a)
    detail = api.get(f"/api/v1/cases/{case.pk}").json()
    assert detail["requester"] == WITHHELD and detail["address"] == ""
    assert not any(trace in str(detail) for trace in TRACES)
    listed = api.get("/api/v1/cases").json()["items"]
    assert case.number in str(listed) and not any(trace in str(listed) for trace in TRACES)


def test_a_help_request_about_fees_is_hidden_from_the_company_it_is_about(personas) -> None:
    p = personas
    case = _file_as_resident(p)
    form = _client(p.community_worker).get(f"/cases/{case.pk}/").content.decode()
    assessing = form.split('data-action="assess"', 1)[1].split("</details>", 1)[0]
    assert "被反映物业" in assessing and p.company_x.name in assessing
    assert p.company_y.name not in assessing  # Y serves compound B, not this one

    assert _assess(p, case, "fees").status_code == 302  # 被反映物业 left blank
    case.refresh_from_db()
    assert case.status == Status.ASSESSED and case.respondent_company == p.company_x
    case = _dispatch_to_x(p, case)
    _company_sees_no_trace(p, case)
    # The community worker who dispatched it still reaches the resident.
    staff = _client(p.community_worker).post(f"/cases/{case.pk}/", {"reveal": "1"}).content.decode()
    assert "13812341234" in staff


def test_the_assessor_names_the_company_for_another_category(personas) -> None:
    p = personas
    case = _file_as_resident(p, "我是张三，电话13812341234。保洁员把垃圾倒在绿化带里")
    assert _assess(p, case, "sanitation", str(p.company_x.pk)).status_code == 302
    case.refresh_from_db()
    assert case.respondent_company == p.company_x
    _company_sees_no_trace(p, _dispatch_to_x(p, case))


def test_a_company_that_does_not_serve_the_compound_is_refused(personas) -> None:
    p = personas
    case = _file_as_resident(p)
    response = _assess(p, case, "fees", str(p.company_y.pk))
    assert response.status_code == 400
    assert "该物业企业不是本小区的服务物业" in response.content.decode()
    case.refresh_from_db()
    assert case.status == Status.RECEIVED and case.respondent_company is None
    with pytest.raises(ValidationError) as refused:  # the service checks it too
        services.case_assess(case=case, actor=p.community_worker, category="fees",
                             sla_class="property", urgency="normal",
                             respondent_company=p.company_y)  # fmt: skip
    assert refused.value.message_dict == {"respondent_company": ["该物业企业不是本小区的服务物业"]}


def test_a_repair_request_still_shows_the_company_the_phone(personas) -> None:
    p = personas
    case = _file_as_resident(p, "我是张三，电话13812341234。卫生间水管漏水，请物业上门维修")
    assert _assess(p, case, "repair").status_code == 302
    case.refresh_from_db()
    assert case.respondent_company is None
    case = _dispatch_to_x(p, case)
    page = _client(p.property_a).post(f"/cases/{case.pk}/", {"reveal": "1"}).content.decode()
    assert "13812341234" in page and "诉求人信息保密" not in page


def test_the_api_assess_names_the_company_or_defaults_to_it(personas) -> None:
    p = personas
    api = bearer(p.community_worker)
    fees = _file_as_resident(p)
    body = {"category": "fees", "sla_class": "property"}
    response = api.post(f"/api/v1/cases/{fees.pk}/assess", body, content_type="application/json")
    assert response.status_code == 200
    fees.refresh_from_db()
    assert fees.respondent_company == p.company_x
    _company_sees_no_trace(p, _dispatch_to_x(p, fees))

    repair = _file_as_resident(p, "我是张三，电话13812341234。单元门禁坏了，物业乱收费")
    url = f"/api/v1/cases/{repair.pk}/assess"
    body = {"category": "repair", "sla_class": "property", "respondent_company_id": p.company_y.pk}
    refused = api.post(url, body, content_type="application/json")
    assert refused.status_code == 422
    assert refused.json()["message"] == "该物业企业不是本小区的服务物业"
    body["respondent_company_id"] = p.company_x.pk
    assert api.post(url, body, content_type="application/json").status_code == 200
    repair.refresh_from_db()
    assert repair.status == Status.ASSESSED and repair.respondent_company == p.company_x
