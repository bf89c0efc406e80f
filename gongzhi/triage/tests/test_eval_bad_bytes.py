"""`triage_eval` inputs named for what they are: a stray NUL in a UTF-8 file is not "UTF-16",
and ids given to two rows are pointed out (on stderr: stdout stays one JSON object)."""

import json

import pytest
from django.core.management import CommandError, call_command

from gongzhi.triage.csvio import CsvFormatError, LabelledRow, read_rows

from .conftest import csv_bytes, tiny_rows

HEADER = "id,title,text,label\n"


def test_a_nul_in_a_utf8_file_is_named_with_its_line():
    data = (HEADER + "1,路灯,路灯坏了,维修\n2,电梯,电梯\x00坏了,电梯\n").encode("utf-8")
    with pytest.raises(CsvFormatError) as failure:
        read_rows(data)
    assert str(failure.value) == (
        "文件第 3 行含有空字符（NUL），CSV 中不应出现，请删除该字符后重试。"
    )
    with pytest.raises(CsvFormatError, match="第 2 行含有空字符"):
        read_rows(b"\xef\xbb\xbf" + (HEADER + "1,a\x00b,c,d\n").encode())  # with a BOM too


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_or_without_a_bom_is_still_called_utf16(encoding):
    with pytest.raises(CsvFormatError, match="UTF-16"):
        read_rows((HEADER + "1,标题,内容,其他\n").encode(encoding))


def test_repeated_ids_are_warned_of_and_the_json_stays_alone(tmp_path, capsys):
    rows = tiny_rows()
    train = tmp_path / "train.csv"
    train.write_bytes(csv_bytes(rows))
    first, second = rows[0], rows[1]
    repeated = [
        first,
        LabelledRow(first.id, "又一条", "楼道灯不亮，晚上看不清", first.label),
        second,
        LabelledRow(second.id, "又一条", "电梯停在二楼不动", second.label),
        LabelledRow(second.id, "第三条", "电梯门关不上", second.label),
    ]
    test = tmp_path / "test.csv"
    test.write_bytes(csv_bytes(repeated))
    call_command("triage_eval", "--train", str(train), "--test", str(test), "--json")
    captured = capsys.readouterr()
    assert json.loads(captured.out)["n_test"] == 5  # still evaluated, one object on stdout
    assert (
        f"测试集 {test}：有 2 个 id 重复出现：{first.id}（2 次）、{second.id}（3 次）。"
        in captured.err
    )
    assert "训练集" not in captured.err


def test_the_command_says_nul_rather_than_utf16(tmp_path):
    path = tmp_path / "nul.csv"
    path.write_bytes((HEADER + "1,a\x00b,c,repair\n").encode())
    with pytest.raises(CommandError, match="第 2 行含有空字符（NUL）"):
        call_command("triage_eval", "--train", str(path), "--test", str(path))
