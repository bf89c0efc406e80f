"""Rooms and mobile numbers as people also write them: numbers in Chinese words (十二栋三单元
五零二, 一三九一二三四五六七八) and a number spaced digit by digit. The audit found each of these
left whole for the company complained about and on public pages (S9)."""

import pytest

from gongzhi.core import masking


@pytest.mark.parametrize(
    ("written", "removed"),
    [
        ("我住十二栋三单元五零二", "我住[已隐去]"),
        ("我是二单元301的", "我是[已隐去]的"),
        ("住在顶楼1801的老人", "住在[已隐去]的老人"),
        ("十二栋五零二室漏水", "十二栋[已隐去]漏水"),
        ("二号楼1201室漏水", "二号楼[已隐去]漏水"),
        ("三楼五零二天天吵", "[已隐去]天天吵"),
        ("垃圾堆在我家五零二门口", "垃圾堆在我家[已隐去]门口"),
        ("楼下一二零一漏水", "楼下[已隐去]漏水"),
        ("五零二室漏水", "[已隐去]漏水"),
        ("1801的老人没人管", "[已隐去]的老人没人管"),
        ("九楼九零一号房漏水", "[已隐去]漏水"),
        ("3栋2单元301号房", "[已隐去]"),
    ],
)
def test_a_room_in_chinese_numerals_goes(written, removed):
    assert masking.remove_contacts(written) == removed


@pytest.mark.parametrize(
    "written",
    [
        "一三九一二三四五六七八",
        "幺三九一二三四五六七八",
        "一三九 一二三四 五六七八",
        "1 3 9 1 2 3 4 5 6 7 8",
        "1-3-9-1-2-3-4-5-6-7-8",
        "139 1 2 3 4 5 6 7 8",
    ],
)
def test_a_mobile_spelt_out_digit_by_digit_goes(written):
    text = f"有事打{written}找我"
    assert masking.remove_contacts(text) == "有事打[已隐去]找我"
    assert masking.redact_text(text) == "有事打139****5678找我"
    assert masking.contains_contacts(text)


@pytest.mark.parametrize(
    "text",
    [
        "我是三楼的",
        "十二栋三单元楼道灯坏了",
        "一二三四五六七八九十",
        "三百户停水",
        "二单元2024年起漏水",
        "我家三五个人",
        "两栋楼之间的路灯",
        "一三九个人签了名",
        "第十二栋门口",
        "一楼大厅有积水",
        "顶楼漏水",
        "1 2 3 4 5 6 7 8 9 0 1",
        "一楼一二三号商铺转让",
        "1楼102号商铺漏水",
        "2栋105门面装修扰民",
        "一五九八七六五四三二一次",
        "一三九一二三四五六七八元",
    ],
)
def test_counts_floors_and_other_numbers_in_words_stay(text):
    assert masking.remove_contacts(text) == text
    assert not masking.contains_contacts(text)
