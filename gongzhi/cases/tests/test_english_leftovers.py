"""Words the platform writes itself read in the reader's language (a phone audit found them in
Chinese on English pages); names of places and people stay as they are."""

from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from gongzhi.api.tests.conftest import bearer
from gongzhi.cases import services, visit_notes
from gongzhi.cases.choices import CaseType, Channel, RatingLevel, RatingVia
from gongzhi.cases.models import EventKind
from gongzhi.org.testing import PASSWORD

pytestmark = pytest.mark.django_db


def _client(user, language: str) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    return client


def test_the_resident_form_names_home_and_common_areas_in_english(personas) -> None:
    english = _client(personas.resident_a, "en").get("/cases/new/").content.decode()
    assert "A小区 1栋 1单元101 (my home)" in english and "A小区 common areas" in english
    assert "我家" not in english and "公共区域" not in english
    chinese = _client(personas.resident_a, "zh-hans").get("/cases/new/").content.decode()
    assert "A小区 1栋 1单元101（我家）" in chinese and "A小区 公共区域" in chinese


def test_a_withheld_requester_reads_in_english(personas) -> None:
    p = personas
    case = services.case_file(
        actor=p.grid_worker, compound=p.compound_a, channel=Channel.HOTLINE_12345,
        type=CaseType.COMPLAINT, title="物业不作为", content="保洁长期不到位",
        requester=p.resident_a, respondent_company=p.company_x,
    )  # fmt: skip
    services.case_assess(case=case, actor=p.community_worker, category="property_service",
                         sla_class="property", urgency="normal")  # fmt: skip
    services.case_dispatch(case=case, actor=p.community_worker, level="compound",
                           company=p.company_x)  # fmt: skip
    english = _client(p.property_a, "en").get(f"/cases/{case.pk}/").content.decode()
    assert "(requester&#x27;s details withheld)" in english and "诉求人信息保密" not in english
    chinese = _client(p.property_a, "zh-hans").get(f"/cases/{case.pk}/").content.decode()
    assert "（诉求人信息保密）" in chinese
    api = bearer(p.property_a)
    for language, name in (
        ("en", "(requester's details withheld)"),
        ("zh-hans", "（诉求人信息保密）"),
    ):
        detail = api.get(f"/api/v1/cases/{case.pk}", HTTP_ACCEPT_LANGUAGE=language).json()
        assert detail["requester"] == {"name": name, "phone": "", "masked": True}


def test_the_note_of_an_unsatisfied_return_visit_reads_in_english(make, personas) -> None:
    p = personas
    case = make.resolved()
    services.case_visit(case=case, actor=p.resident_a, resolved=False,
                        level=RatingLevel.DISSATISFIED, via=RatingVia.ONLINE)  # fmt: skip
    assert case.events.get(kind=EventKind.REOPENED).note == "回访未解决，不满意，重新办理"  # stored

    url = reverse("cases:detail", args=[case.pk])
    english = _client(p.resident_a, "en").get(url).content.decode()
    assert "Return visit: Not resolved, Dissatisfied. Reopened." in english
    assert "重新办理" not in english
    chinese = _client(p.resident_a, "zh-hans").get(url).content.decode()
    assert "回访未解决，不满意，重新办理" in chinese


def test_a_visit_note_written_otherwise_is_shown_as_stored() -> None:
    payload = {"round": 1, "resolved": True, "level": "satisfied", "via": "online"}
    event = SimpleNamespace(kind=EventKind.CLOSED, payload=payload, note="已解决，满意")
    typed = SimpleNamespace(kind=EventKind.CLOSED, payload=payload, note="电话回访：已解决")
    receipt = SimpleNamespace(
        kind=EventKind.EXCEPTION,
        payload=payload | {"resolved": False, "level": "basic", "source": "receipt_link"},
        note="未解决，基本满意（凭回执链接评价）。例外办结理由：已协调，非物业责任",
    )
    with translation.override("en"):
        assert visit_notes.shown(event) == "Resolved, Satisfied"
        assert visit_notes.shown(typed) == "电话回访：已解决"
        assert visit_notes.shown(receipt) == (
            "Not resolved, Fairly satisfied (rated through the receipt link). "
            "Closed as an exception: 已协调，非物业责任"
        )


def test_the_unit_page_names_relations_in_english(personas) -> None:
    url = reverse("org:unit", args=[personas.unit_a.pk])
    english = _client(personas.community_worker, "en").get(url).content.decode()
    assert "Owner (designated voter) · lives here" in english
    assert "指定投票人" not in english and "自住" not in english
    chinese = _client(personas.community_worker, "zh-hans").get(url).content.decode()
    assert "业主（指定投票人） · 自住" in chinese
