from gongzhi.triage.duplicates import find_duplicates

CANDIDATES = [
    (101, "南湖花园9栋2单元电梯又坏了，已经停运三天，住高层的老人下不了楼，请物业尽快维修。"),
    (102, "小区广场舞音响太大声，每天晚上吵到九点半，孩子没法写作业。"),
    (103, "物业费从每平米1.2元涨到1.8元，没有开业主大会，业主都不同意。"),
    (104, "地下车库的灯坏了一半，倒车看不清。"),
]


def test_paraphrase_is_found_first():
    text = "9栋2单元的电梯坏了三天了还没修好，高层老人下不了楼，请物业赶紧维修"
    found = find_duplicates(text, CANDIDATES)
    assert found[0][0] == 101
    assert 0 < found[0][1] <= 1


def test_unrelated_text_has_no_duplicates():
    assert find_duplicates("社区什么时候组织打流感疫苗，需要预约吗？", CANDIDATES) == []


def test_at_most_k_results_sorted_by_score():
    same = [(i, "电梯坏了三天没人修，老人下不了楼") for i in range(6)]
    found = find_duplicates("电梯坏了三天没人修，老人下不了楼", same, k=3)
    assert len(found) == 3
    assert [score for _, score in found] == sorted((s for _, s in found), reverse=True)


def test_degenerate_inputs():
    assert find_duplicates("", CANDIDATES) == []
    assert find_duplicates("电梯坏了", []) == []
    assert find_duplicates("😀", [(1, "😀")]) == []
