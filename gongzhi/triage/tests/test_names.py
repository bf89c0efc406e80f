"""People's names in free text: jieba's person tags, kept to what really is a name."""

import csv
from pathlib import Path

import pytest

from gongzhi.triage.names import is_person_name, person_names, remove_names


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("维修师傅刘建国师傅已上门，并告知该单元楼长李桂香女士。", ["刘建国师傅", "李桂香女士"]),
        ("楼上李桂香家每天晚上打麻将，联系她儿子王建军电话", ["李桂香", "王建军"]),
        ("张师傅已上门维修", ["张师傅"]),
        ("隔壁独居的王奶奶已经三天没出门了", ["王奶奶"]),
        ("物业经理周志强到现场查看", ["周志强"]),
        ("我们小区的网格员小王工作特别认真", ["小王"]),
        ("物业已更换南湖景苑〔楼栋〕门禁", []),
        ("小区5号门岗保安晚上睡觉", []),
        ("已向师傅反映，前任主任不肯交公章", []),
        ("楼下的桂花树被人砍了，请马上拉警戒", []),
    ],
)
def test_names_in_residents_words_and_replies(text, names):
    assert person_names(text) == names


def test_a_name_is_replaced_with_its_form_of_address():
    text = "联系楼长李桂香女士"
    assert remove_names(text, "[已隐去]") == "联系楼长[已隐去]"


def test_label_words_that_are_names():
    assert is_person_name("王建军") and is_person_name("李桂香")
    assert not any(is_person_name(w) for w in ("停车", "井盖", "门岗", "高峰", "许可", "谢谢"))


def test_no_name_in_the_seed_messages_but_the_few_people_they_name():
    """The seed corpus names five people; nothing else in its 973 messages reads as a name."""
    path = Path(__file__).resolve().parents[1] / "corpus" / "seed_cases.csv"
    with path.open(encoding="utf-8") as f:
        found = {
            n for row in csv.DictReader(f) for n in person_names(row["title"] + "。" + row["text"])
        }
    assert found <= {"李爹爹", "小王", "王奶奶", "刘婆婆"}
