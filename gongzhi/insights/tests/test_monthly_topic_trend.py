"""月度研判报告 六、热点议题: a topic that fell over the month says so, as the dashboard does."""

import pytest
import time_machine
from django.urls import reverse

from gongzhi.insights.tests.monthly_street import TODAY, build_october
from gongzhi.org.testing import PASSWORD

pytestmark = pytest.mark.django_db


def test_a_topic_that_fell_is_marked_falling(client, make):
    october = build_october(make)  # its parking topic: 2 cases in the first half, 1 after
    client.login(username=october.p.street_officer.username, password=PASSWORD)
    with time_machine.travel(TODAY, tick=False):
        response = client.get(reverse("insights:monthly"))
    [topic] = response.context["report"].topics.rows
    assert topic.trend == "falling"
    page = response.content.decode()
    assert "10月1日—15日 2 件 → 10月16日—31日 1 件 <span" in page
    assert "↓ 下降" in page and "↑ 上升" not in page
