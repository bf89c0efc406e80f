"""A reply draft is meant for the public (S9, G1) and for this case: nothing of the earlier
case it was assembled from — its compound, its gate, its count, a person it named — and never
a masking marker."""

from gongzhi.triage.replies import draft_reply

COMPOUNDS = ["南湖中央花园二期", "南湖中央花园一期", "南湖景苑", "华锦苑", "华锦花园"]
HERE = "南湖中央花园二期"


def _draft(text, closed):
    return draft_reply(text, closed, compounds=COMPOUNDS, compound=HERE)


def test_another_compounds_gate_becomes_this_messages_gate_or_a_neutral_one():
    closed = [("小区3号门岗保安晚上睡觉", "物业已调整24号门岗排班，增加夜间巡查。")]
    draft = _draft("小区5号门岗保安晚上睡觉，外来人员随便进出", closed)
    assert "24号门岗" not in draft
    assert "物业已调整5号门岗排班，增加夜间巡查。" in draft
    draft = _draft("小区门岗保安晚上睡觉，外来人员随便进出", closed)
    assert "24号" not in draft and "物业已调整相关门岗排班" in draft


def test_another_cases_count_is_not_this_ones():
    closed = [("路灯坏了5盏，晚上很黑", "物业已更换损坏的5盏路灯。经检查，线路已恢复正常。")]
    draft = _draft("路灯坏了4盏，晚上很黑", closed)
    assert "5盏" not in draft and "物业已更换损坏的4盏路灯。" in draft
    closed = [("路灯坏了5盏，晚上很黑", "物业已更换损坏的5盏。经检查，线路已恢复正常。")]
    draft = _draft("小区路灯坏了，晚上很黑", closed)
    assert "5盏" not in draft and "物业已更换损坏的路灯。" in draft


def test_people_an_earlier_reply_named_are_not_in_the_draft():
    closed = [
        (
            "单元门禁坏了关不上",
            "维修师傅刘建国师傅已上门检修，并告知该单元楼长李桂香女士。"
            "物业已更换南湖景苑6栋门禁。李阿姨对处理结果表示满意。",
        )
    ]
    draft = _draft("5栋单元门禁坏了关不上", closed)
    for name in ("刘建国", "李桂香", "李阿姨", "南湖景苑", "6栋"):
        assert name not in draft
    assert "维修师傅已上门检修，并告知该单元楼长。" in draft
    assert "物业已更换南湖中央花园二期5栋门禁。" in draft


def test_a_sentence_with_something_removed_is_left_out():
    closed = [("门禁坏了关不上", "物业已更换门禁闭门器。已告知[已隐去]业主门禁使用方法。")]
    draft = _draft("单元门禁坏了关不上", closed)
    assert "[已隐去]" not in draft
    assert "物业已更换门禁闭门器。" in draft and "使用方法" not in draft
