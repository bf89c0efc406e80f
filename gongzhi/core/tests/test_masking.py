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
