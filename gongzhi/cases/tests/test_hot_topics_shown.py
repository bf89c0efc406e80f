"""热点议题 as the page, the dashboard and the monthly report show them: the period the page
shows is the one its select says, a topic that falls says so, and a topic's message and label
name no one and no home (S9, G1)."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from gongzhi.cases import services, triage_topics
from gongzhi.cases.choices import CaseType, Channel
from gongzhi.cases.models import Case
from gongzhi.org.testing import PASSWORD

pytestmark = pytest.mark.django_db

MAHJONG = [
    "楼上李桂香家每天晚上打麻将到凌晨，吵得睡不着，联系她儿子王建军电话也不接",
    "楼上李桂香家天天晚上打麻将，洗牌声吵得孩子睡不着，王建军也不管",
    "李桂香家每天晚上打麻将，噪音太大睡不着，找过王建军没用",
]
GAS = [
    "3栋2单元楼道里一股臭鸡蛋味，好像是502家里漏气，请燃气公司来看看",
    "3栋2单元楼道里有臭鸡蛋味，好像是502家里漏气了",
]
WATER = [
    "22栋高层住户水压不足，2360几乎放不出热水",
    "22栋高层住户水压不足，2360洗澡放不出热水",
]


def _file(p, content, when):
    with time_machine.travel(when, tick=False):
        return services.case_file(
            actor=p.street_officer,
            compound=p.compound_a,
            channel=Channel.GRID_WORKER,
            type=CaseType.COMPLAINT,
            title="反映问题",
            content=content,
            requester_name="张三",
        )


def _page(client, user, **params):
    client.login(username=user.username, password=PASSWORD)
    return client.get(reverse("cases:hot_topics"), params)


def test_a_topics_message_and_label_name_no_neighbour_and_no_home(personas):
    now = timezone.now()
    for i, text in enumerate([*MAHJONG, *GAS, *WATER]):
        _file(personas, text, now - dt.timedelta(days=1, minutes=i))
    topics = triage_topics.hot_topics_for(
        Case.objects.all(), start=now - dt.timedelta(days=30), end=now
    )
    assert len(topics) == 3
    for topic in topics:
        shown = topic.representative + " ".join(topic.top_terms)
        for private in ("李桂香", "王建军", "502", "2360"):
            assert private not in shown
        assert not any(ch.isdigit() for term in topic.top_terms for ch in term)
    assert "麻将" in " ".join(t.representative for t in topics)  # the matter itself stays


def test_the_period_select_shows_the_period_the_page_shows(client, personas):
    response = _page(client, personas.street_officer)
    assert response.context["window"].label == "近 30 天"
    page = response.content.decode()
    assert '<option value="30" selected>' in page
    assert '<option value="7" selected>' not in page
    # 查看 untouched sends what the select shows: still 30 days.
    again = _page(client, personas.street_officer, period="30", start="", end="", area="")
    assert again.context["window"].label == "近 30 天"


def test_a_falling_topic_says_so_and_a_week_is_split_in_two_halves(client, personas):
    now = timezone.now()
    _file(personas, MAHJONG[0], now - dt.timedelta(days=6))
    _file(personas, MAHJONG[1], now - dt.timedelta(days=5))
    _file(personas, MAHJONG[2], now - dt.timedelta(days=1))
    response = _page(client, personas.street_officer, period="7")
    page = response.content.decode()
    assert "趋势：前 3 天半 2 件 → 近 3 天半 1 件" in page
    assert "↓ 下降" in page and "3.5" not in page
    assert "升降：近 3 天半与前 3 天半相比。" in page
    _file(personas, MAHJONG[0], now - dt.timedelta(hours=2))
    page = _page(client, personas.street_officer, period="7").content.decode()
    assert "前 3 天半 2 件 → 近 3 天半 2 件" in page and "持平" in page


def test_a_message_whose_title_is_its_own_first_words_is_shown_once(personas):
    now = timezone.now()
    for i, (title, content) in enumerate(
        [
            ("电梯坏了", "电梯坏了"),
            ("电梯坏了", "电梯坏了"),
            ("楼下广场舞音响太吵", "楼下广场舞音响太吵了"),
        ]
    ):
        with time_machine.travel(now - dt.timedelta(days=1, minutes=i), tick=False):
            services.case_file(
                actor=personas.street_officer, compound=personas.compound_a,
                channel=Channel.GRID_WORKER, type=CaseType.COMPLAINT, title=title,
                content=content, requester_name="张三",
            )  # fmt: skip
    (topic,) = triage_topics.hot_topics_for(
        Case.objects.all(), start=now - dt.timedelta(days=30), end=now
    )
    assert topic.representative == "电梯坏了"
