"""数据驾驶舱: 热点议题 of the last 30 days, computed once per local hour and area."""

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client

from gongzhi.cases import triage_topics
from gongzhi.org.models import Role
from gongzhi.org.services import role_grant
from gongzhi.org.testing import make_user

pytestmark = pytest.mark.django_db
LOOKED = dt.datetime.fromisoformat("2026-11-20 11:00:00+08:00")
LIFT = "电梯困人，2栋电梯运行中突然停在两层之间，请尽快派人维修，我是张三 13700001111"


@pytest.fixture
def lifts(personas, make):
    """Three alike messages about a lift in A小区 (one older) and two in C小区."""
    for day, compound in ((3, None), (20, None), (22, None), (25, personas.compound_c)):
        with time_machine.travel(LOOKED - dt.timedelta(days=day), tick=False):
            make.received(compound=compound, title="电梯困人", content=LIFT)
    with time_machine.travel(LOOKED - dt.timedelta(days=40), tick=False):
        make.received(title="电梯困人", content=LIFT)  # older than 30 days
    return personas


@pytest.fixture
def counted(monkeypatch):
    calls: list[int] = []
    real = triage_topics.hot_topics_for

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(triage_topics, "hot_topics_for", counting)
    return calls


def _get(user, moment=LOOKED, query=""):
    client = Client()
    client.force_login(user)
    with time_machine.travel(moment, tick=False):
        response = client.get("/insights/" + query)
    assert response.status_code == 200
    return response


def test_top_topics_with_size_places_trend_and_no_contacts(lifts):
    response = _get(lifts.street_officer)
    topics = response.context["topics"]
    [lift] = topics.topics
    assert lift.size == 4
    assert lift.place_counts == [("A小区", 3), ("C小区", 1)]
    assert (lift.first_half, lift.second_half, lift.trend) == (3, 1, "falling")
    page = response.content.decode()
    assert "电梯困人" in page and "↓ 下降" in page
    assert "13700001111" not in page
    assert "张三" not in page  # the requester (resident_a), named in their own message
    assert not re.search(r"1[3-9]\d{9}", page)
    assert 'href="/cases/hot-topics/?period=30"' in page


def test_computed_once_an_hour_and_the_page_says_when(lifts, counted):
    first = _get(lifts.street_officer)
    later = _get(lifts.street_officer, LOOKED + dt.timedelta(minutes=59))
    assert len(counted) == 1
    assert not first.context["topics"].cached and later.context["topics"].cached
    assert "AI网格员 11:00 计算" in later.content.decode()
    next_hour = _get(lifts.street_officer, LOOKED + dt.timedelta(minutes=61))
    assert len(counted) == 2
    assert "AI网格员 12:01 计算" in next_hour.content.decode()


def test_shared_by_readers_of_the_same_area_only(lifts, counted):
    _get(lifts.community_worker)
    colleague = make_user("colleague", "另一位社区工作者")
    role_grant(actor=None, user=colleague, role=Role.COMMUNITY_WORKER, node=lifts.community1)
    shared = _get(colleague)
    assert len(counted) == 1 and shared.context["topics"].cached
    assert shared.context["topics"].topics[0].place_counts == [("A小区", 3)]
    officer = _get(lifts.street_officer)  # the whole street: its own entry
    party = _get(lifts.party_a)  # one compound: its own entry
    assert len(counted) == 3
    assert officer.context["topics"].topics[0].size == 4
    assert party.context["topics"].topics[0].place_counts == [("A小区", 3)]
    one = _get(lifts.street_officer, query=f"?community={lifts.community2.pk}")
    assert len(counted) == 4
    assert one.context["topics"].topics == []  # one case in C小区 alone is no topic
