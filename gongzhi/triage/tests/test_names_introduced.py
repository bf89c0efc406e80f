"""A person introduced by the words before the name (我是, 我叫, 本人, 业主, 住户, 租户, 联系人):
the audit found common names, compound surnames and unusual given names left in, because jieba
cuts them wrongly (业 / 主张 / 伟) or takes them for words. Words after the same introducers
stay as they are."""

import pytest

from gongzhi.triage.names import person_names, remove_names

X = "[已隐去]"


@pytest.mark.parametrize(
    ("text", "removed"),
    [
        ("我是李娜，保安打人", "我是[已隐去]，保安打人"),
        ("业主张伟投诉", "业主[已隐去]投诉"),
        ("业主王建国投诉保安打人", "业主[已隐去]投诉保安打人"),
        ("我叫司马光明", "我叫[已隐去]"),
        ("本人欧阳娜娜", "本人[已隐去]"),
        ("我是张秘密", "我是[已隐去]"),
        ("联系人是李红梅。", "联系人是[已隐去]。"),
        ("联系人李红梅，电话见上", "联系人[已隐去]，电话见上"),
        ("本人是刘洋，住3栋", "本人是[已隐去]，住3栋"),
        ("租户陈静说楼上漏水", "租户[已隐去]说楼上漏水"),
        ("住户王国庆反映", "住户[已隐去]反映"),
        ("我是李娜保安打人", "我是[已隐去]保安打人"),
        ("我叫上官婉儿", "我叫[已隐去]"),
        ("我是王芳师傅", "我是[已隐去]"),
    ],
)
def test_a_name_after_words_that_introduce_a_person_goes(text, removed):
    assert remove_names(text, X) == removed


@pytest.mark.parametrize(
    "text",
    [
        "我是业主",
        "我是三楼的",
        "本人不同意",
        "业主委员会",
        "我是物业的",
        "我叫了保安",
        "我是高层住户",
        "我是周边居民",
        "我是程序员",
        "业主钱包丢了",
        "未经业主许可",
        "业主向物业反映",
        "本人于今年搬来",
        "业主方面没有意见",
        "我是金桥苑的",
        "我是华锦社区的",
        "我是马上要搬走的",
        "业主大会表决通过",
        "住户反映电梯异响",
        "业主们都同意",
        "联系人电话打不通",
        "我是黄金周回来的",
        "业主石头砸车",
    ],
)
def test_words_after_the_same_introducers_stay(text):
    assert person_names(text) == [] and remove_names(text, X) == text
