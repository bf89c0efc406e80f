import pytest

from gongzhi.core import masking


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("13812341234", "138****1234"),
        ("138-1234-1234", "138****1234"),
        ("", ""),
        ("027-8765432", "******5432"),
    ],
)
def test_phone_is_masked_to_first_three_and_last_four(raw: str, masked: str) -> None:
    assert masking.mask_phone(raw) == masked


def test_id_number_keeps_first_one_and_last_two() -> None:
    assert masking.mask_id_number("42010619850202567X") == "4" + "*" * 15 + "7X"


def test_name_keeps_surname_only() -> None:
    assert masking.mask_name("欧阳娜娜") == "欧*"
    assert masking.mask_name("张三") == "张*"


def test_free_text_loses_raw_phone_and_id_numbers() -> None:
    text = "我是王五，电话13700001111，身份证420106199001011234，请回电"
    redacted = masking.redact_text(text)
    assert "13700001111" not in redacted
    assert "420106199001011234" not in redacted
    assert "137****1111" in redacted
    # Ordinary numbers (room numbers, amounts) stay as they are.
    assert masking.redact_text("3栋2单元1201室，漏水2天") == "3栋2单元1201室，漏水2天"


@pytest.mark.parametrize(
    "written",
    [
        "19900000372",
        "199-0000-0372",
        "199 0000 0372",
        "+8619900000372",
        "+86 199 0000 0372",
        "0086-199-0000-0372",
        "199－0000－0372",
    ],
)
def test_mobile_numbers_are_caught_however_they_are_written(written: str) -> None:
    text = f"联系我{written}，谢谢"
    assert masking.redact_text(text) == "联系我199****0372，谢谢"
    assert masking.remove_contacts(text) == "联系我[已隐去]，谢谢"
    assert masking.contains_contacts(text)


@pytest.mark.parametrize("written", ["027-87654321", "(027)8765 4321", "（027）87654321"])
def test_landlines_with_an_area_code_are_caught(written: str) -> None:
    assert masking.redact_text(f"座机{written}") == "座机027-****4321"
    assert masking.remove_contacts(f"座机{written}") == "座机[已隐去]"


def test_a_local_number_announced_as_a_phone_is_caught() -> None:
    assert masking.redact_text("电话：87654321") == "电话：****4321"
    assert masking.remove_contacts("电话87654321") == "电话[已隐去]"


def test_known_names_are_masked_or_removed_with_their_forms_of_address() -> None:
    text = "我是夏静琳，物业说夏女士的事明天办"
    assert masking.redact_text(text, ["夏静琳"]) == "我是夏*，物业说夏女士的事明天办"
    assert masking.remove_contacts(text, ["夏静琳"]) == "我是[已隐去]，物业说[已隐去]的事明天办"
    # Any common surname with a form of address goes too; a trade name before 师傅 stays.
    assert masking.remove_contacts("李阿姨和维修师傅都到了") == "[已隐去]和维修师傅都到了"


def test_removal_drops_a_home_address_but_keeps_where_the_work_is() -> None:
    """A building and unit with a room is a household (a company complained about could find
    its writer among a stairwell's dozen doors); without a room it is where the lamp is."""
    assert masking.remove_contacts("我住9栋1单元301，楼道灯坏了") == "我住[已隐去]，楼道灯坏了"
    assert masking.remove_contacts("9-1-301漏水到1201室") == "[已隐去]漏水到[已隐去]"
    assert masking.remove_contacts("我是1单元101的") == "我是[已隐去]的"
    assert masking.remove_contacts("9栋1单元楼道灯坏了") == "9栋1单元楼道灯坏了"


def test_removal_drops_a_room_written_right_after_the_building() -> None:
    """26栋2507 is one household as much as 26栋1单元2507; the building alone stays."""
    assert masking.remove_contacts("26栋2507业主反映噪音") == "26栋[已隐去]业主反映噪音"
    assert masking.remove_contacts("8号楼 1203室漏水") == "8号楼[已隐去]漏水"
    # A year, an amount or a count after a building is not a room.
    for text in ("3栋2024年起漏水", "5栋1500元维修费", "2栋120户停水"):
        assert masking.remove_contacts(text) == text


def test_dates_amounts_and_case_numbers_are_not_taken_for_contacts() -> None:
    text = "NH202611290001 于2026-11-29受理，维修基金1500元，面积89.5平方米，3栋电梯"
    assert masking.redact_text(text) == text
    assert masking.remove_contacts(text) == text
    assert not masking.contains_contacts(text)


# A room as people write it, in a sentence: each must go for the party complained about and
# on public pages (S9); the audit found the floor forms and a bare room after 我家 left in.
ROOMS_WRITTEN = (
    ("我住9栋1单元3楼301，漏水", "我住[已隐去]，漏水"),
    ("1号楼12层1203室漏水", "[已隐去]漏水"),
    ("3楼301天天装修", "[已隐去]天天装修"),
    ("3层 502 的住户", "[已隐去]的住户"),
    ("垃圾堆在我家301门口", "垃圾堆在我家[已隐去]门口"),
    ("我住在1201，楼下502漏水", "我住在[已隐去]，楼下[已隐去]漏水"),
    ("301室漏水", "[已隐去]漏水"),
    ("9-1-301漏水", "[已隐去]漏水"),
    ("9－1－301漏水", "[已隐去]漏水"),
    ("9—1—301漏水", "[已隐去]漏水"),
    ("1单元301反映", "[已隐去]反映"),
    ("3栋2单元好像是502家里漏气", "3栋2单元好像是[已隐去]家里漏气"),
    ("502家天天吵", "[已隐去]家天天吵"),
    ("22栋高层住户水压不足，2360几乎放不出热水", "22栋高层住户水压不足，[已隐去]几乎放不出热水"),
)


def test_a_room_is_removed_however_it_is_written() -> None:
    for written, removed in ROOMS_WRITTEN:
        assert masking.remove_contacts(written) == removed, written
    # The masked view of staff who see the requester masked keeps where the work is.
    assert masking.redact_text("我住9栋1单元3楼301") == "我住9栋1单元3楼301"


# Numbers next to the same words that are not a room: a date, a floor without a room, an
# amount, a time, a count, a year, an area, a case number.
NOT_ROOMS = (
    "11月3日3楼楼道灯坏了",
    "3楼楼道灯不亮",
    "维修费300元，8:30上门",
    "停水影响30户",
    "1单元2024年起漏水",
    "3楼300平方米的架空层",
    "5楼2024年加装电梯",
    "我家3楼，楼下120多户",
    "隔壁200米有垃圾站",
    "住在3号楼",
    "3楼300盏灯",
    "NH202611290001 已受理",
    "2026-11-29受理",
    "附近有200家商户",
    "22栋住户，120来了",
    "3栋业主说，300多户停水",
    "3栋业主反映，2024年起漏水",
    "停电了，500米外有充电桩",
)


def test_numbers_that_are_not_rooms_are_left_alone() -> None:
    for text in NOT_ROOMS:
        assert masking.remove_contacts(text) == text, text


# An email or a WeChat / QQ id reaches the writer as surely as a phone: the audit found them
# in full on public pages, for the company complained about and in the reports (S9, G1).
@pytest.mark.parametrize(
    ("written", "masked", "removed"),
    [
        ("邮箱 xjl372@qq.com，谢谢", "邮箱 x***@qq.com，谢谢", "邮箱 [已隐去]，谢谢"),
        ("发到wangjg@163.com", "发到w***@163.com", "发到[已隐去]"),
        ("mail: wang.jg+gz@mail.whu.edu.cn.", "mail: w***@mail.whu.edu.cn.", "mail: [已隐去]."),
        ("13800001111@163.com", "1***@163.com", "[已隐去]"),
    ],
)
def test_emails_are_masked_or_removed(written: str, masked: str, removed: str) -> None:
    assert masking.redact_text(written) == masked
    assert masking.remove_contacts(written) == removed
    assert masking.contains_contacts(written)


@pytest.mark.parametrize(
    ("written", "masked", "removed"),
    [
        ("我的微信号 xiajinglin_wx88，", "我的微信号 x***，", "我的微信号 [已隐去]，"),
        ("加我微信：wjg_1966", "加我微信：w***", "加我微信：[已隐去]"),
        ("QQ 12345678", "QQ 1***", "QQ [已隐去]"),
        ("QQ12345678", "QQ1***", "QQ[已隐去]"),
        ("qq号：12345678。", "qq号：1***。", "qq号：[已隐去]。"),
        ("扣扣是87654321", "扣扣是8***", "扣扣是[已隐去]"),
        ("vx: abc_123", "vx: a***", "vx: [已隐去]"),
        ("VX abc_123", "VX a***", "VX [已隐去]"),
        ("wx:abc-123", "wx:a***", "wx:[已隐去]"),
        ("WeChat: wjg_1966", "WeChat: w***", "WeChat: [已隐去]"),
        ("微信是zhangsan，", "微信是z***，", "微信是[已隐去]，"),
        ("微信号 zhangsan", "微信号 z***", "微信号 [已隐去]"),
    ],
)
def test_wechat_and_qq_ids_after_their_word_are_masked_or_removed(
    written: str, masked: str, removed: str
) -> None:
    assert masking.redact_text(written) == masked
    assert masking.remove_contacts(written) == removed
    assert masking.contains_contacts(written)


def test_the_audit_example_keeps_no_contact_for_the_company_or_the_public() -> None:
    text = "我的微信号 xiajinglin_wx88，邮箱 xjl372@qq.com，微信同号"
    removed = masking.remove_contacts(text)
    assert removed == "我的微信号 [已隐去]，邮箱 [已隐去]，微信同号"
    assert "xiajinglin" not in masking.redact_text(text) and "xjl372" not in removed


# Words next to 微信 / QQ, and addresses, words and numbers that look a little like an id or an
# email, are not contacts.
NOT_HANDLES = (
    "微信群里通知了",
    "关注公众号",
    "微信同号",
    "微信支付了300元",
    "微信 20000元",
    "微信 zhangsan说的",  # a name after 微信 without 号/是/：is not said to be an id
    "请访问www.gov.cn查看，或 https://www.qq.com/abc12345",
    "Join the WeChat group today, see the wxpython docs",
    "维修费1500元，2026-11-29受理，3楼楼道灯坏了",
    "NH202611290001 已受理",
    "发邮件@物业 说明情况",
)


def test_words_numbers_and_addresses_near_wechat_or_qq_are_left_alone() -> None:
    for text in NOT_HANDLES:
        assert masking.redact_text(text) == text, text
        assert masking.remove_contacts(text) == text, text
        assert not masking.contains_contacts(text), text
