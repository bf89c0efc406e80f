from gongzhi.triage.topics import hot_topics

MESSAGES = [
    (1, "小区广场舞音响太大声，晚上吵得孩子没法写作业"),
    (2, "广场舞音响声音太大，每天晚上吵到九点半"),
    (3, "晚上广场舞音响吵得老人睡不着，请控制音量"),
    (4, "地下车库被外来车辆占用，业主车位被占"),
    (5, "外来车辆占用业主车位，物业不管地下车库"),
    (6, "社区什么时候打流感疫苗"),
]


def test_similar_messages_form_topics_largest_first():
    topics = hot_topics(MESSAGES)
    assert [set(t.member_ids) for t in topics] == [{1, 2, 3}, {4, 5}]
    first = topics[0]
    assert first.size == 3
    assert first.representative_id in {1, 2, 3}
    assert first.representative_text == dict(MESSAGES)[first.representative_id]
    assert "广场舞" in first.top_terms or "音响" in first.top_terms


def test_singletons_are_not_topics_and_empty_input_is_fine():
    assert hot_topics([(1, "电梯坏了"), (2, "社区打疫苗")]) == []
    assert hot_topics([]) == []
    assert hot_topics([(1, ""), (2, "😀")]) == []


def test_max_topics_and_min_size():
    topics = hot_topics(MESSAGES, min_size=3)
    assert [t.size for t in topics] == [3]
    assert len(hot_topics(MESSAGES, max_topics=1)) == 1


def test_topic_labels_name_the_matter_not_how_often_or_when():
    messages = [
        (i, text)
        for i, text in enumerate(
            [
                "晚上十点以后广场舞音响声音很大，严重影响休息，希望及时处理",
                "每天晚上十点广场舞音响很大，经常影响老人休息",
                "广场舞音响声音很大到晚上十点，影响休息",
            ]
        )
    ]
    [topic] = hot_topics(messages)
    assert "广场舞" in topic.top_terms and "音响" in topic.top_terms
    assert not {"很大", "十点", "晚上", "严重", "及时", "经常"} & set(topic.top_terms)


def _matters(topics) -> list[str]:
    """Which matters each topic holds: the first letter of its members' ids, sorted."""
    return ["".join(sorted({str(mid)[0] for mid in t.member_ids})) for t in topics]


# Two matters in the same stairwells, among other demands of a street: the star clustering used
# before (0.2 on character pairs) put the gas smell inside the lamp topic, a lamp message
# representing both.
LAMP = "楼道灯不亮\n{b}栋{u}单元楼道灯坏了{n}天，晚上上下楼看不见，请尽快维修。"
GAS = "燃气管道异味\n{b}栋{u}单元楼道有燃气味，请尽快派人检查。"
OTHERS = [
    "停水无通知\n{b}栋今天上午突然停水，没有提前通知，至今未恢复。",
    "垃圾清运不及时\n{b}栋旁垃圾桶满溢{n}天无人清理，气味很大。",
    "消防栓无水\n{b}栋消防栓打开没有水，灭火器已过期。",
    "广场舞噪音\n小区广场舞音响声音过大，持续到晚上九点半。",
    "物业费上涨\n物业公司通知物业费上涨，未经业主大会讨论。",
    "路面塌陷\n小区{b}号门外人行道塌陷，晚上容易摔倒。",
    "树木遮挡采光\n{b}栋前的树长得太高，低层住户白天也要开灯。",
    "宠物扰民\n邻居养狗夜间吠叫，沟通无效。",
]


def _street(**matters: list[str]) -> list[tuple[str, str]]:
    """Each template of each matter four times at other addresses, then two of every other
    demand (ids: the matter's letter and a number)."""
    out = []
    for i in range(4):
        for letter, templates in matters.items():
            for template in templates:
                text = template.format(b=3 + 7 * i % 29, u=1 + i, n=2 + i)
                out.append((f"{letter}{len(out)}", text))
    for i in range(2):
        out += [(f"z{len(out)}", t.format(b=5 + 11 * i, n=3 + i)) for t in OTHERS]
    return out


def test_a_gas_smell_is_not_hidden_in_a_topic_about_stairwell_lamps():
    topics = hot_topics(_street(a=[LAMP], b=[GAS]), max_topics=None)
    ours = [t for t in topics if _matters([t]) != ["z"]]
    assert sorted(_matters(ours)) == ["a", "b"]
    [gas] = [t for t in ours if _matters([t]) == ["b"]]
    assert gas.size == 4
    assert "燃气" in gas.representative_text


THEFT = [
    "电动车被偷\n3栋楼下停的电动车昨晚被偷了，监控坏了查不到。",
    "电动车被盗\n我的电动车停在5栋楼道口，早上起来就没了，物业说监控看不清。",
    "小区电动车被盗\n这个月小区已经丢了好几辆电动车，12栋楼下也被偷了，请加强巡逻。",
    "电瓶被偷\n8栋门口的电动车电瓶被人偷走了，希望调监控。",
]
CHARGING = [
    "楼道充电\n7栋2单元有人把电动车推进楼道充电，电线从窗户拉下来，很危险。",
    "电动车楼道充电\n15栋1单元楼道里天天停着电动车充电，有火灾隐患。",
    "飞线充电\n有住户从楼上飞线给电动车充电，电线挂在楼道里。",
    "电动车进楼道充电\n22栋楼道里有人给电动车充电，一晚上都不拔，担心起火。",
]


def test_e_bike_theft_and_e_bike_charging_are_two_topics():
    # One message touches both (its bike was stolen while charging): it may join either topic,
    # it must not make one topic of the two matters.
    messages = [(f"a{i}", t) for i, t in enumerate(THEFT)]
    messages += [(f"b{i}", t) for i, t in enumerate(CHARGING)]
    messages.append(("c", "电动车楼道充电被偷\n5栋楼道里充电的电动车被偷了，楼道监控也坏了。"))
    topics = hot_topics(messages)
    matters = [m.replace("c", "") for m in _matters(topics)]
    assert sorted(matters) == ["a", "b"]
    theft = topics[matters.index("a")]
    assert theft.size >= 3 and "被盗" in theft.top_terms


def test_labels_name_the_matter_once_and_no_generic_word():
    messages = [
        (1, "装修噪音\n12栋有一户装修噪音太大，装修从早上七点开始，属于扰民，请问小区业主能怎么办"),
        (2, "装修噪音\n5栋一户装修噪音很吵，装修队未经物业同意周末施工，问题一直没有解决"),
        (3, "装修噪音\n9栋楼上装修噪音扰民，天天装修到晚上，请物业管一下"),
    ]
    [topic] = hot_topics(messages)
    assert topic.top_terms[0] == "装修噪音"
    generic = {"属于", "未经", "一户", "一下", "问题", "小区", "业主", "请问", "装修装修"}
    assert not generic & set(topic.top_terms)
    for word in topic.top_terms:  # no word twice, nor inside another label word
        assert [other for other in topic.top_terms if word in other] == [word]


def test_english_messages_are_not_grouped_or_labelled_by_function_words():
    messages = [
        (1, "Broken light\nThe light in the stairwell of building 3 is broken."),
        (2, "Noise\nThe dog in building 5 barks all night in the yard."),
        (3, "Parking\nThe car of the neighbour in building 7 blocks the gate."),
    ]
    for topic in hot_topics(messages):
        assert not {"the", "building", "in", "of"} & set(topic.top_terms)
    assert hot_topics(messages) == []  # three matters, no topic
