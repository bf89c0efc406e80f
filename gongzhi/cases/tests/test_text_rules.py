"""Content and titles must say something in words, and notes keep to 500 characters, on every
way in: the service (so the API and the import too), the resident's and the staff's forms, and
each action form. Refused input is named in Chinese and changes nothing."""

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from gongzhi.api.tests.conftest import bearer
from gongzhi.cases import services, texts
from gongzhi.cases.models import Case, CaseEvent, CaseRating
from gongzhi.cases.tests.conftest import png
from gongzhi.cases.workflow import Status
from gongzhi.org.testing import PASSWORD

pytestmark = pytest.mark.django_db

NO_WORDS = "请用文字描述您反映的问题"
TITLE_NO_WORDS = "标题请用文字填写"
EMPTY_LOOKING = [
    "😡",
    "\u200b",
    "？！……",
    "😡\u200d🔥 👍🏻",
    "\u3164\u200b",
    "★☆→ ※",
    "\ufeff\u2060",
]
WORDS = ["3", "A", "楼道灯😡", "灯坏了！！", "①号楼", "Lamp"]


def _client(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _file(personas, **fields):
    data = {"title": "楼道灯不亮", "content": "3单元楼道灯坏了一周"} | fields
    return services.case_file(
        actor=personas.grid_worker, compound=personas.compound_a, channel="visit", type="help",
        **data,
    )  # fmt: skip


@pytest.mark.parametrize("text", EMPTY_LOOKING)
def test_content_or_title_without_words_is_refused_by_the_service(personas, text) -> None:
    with pytest.raises(ValidationError) as refused:
        _file(personas, content=text)
    assert refused.value.message_dict == {"content": [NO_WORDS]}
    with pytest.raises(ValidationError) as refused:
        _file(personas, title=text)
    assert refused.value.message_dict == {"title": [TITLE_NO_WORDS]}
    assert not Case.objects.exists()


@pytest.mark.parametrize("text", WORDS)
def test_a_single_letter_digit_or_character_is_enough(personas, text) -> None:
    assert _file(personas, title=text, content=text).content == text


def test_the_service_holds_content_name_and_address_to_the_forms_limits(personas) -> None:
    with pytest.raises(ValidationError) as refused:
        _file(
            personas,
            content="长" * (texts.MAX_CONTENT + 1),
            requester_name="名" * 51,
            address="A小区" + "号" * 200,
        )
    assert refused.value.message_dict == {
        "content": ["诉求内容不能超过 5000 字"],
        "requester_name": ["诉求人姓名不能超过 50 字"],
        "address": ["地址不能超过 200 字"],
    }
    assert not Case.objects.exists()
    assert len(_file(personas, content="长" * texts.MAX_CONTENT).content) == texts.MAX_CONTENT


def test_the_resident_form_names_the_problem(personas, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    client = _client(personas.resident_a)
    place = f"unit:{personas.unit_a.pk}"
    for data, message in (
        ({"content": "😡"}, NO_WORDS),
        ({"content": "\u200b"}, NO_WORDS),
        ({"content": "？？？"}, NO_WORDS),
        ({"content": "楼道灯坏了", "title": "😡😡"}, TITLE_NO_WORDS),
    ):
        response = client.post("/cases/new/", {"type": "help", "place": place, **data})
        assert response.status_code == 200
        assert message in response.content.decode()
    assert not Case.objects.exists()
    # A first line of emoji does not become the title: the first line in words does.
    response = client.post(
        "/cases/new/", {"type": "help", "place": place, "content": "😡😡😡\n楼道灯坏了一周"}
    )
    assert response.status_code == 302
    assert Case.objects.get().title == "楼道灯坏了一周"


def test_line_breaks_count_once_as_the_browser_counts_them(personas, settings, tmp_path):
    """A browser's maxlength counts a line break as one character but sends CR LF."""
    settings.MEDIA_ROOT = tmp_path
    client = _client(personas.resident_a)
    content = "\r\n".join(["楼道灯坏了一周，晚上看不见路。"] * 300)  # 300 lines of 15
    as_typed = content.replace("\r\n", "\n")
    assert len(as_typed) <= 5000 < len(content)  # fits the textarea; not as sent
    response = client.post(
        "/cases/new/", {"type": "help", "place": f"unit:{personas.unit_a.pk}", "content": content}
    )
    assert response.status_code == 302
    assert Case.objects.get().content == as_typed


def test_the_staff_intake_form_names_the_problem(personas) -> None:
    client = _client(personas.grid_worker)
    data = {"channel": "visit", "type": "help", "compound": personas.compound_a.pk}
    for fields, message in (
        ({"content": "😡"}, NO_WORDS),
        ({"content": "灯坏了", "title": "！"}, TITLE_NO_WORDS),
        ({"content": "灯坏了", "requester_name": "名" * 51}, "诉求人姓名不能超过 50 字"),
        ({"content": "灯坏了", "address": "号" * 201}, "地址不能超过 200 字"),
    ):
        response = client.post("/cases/intake/", data | fields)
        assert response.status_code == 200
        page = response.content.decode()
        assert message in page
        assert "确保该变量" not in page  # Django's own wording of a too-long value
    assert not Case.objects.exists()


def test_the_api_refuses_empty_looking_content_with_the_same_message(personas) -> None:
    body = {"compound_id": personas.compound_a.pk, "type": "help", "title": "灯", "content": "😡"}
    response = bearer(personas.resident_a).post(
        "/api/v1/cases", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["code"] == "validation_failed"
    assert response.json()["fields"] == {"content": [NO_WORDS]}
    assert not Case.objects.exists()


def test_title_from_skips_lines_and_leading_runs_without_words() -> None:
    assert texts.title_from("😡\n\u200b\n楼道灯坏了") == "楼道灯坏了"
    assert texts.title_from("😡" * 40 + "楼道灯坏了") == "楼道灯坏了"
    assert texts.title_from("灯" * 31) == "灯" * 30 + "…"
    assert texts.title_from("😡") == ""


# --- Notes and reasons of the actions: at most 500 characters, on the form and in the service --

LONG = "长" * 501

# (action, how to make the case, who acts, form data with one overlong field, its message)
OVERLONG = [
    ("start", "accepted", "property_a", {"note": LONG}, "备注不能超过 500 字"),
    ("assess", "received", "community_worker",
     {"category": "repair", "sla_class": "property", "urgency": "normal", "type": "help",
      "note": LONG}, "研判意见不能超过 500 字"),
    ("dispatch", "assessed", "community_worker", {"level": "community", "note": LONG},
     "交办说明不能超过 500 字"),
    ("not_accept", "received", "community_worker", {"reason": "litigation", "note": LONG},
     "补充说明不能超过 500 字"),
    ("visit", "resolved", "grid_worker",
     {"resolved": "1", "level": "satisfied", "via": "phone", "note": LONG}, "意见不能超过 500 字"),
    ("visit", "resolved", "community_worker",
     {"resolved": "0", "level": "dissatisfied", "via": "phone", "exception_reason": LONG},
     "例外办结理由不能超过 500 字"),
    ("return", "dispatched", "property_a", {"reason": LONG}, "理由不能超过 500 字"),
    ("supervise", "dispatched", "community_worker", {"reason": LONG}, "理由不能超过 500 字"),
    ("terminate", "dispatched", "street_officer", {"reason": LONG}, "理由不能超过 500 字"),
    ("request_extension", "accepted", "property_a", {"days": 1, "reason": LONG},
     "理由不能超过 500 字"),
]  # fmt: skip


@pytest.mark.parametrize(("action", "state", "actor", "data", "message"), OVERLONG,
                         ids=[f"{o[0]}-{list(o[3])[-1]}" for o in OVERLONG])  # fmt: skip
def test_an_overlong_note_is_refused_on_the_form(personas, make, action, state, actor, data,
                                                 message) -> None:  # fmt: skip
    case = getattr(make, state)()
    before = (Case.objects.values().get(pk=case.pk), CaseEvent.objects.count())
    response = _client(getattr(personas, actor)).post(
        f"/cases/{case.pk}/{action}", dict(data, version=case.version)
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert (Case.objects.values().get(pk=case.pk), CaseEvent.objects.count()) == before
    assert not CaseRating.objects.exists()


def test_a_note_of_500_characters_is_kept(personas, make) -> None:
    case = make.accepted()
    response = _client(personas.property_a).post(
        f"/cases/{case.pk}/start", {"version": case.version, "note": "长" * 500}
    )
    assert response.status_code == 302
    assert CaseEvent.objects.filter(case=case).latest("pk").note == "长" * 500


def test_the_services_refuse_what_bypasses_the_forms(personas, make) -> None:
    p = personas
    calls = [
        (services.case_start, make.accepted(), p.property_a, {"note": LONG}, "note"),
        (services.case_extend, make.accepted(), p.community_worker,
         {"reason": LONG, "until": timezone.now() + dt.timedelta(days=1)}, "reason"),
        (services.case_request_extension, make.accepted(), p.property_a,
         {"reason": LONG, "days": 1}, "reason"),
        (services.case_not_accept, make.received(), p.community_worker,
         {"reason": "litigation", "note": LONG}, "note"),
        (services.case_visit, make.resolved(), p.grid_worker,
         {"resolved": True, "level": "satisfied", "via": "phone", "note": LONG}, "note"),
        (services.case_request_termination, make.in_progress(), p.property_a, {"reason": LONG},
         "reason"),
        (services.case_resolve, make.in_progress(), p.property_a,
         {"public_reply": "已修好", "resolution_note": "长" * 2001, "evidence": [png()]},
         "resolution_note"),
    ]  # fmt: skip
    for service, case, actor, kwargs, field in calls:
        before = Case.objects.values().get(pk=case.pk)
        with pytest.raises(ValidationError) as refused:
            service(case=case, actor=actor, **kwargs)
        assert list(refused.value.message_dict) == [field], service.__name__
        assert "不能超过" in refused.value.message_dict[field][0]
        assert Case.objects.values().get(pk=case.pk) == before
    assert Case.objects.filter(status=Status.RESOLVED).count() == 1  # only make.resolved()
