"""seed_scale's options explained in Chinese: help for each, Chinese errors for bad numbers, and
an unknown --street named as such with the codes there are."""

import pytest
from django.core.management import CommandError, call_command

from gongzhi.cases.management.commands.seed_scale import Command


def test_every_option_has_chinese_help() -> None:
    parser = Command().create_parser("manage.py", "seed_scale")
    for option in ("--cases", "--days", "--seed", "--batch", "--street"):
        action = next(a for a in parser._actions if option in a.option_strings)
        assert action.help and any("\u4e00" <= ch <= "\u9fff" for ch in action.help), option


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--cases", "abc"), "诉求条数应为整数，而不是 'abc'"),
        (("--cases", "0"), "诉求条数应至少为 1，而不是 0"),
        (("--cases", "5", "--days", "一年"), "天数应为整数"),
        (("--cases", "5", "--batch", "0"), "每批条数应至少为 1"),
    ],
)
def test_a_bad_number_is_explained_in_chinese(args, message) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("seed_scale", *args)


@pytest.mark.django_db
def test_an_unknown_street_code_is_named_and_the_codes_listed(personas) -> None:
    with pytest.raises(CommandError) as raised:
        call_command("seed_scale", "--cases", "5", "--street", "999999")
    assert str(raised.value) == (
        "街道代码不存在：999999。现有街道（代码  名称）：\n  420106-T  南湖测试街道"
    )
