import pytest

from gongzhi.triage.urgency import combine, emergency_signs


@pytest.mark.parametrize(
    ("text", "sign"),
    [
        ("厨房燃气泄漏了，嘶嘶响", "燃气泄漏"),
        ("302门口好像漏气了，有股味道", "燃气泄漏"),
        ("楼道里闻到煤气味", "燃气味"),
        ("厨房有气味 像臭鸡蛋", "燃气味"),
        ("楼道里闻到一股气味，好像是煤气", "燃气味"),
        ("3栋2单元楼道有很重的气味，有点像液化气", "燃气味"),
        ("车棚电动车起火", "起火"),
        ("配电箱在冒烟", "冒烟"),
        ("电梯困人，按铃没人应", "电梯困人"),
        ("水管爆裂，水漫楼道", "水管爆裂"),
        ("楼体出现裂缝，墙体开裂越来越宽", "墙体开裂"),
        ("违建棚子塌了一半", "倒塌风险"),
        ("小孩碰到电线触电了", "触电"),
        ("有人拿着刀在楼道里", "持刀/斗殴"),
        ("井盖不见了，下面好深", "井盖缺失"),
    ],
)
def test_emergency_signs(text, sign):
    assert sign in emergency_signs(text)


@pytest.mark.parametrize(
    "text",
    [
        "物业费涨价没有开业主大会",
        "希望组织一次消防演练，教大家万一着火怎么办",
        "上次电梯困人以后物业一直没有给说法",
        "燃气安全检查能不能预约周末",
        "楼道里堆放杂物有火灾隐患",
        "车库里我的电动车轮胎被人扎了，一直漏气",
        "小区门口的打气筒坏了，自行车胎漏气没地方充",
        "7栋楼下的垃圾桶满了两天没人清运，气味很大",
        "燃气公司什么时候来换表，是不是要在家等",
    ],
)
def test_no_sign_in_ordinary_past_or_hypothetical_sentences(text):
    assert emergency_signs(text) == ()


def test_rule_hit_wins_over_model():
    guess = combine(("起火",), {"normal": 0.9, "urgent": 0.08, "emergency": 0.02})
    assert (guess.level, guess.confidence) == ("emergency", 0.9)


def test_without_signs_the_model_decides():
    guess = combine((), {"normal": 0.3, "urgent": 0.6, "emergency": 0.1})
    assert (guess.level, guess.confidence) == ("urgent", 0.6)


def test_a_likely_urgent_message_is_suggested_urgent_even_when_normal_is_likelier():
    # A missed urgent case waits days in the normal queue: from 0.3 on, urgent is suggested,
    # with its own probability as the confidence shown.
    guess = combine((), {"normal": 0.62, "urgent": 0.33, "emergency": 0.05})
    assert (guess.level, guess.confidence) == ("urgent", 0.33)
    assert combine((), {"normal": 0.75, "urgent": 0.2, "emergency": 0.05}).level == "normal"
