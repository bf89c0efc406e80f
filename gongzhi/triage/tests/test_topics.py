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
