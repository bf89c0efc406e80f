"""Emergency signs in the words residents use (issue #4): water pouring in, people shut in a
lift, a wall about to fall, gas smelled."""

import pytest

from gongzhi.triage.urgency import emergency_signs


@pytest.mark.parametrize(
    ("text", "sign"),
    [
        ("天花板一直往下流水，家里都淹了", "大量漏水"),
        ("有人被关在电梯里", "电梯困人"),
        ("电梯停了，我妈关在里面出不来", "电梯困人"),
        ("电梯突然停在8楼和9楼之间，里面困了两个老人", "电梯困人"),
        ("小区围墙歪了，随时要倒", "倒塌风险"),
        ("厨房闻到燃气，好像漏了", "燃气泄漏"),
        ("厨房闻到燃气，好像漏了", "燃气味"),
    ],
)
def test_common_wordings_are_emergency_signs(text, sign):
    assert sign in emergency_signs(text)


@pytest.mark.parametrize(
    "text",
    [
        "垃圾站可以随时倒垃圾吗",
        "燃气费怎么交",
        "楼上漏水，天花板往下滴水",
        "水龙头关不紧一直滴水",
        "上次家里被淹了，想问保险怎么赔",
        "车库出口的车出不来",
        "小区围墙太矮了",
    ],
)
def test_near_misses_are_not(text):
    assert emergency_signs(text) == ()
