from gongzhi.triage.replies import FALLBACK, compose_reply, draft_reply

CLOSED = [
    (
        "9栋电梯坏了三天没人修，老人下不了楼",
        "您好！感谢您的反映。经核实，9栋电梯主板故障，维保单位已更换配件，电梯已恢复运行。"
        "物业已要求维保单位每周巡检一次。如有问题请拨打13912345678。",
    ),
    (
        "广场舞音响太吵",
        "您好！社区已与广场舞队协商，音响音量已调低，活动时间改为晚上八点半前结束。",
    ),
]


def test_draft_reuses_the_closest_reply_without_its_greeting_and_masks_phones():
    draft = draft_reply("3栋电梯坏了好几天，一直没人来修", CLOSED)
    assert "维保单位已更换配件" in draft
    assert "广场舞" not in draft
    assert "13912345678" not in draft and "〔电话〕" in draft
    assert draft.count("感谢您的反映") == 0


def test_template_when_nothing_is_similar():
    assert draft_reply("社区什么时候打流感疫苗", CLOSED) == FALLBACK
    assert draft_reply("电梯坏了", []) == FALLBACK
    assert draft_reply("", CLOSED) == FALLBACK


def test_the_same_answer_given_in_other_buildings_is_drafted_once():
    closed = [
        (
            "6栋3单元门禁坏了，门关不上",
            "物业已更换6栋3单元门禁闭门器和电磁锁，单元门现可正常关闭。",
        ),
        (
            "27栋1单元门禁坏了，门关不上",
            "物业已更换27栋1单元门禁闭门器和电磁锁，单元门现可正常关闭。已对全小区门禁逐一排查。",
        ),
    ]
    draft = draft_reply("5栋2单元门禁坏了，门关不上", closed)
    assert draft.count("门禁闭门器和电磁锁") == 1
    assert "已对全小区门禁逐一排查" in draft  # what the second reply adds is kept


def test_the_draft_names_this_messages_building_not_the_earlier_ones():
    closed = [("6栋3单元门禁坏了", "物业已更换6栋3单元门禁闭门器，并检查了8栋的门禁。")]
    assert "物业已更换5栋2单元门禁闭门器，并检查了8栋的门禁。" in draft_reply(
        "5栋2单元门禁坏了", closed
    )
    assert "物业已更换〔楼栋〕门禁闭门器" in draft_reply("单元门禁坏了关不上", closed)


def test_a_case_about_something_else_gets_the_template_not_its_reply():
    """Sharing "一周" with a lamp repair (similarity 0.17) does not make it the answer."""
    closed = [
        ("3单元楼道灯坏了一周，晚上看不见", "物业已更换3单元楼道灯，恢复照明。"),
        ("电梯异响", "维保单位已检修电梯。"),
        ("垃圾桶满了没人清运", "物业已清运垃圾。"),
        ("广场舞太吵", "社区已协调广场舞队。"),
    ]
    draft = compose_reply("一周了没人来修", closed)
    assert 0.15 <= draft.similarity < 0.2
    assert draft.text == FALLBACK and draft.sources == ()


# Two earlier replies, both drafted here before: they end with the closing the draft adds itself,
# and tell of their own day's work.
STITCHED = [
    (
        "5栋门禁坏了，刷卡没反应",
        "您好！物业维修工已于11月21日上门更换了门禁读卡器，门禁已恢复正常。"
        "如仍有问题，欢迎继续通过平台反映。感谢您对社区工作的理解和支持！",
    ),
    (
        "5栋门禁坏了刷不开",
        "物业已于2026年11月3日下午3点更换门禁读卡器并调试。维修人员于14:30到场。"
        "如仍有问题，欢迎继续通过平台反映。",
    ),
]


def test_a_stitched_draft_says_each_sentence_once():
    draft = draft_reply("3栋门禁坏了，刷卡没反应", STITCHED)
    assert "门禁已恢复正常" in draft
    assert draft.count("如仍有问题，欢迎继续通过平台反映。") == 1


def test_another_cases_dates_and_times_are_left_for_staff_to_fill_in():
    draft = draft_reply("3栋门禁坏了，刷卡没反应", STITCHED)
    assert "11月21日" not in draft and "11月3日" not in draft and "14:30" not in draft
    assert "已于〔日期〕上门更换了门禁读卡器" in draft
    # This message's own date stays, as do a rule's hours.
    own = draft_reply("3栋门禁11月21日坏了，刷卡没反应", STITCHED[:1])
    assert "已于11月21日上门" in own
    rule = [("装修太吵", "已告知该户只能在工作日8:00—12:00施工，并已停止夜间施工。")]
    assert "8:00—12:00" in draft_reply("楼上装修太吵了", rule)
