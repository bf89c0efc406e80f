"""办理指标 and 热点议题 take a period's dates alike (`PeriodDatesForm`): a date of the right shape
that is no day of the calendar is called that, a period wholly to come is refused in words rather
than shown empty, and a running period is looked at up to today."""

import datetime as dt
import html

import pytest
import time_machine
from django.urls import reverse

from gongzhi.org.testing import PASSWORD

pytestmark = pytest.mark.django_db

# "Today" is 15 November 2026, local time.
TODAY = dt.datetime(2026, 11, 15, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
PAGES = ["cases:metrics", "cases:hot_topics"]


def _get(client, user, page, **params):
    client.login(username=user.username, password=PASSWORD)
    with time_machine.travel(TODAY, tick=False):
        response = client.get(reverse(page), params)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"period": "custom", "start": "2026-02-30", "end": "2026-03-01"},
            "开始日期无效：没有“2026-02-30”这一天，请检查月份和日期",
        ),
        (
            {"period": "custom", "start": "2026-11-01", "end": "2026-11-31"},
            "结束日期无效：没有“2026-11-31”这一天，请检查月份和日期",
        ),
        (
            {"period": "custom", "start": "2026-12-01", "end": "2026-12-31"},
            "所选期间（2026年12月1日—12月31日）还没有到，请选择今天（2026-11-15）及以前的日期",
        ),
    ],
)
def test_both_pages_say_what_is_wrong_with_the_dates(client, personas, page, params, message):
    response = _get(client, personas.street_officer, page, **params)
    text = html.unescape(response.content.decode())
    assert message in text
    assert "请按“2026-11-01”的格式填写" not in text  # the date has the right shape
    # Nothing is shown for the refused dates: no figures, no topics, no "no hot topics".
    assert 'data-testid="metrics"' not in text
    assert 'data-testid="no-topics"' not in text


def test_hot_topics_look_at_this_month_up_to_today_as_the_metrics_do(client, personas):
    officer = personas.street_officer
    topics = _get(client, officer, "cases:hot_topics", period="this_month")
    metrics = _get(client, officer, "cases:metrics", period="this_month")
    assert topics.context["window"].label == "2026年11月1日—11月15日"
    for response in (topics, metrics):
        form = response.context["form"]
        assert (form["start"].value(), form["end"].value()) == ("2026-11-01", "2026-11-15")
    text = topics.content.decode()
    assert "2026年11月1日—11月15日" in text and "11月30日" not in text
