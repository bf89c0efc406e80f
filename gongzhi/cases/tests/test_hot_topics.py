"""热点议题: similar messages grouped over the user's visible cases, with places and trend."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from gongzhi.cases import services
from gongzhi.cases.choices import CaseType, Channel
from gongzhi.org.testing import PASSWORD

PARKING = [
    "小区东门外的停车位被外来车辆长期占用，业主回家没地方停车",
    "东门附近的停车位总被外来车辆占着，业主下班回来没地方停车",
    "外来车辆长期占用小区东门停车位，业主没有地方停车",
]
OTHER = ["楼上装修噪音太大，周末早上七点就开始电钻", "绿化带的树枝挡住了二楼的窗户"]


def _file(p, content, compound, when):
    with time_machine.travel(when, tick=False):
        return services.case_file(
            actor=p.street_officer,
            compound=compound,
            channel=Channel.GRID_WORKER,
            type=CaseType.COMPLAINT,
            title="反映问题",
            content=content + "，联系电话13812345678",
            requester_name="张三",
            requester_phone="13812345678",
        )


@pytest.fixture
def topics_data(make, personas):
    now = timezone.now()
    p = personas
    _file(p, PARKING[0], p.compound_a, now - dt.timedelta(days=20))
    _file(p, PARKING[1], p.compound_a, now - dt.timedelta(days=3))
    _file(p, PARKING[2], p.compound_c, now - dt.timedelta(days=2))
    for text in OTHER:
        _file(p, text, p.compound_a, now - dt.timedelta(days=1))
    return p


def _page(client, user, **params):
    client.login(username=user.username, password=PASSWORD)
    return client.get(reverse("cases:hot_topics"), params)


def test_similar_messages_form_one_topic_with_places_and_trend(client, topics_data):
    response = _page(client, topics_data.street_officer, days=30)
    assert response.status_code == 200
    topics = response.context["topics"]
    assert len(topics) == 1
    topic = topics[0]
    assert topic.size == 3
    assert topic.places == sorted([topics_data.compound_a.name, topics_data.compound_c.name])
    assert (topic.first_half, topic.second_half) == (1, 2) and topic.rising
    page = response.content.decode()
    assert "13812345678" not in page  # the representative message is masked
    assert "停车" in topic.representative
    assert "趋势：前 15 天 1 件 → 近 15 天 2 件" in page
    assert [c.number for c in topic.cases] == sorted((c.number for c in topic.cases), reverse=True)
    for case in topic.cases:  # every member is one click away
        assert f'href="/cases/{case.pk}/"' in page


def test_area_and_period_narrow_the_messages(client, topics_data):
    p = topics_data
    only_a = _page(client, p.street_officer, days=30, area=f"compound:{p.compound_a.pk}")
    assert [t.size for t in only_a.context["topics"]] == [2]
    last_week = _page(client, p.street_officer, days=7)
    assert [t.size for t in last_week.context["topics"]] == [2]


def test_a_community_worker_sees_only_their_community(client, topics_data):
    response = _page(client, topics_data.community_worker, days=30)
    # Compound C is in the other community: its message is not counted.
    assert [t.size for t in response.context["topics"]] == [2]
    assert topics_data.compound_c.name not in response.content.decode()


def test_residents_may_not_open_hot_topics(client, topics_data):
    assert _page(client, topics_data.resident_a).status_code == 403


# A fixed calendar for the monthly analysis: "today" is 15 November 2026 (local time).
TODAY = dt.datetime(2026, 11, 15, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture
def october(make, personas):
    """Three parking complaints in October (two in its first half), one in November."""
    p = personas
    for when, text, compound in (
        (dt.datetime(2026, 10, 3, 9, 0), PARKING[0], p.compound_a),
        (dt.datetime(2026, 10, 9, 9, 0), PARKING[1], p.compound_a),
        (dt.datetime(2026, 10, 28, 9, 0), PARKING[2], p.compound_c),
        (dt.datetime(2026, 11, 2, 9, 0), PARKING[0], p.compound_a),
    ):
        _file(p, text, compound, when.replace(tzinfo=TODAY.tzinfo))
    return p


def test_last_month_for_the_monthly_analysis(client, october):
    with time_machine.travel(TODAY, tick=False):
        response = _page(client, october.street_officer, period="last_month")
    assert response.status_code == 200
    [topic] = response.context["topics"]
    assert topic.size == 3  # October's three, not November's
    page = response.content.decode()
    assert "2026年10月1日—10月31日" in page
    # Halves of the month by dates, the place with most cases first, with its count.
    assert "趋势：2026年10月1日—10月15日 2 件 → 2026年10月16日—10月31日 1 件" in page
    assert topic.place_counts == [(october.compound_a.name, 2), (october.compound_c.name, 1)]
    assert f"{october.compound_a.name} 2 件、{october.compound_c.name} 1 件" in page


def test_chosen_dates(client, october):
    with time_machine.travel(TODAY, tick=False):
        response = _page(
            client, october.street_officer, period="custom", start="2026-10-05", end="2026-11-10"
        )
    [topic] = response.context["topics"]
    assert topic.size == 3  # 9 Oct, 28 Oct and 2 Nov
    assert "2026年10月5日—11月10日" in response.content.decode()


def test_this_month_so_far_splits_the_days_already_passed(client, october):
    with time_machine.travel(TODAY, tick=False):
        window = _page(client, october.street_officer, period="this_month").context["window"]
    assert (window.first_label, window.second_label) == (
        "2026年11月1日—11月7日",
        "2026年11月8日—11月15日",
    )


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"period": "custom", "start": "2026-11-10", "end": "2026-11-01"},
            "结束日期不能早于开始日期",
        ),
        ({"period": "custom", "start": "2026-11-01"}, "自定义期间须填写开始日期和结束日期"),
        ({"period": "custom", "start": "2026/13/01", "end": "2026-11-30"}, "开始日期无效"),
        ({"period": "45"}, "请从列表中选择时间范围"),
        ({"period": "30", "area": "compound:999999"}, "请从列表中选择区域"),
    ],
)
def test_bad_choices_are_told_in_chinese_and_show_nothing(client, october, params, message):
    with time_machine.travel(TODAY, tick=False):
        response = _page(client, october.street_officer, **params)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["topics"] == []


def test_a_period_with_more_cases_than_are_read_says_so(client, topics_data, monkeypatch):
    from gongzhi.cases import triage_topics

    monkeypatch.setattr(triage_topics, "MAX_TOPIC_MESSAGES", 4)
    page = _page(client, topics_data.street_officer, period="30").content.decode()
    assert "所选范围内共有 5 件诉求，按时间均匀抽取了 4 件分析" in page


def test_the_cases_read_of_a_busy_period_are_spread_over_it(client, topics_data, monkeypatch):
    # Reading only the newest of a busy month covered its last days: the parking complaint of
    # 20 days ago went unread, and every topic looked as if it had just begun.
    from gongzhi.cases import triage_topics

    monkeypatch.setattr(triage_topics, "MAX_TOPIC_MESSAGES", 4)
    response = _page(client, topics_data.street_officer, period="30")
    [parking] = response.context["topics"]
    assert (parking.size, parking.first_half, parking.second_half) == (3, 1, 2)


def test_the_trend_names_its_two_halves_in_english_as_the_previous_and_the_last_days(
    client, topics_data
):
    """前 15 天 is the 15 days before the last 15, not "the first 15 days"; in English the
    labels sit mid-sentence."""
    client.cookies["django_language"] = "en"
    page = _page(client, topics_data.street_officer, days=30).content.decode()
    assert "Trend: the previous 15 days: 1 → the last 15 days: 2" in page
    assert "First 15" not in page
