"""G3: the reply draft comes with its model version, its confidence and the closed cases it was
assembled from (links staff may open), and says it is a draft to edit, never sent by itself."""

import pytest
from django.test import Client
from django.urls import reverse

from gongzhi.cases import services
from gongzhi.cases.models import Case
from gongzhi.org.testing import PASSWORD
from gongzhi.triage.replies import VERSION as REPLY_DRAFT_VERSION

pytestmark = pytest.mark.django_db


def _closed(make, personas, **kw) -> Case:
    done = make.resolved(**kw)
    return services.case_visit(
        case=done, actor=personas.grid_worker, resolved=True, level="satisfied", via="phone"
    )


def _draft(user, case: Case):
    client = Client()
    client.login(username=user.username, password=PASSWORD)
    response = client.get(reverse("cases:reply_draft", args=[case.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    return client, response.json()


def test_the_draft_names_its_model_its_confidence_and_the_cases_it_came_from(
    make, personas
) -> None:
    done = _closed(make, personas, title="楼道灯不亮", content="3单元楼道灯坏了一周")
    _closed(make, personas, title="电梯异响", content="2号电梯运行时有很大的摩擦声")
    case = make.in_progress(title="楼道灯坏了", content="5单元楼道灯坏了好几天")
    client, draft = _draft(personas.property_a, case)
    assert "已更换楼道灯" in draft["text"]
    assert draft["model_version"] == REPLY_DRAFT_VERSION
    assert 0.15 <= draft["confidence"] <= 1
    assert [s["number"] for s in draft["sources"]] == [done.number]  # not the lift case
    assert draft["sources"][0]["similarity"] == draft["confidence"]
    assert client.get(draft["sources"][0]["url"]).status_code == 200  # a link staff may open
    assert draft["is_draft"] is True and draft["sent_automatically"] is False
    assert "请按本诉求的实际处理情况核对修改" in draft["notice"]
    assert "不会自动发送" in draft["notice"]
    case.refresh_from_db()
    assert case.public_reply == ""  # a draft is never sent by itself


def test_a_template_draft_says_no_case_was_its_source(make, personas) -> None:
    _closed(make, personas, title="电梯异响", content="2号电梯运行时有很大的摩擦声")
    case = make.in_progress(title="宠物扰民", content="邻居家的狗每天夜里叫")
    _, draft = _draft(personas.property_a, case)
    assert "〔请填写处理经过和结果〕" in draft["text"]
    assert draft["sources"] == [] and draft["confidence"] < 0.15
    assert draft["model_version"] == REPLY_DRAFT_VERSION
    assert "通用模板" in draft["notice"] and "不会自动发送" in draft["notice"]


def test_only_closed_cases_the_user_may_open_are_sources(make, personas) -> None:
    theirs = _closed(make, personas, compound=personas.compound_b, content="3单元楼道灯坏了一周")
    case = make.in_progress(title="楼道灯坏了", content="5单元楼道灯坏了好几天")
    _, draft = _draft(personas.property_a, case)  # company X does not serve compound B
    assert theirs.number not in str(draft) and draft["sources"] == []
    _, draft = _draft(personas.community_worker, case)  # 华锦 covers compound B
    assert [s["number"] for s in draft["sources"]] == [theirs.number]
