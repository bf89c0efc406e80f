"""open311_key: a wrong street code lists the codes there are; an empty list says so."""

import io

import pytest
from django.core.management import CommandError, call_command

from gongzhi.api.management.commands.open311_key import Command


@pytest.mark.django_db
def test_an_unknown_street_code_lists_the_valid_codes_with_their_names(personas) -> None:
    with pytest.raises(CommandError) as raised:
        call_command("open311_key", "create", "区平台", "--street", "420106007")
    assert str(raised.value) == (
        "街道代码不存在：420106007。现有街道（代码  名称）：\n  420106-T  南湖测试街道"
    )


@pytest.mark.django_db
def test_list_without_keys_says_there_are_none() -> None:
    out = io.StringIO()
    call_command("open311_key", "list", stdout=out)
    assert out.getvalue().startswith("暂无密钥")


def test_the_create_help_says_where_the_street_code_comes_from() -> None:
    parser = Command().create_parser("manage.py", "open311_key")
    create = parser._subparsers._group_actions[0].choices["create"]
    text = " ".join(create.format_help().split())
    assert "行政区划代码" in text and "填错时会列出现有街道的代码和名称" in text
