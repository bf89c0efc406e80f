"""`triage_eval` on inputs that would make its numbers lie (issue #4): said on stderr, in Chinese.

Warnings go to stderr only, so `--json` still prints exactly one parseable object on stdout.
"""

import json

import pytest
from django.core.management import CommandError, call_command

from gongzhi.triage.csvio import CsvFormatError, LabelledRow, read_rows

from .conftest import csv_bytes, seed_rows, tiny_rows

KEYS = {"n_train", "n_test", "accuracy", "macro_f1", "train_seconds", "predict_seconds_per_1000"}
HEADER = "id,title,text,label\n"


@pytest.fixture
def train_csv(tmp_path):
    """The tiny seed rows of every category except 停车管理."""
    rows = [r for r in tiny_rows() if r.label != "停车管理"]
    path = tmp_path / "train.csv"
    path.write_bytes(csv_bytes(rows))
    return path, rows


def _clean_test_rows(train_rows) -> list[LabelledRow]:
    taken = {r.id for r in train_rows}
    return [r for r in seed_rows() if r.id not in taken and r.label != "停车管理"][::25]


def test_messy_test_file_is_evaluated_with_every_problem_named_on_stderr(
    tmp_path, train_csv, capsys
):
    train_path, train_rows = train_csv
    clean = _clean_test_rows(train_rows)
    messy = [
        LabelledRow("p1", "", "小区门口的车位被外来车辆长期占用", "停车管理"),
        LabelledRow("p2", "车位", "地下车库车位被占，物业不管", "停车管理"),
        LabelledRow("e1", "", "😀😀👍", "电梯"),
        LabelledRow("e2", "", "！！！……", "噪音扰民"),
        LabelledRow("f1", "", "The lift has been broken for three days", "电梯"),
        LabelledRow("L1", "楼道堆物", "楼道里堆满了杂物。" * 1200, "消防安全"),
    ]
    test_path = tmp_path / "test.csv"
    test_path.write_bytes(csv_bytes(clean + messy))

    call_command("triage_eval", "--train", str(train_path), "--test", str(test_path), "--json")
    captured = capsys.readouterr()

    result = json.loads(captured.out)  # stdout is still exactly one JSON object
    assert set(result) == KEYS
    assert result["n_test"] == len(clean) + len(messy)  # nothing silently dropped either
    err = captured.err
    assert "训练集中没有出现：停车管理（2 条）" in err
    assert "2 条留言没有可用的文字" in err and "id：e1、e2" in err
    assert "1 条留言不是中文或中文太少" in err and "id：f1" in err
    assert "1 条留言的 text 超过 10000 字" in err and "只分析每条的前 10000 字" in err
    assert "id：L1" in err
    assert not [line for line in err.splitlines() if line.startswith("警告：训练集")]


def test_clean_files_give_no_warnings(tmp_path, train_csv, capsys):
    train_path, train_rows = train_csv
    test_path = tmp_path / "test.csv"
    test_path.write_bytes(csv_bytes(_clean_test_rows(train_rows)))
    call_command("triage_eval", "--train", str(train_path), "--test", str(test_path), "--json")
    captured = capsys.readouterr()
    assert set(json.loads(captured.out)) == KEYS
    assert captured.err == ""


def test_an_unclosed_quote_is_named_with_the_line_it_starts_on(tmp_path, train_csv):
    train_path, _ = train_csv
    test_path = tmp_path / "test.csv"
    test_path.write_text(
        HEADER
        + '1,电梯,9栋电梯坏了,电梯\n2,噪音,"楼上装修很吵,噪音扰民\n3,漏水,厨房漏水,设施设备维修\n',
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as err:
        call_command("triage_eval", "--train", str(train_path), "--test", str(test_path))
    message = str(err.value)
    assert "第 3 行 text 列的引号没有闭合" in message
    assert "label 为空" not in message


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        # Open quote in the label column: the label would swallow the next rows.
        (HEADER + '1,电梯,电梯坏了,"电梯\n2,噪音,楼上很吵,噪音扰民\n', "第 2 行 label 列"),
        # A later quote closes it: the row gets too many columns instead of too few.
        (HEADER + '1,"电梯,电梯坏了,电梯\n2,"噪音",楼上很吵,噪音扰民\n', "第 2 行 title 列"),
        # Closed by a quote that happens to stand before a comma: too few columns left.
        (HEADER + '1,"电梯,电梯坏了,电梯\n2,噪音,",噪音扰民\n', "第 2 行 title 列"),
        # The last row, quote open to the end of the file.
        (HEADER + '1,电梯,电梯坏了,电梯\n2,噪音,"楼上很吵\n', "第 3 行 text 列"),
    ],
)
def test_unclosed_quotes_are_reported_as_such(data, expected):
    with pytest.raises(CsvFormatError) as err:
        read_rows(data.encode("utf-8"))
    assert expected in str(err.value) and "引号没有闭合" in str(err.value)


def test_quoted_multiline_text_is_fine_and_later_lines_are_counted_in_the_file():
    data = HEADER + '1,电梯,"第一行\n第二行\n第三行",电梯\n2,噪音,楼上很吵,\n'
    with pytest.raises(CsvFormatError, match="第 5 行的 label 为空"):
        read_rows(data.encode("utf-8"))
    rows = read_rows((HEADER + '1,电梯,"第一行\n第二行",电梯\n2,噪音,楼上很吵,噪音扰民\n').encode())
    assert [(r.id, r.line) for r in rows] == [("1", 2), ("2", 4)]


@pytest.mark.parametrize(
    ("test_text", "message"),
    [
        ("id,content\n1,电梯坏了\n", "缺少必需的列"),
        ("", "文件为空"),
        (HEADER, "文件中没有数据行"),
    ],
)
def test_existing_clear_errors_stay(tmp_path, train_csv, test_text, message):
    train_path, _ = train_csv
    test_path = tmp_path / "test.csv"
    test_path.write_text(test_text, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        call_command("triage_eval", "--train", str(train_path), "--test", str(test_path))


def test_single_label_training_file_is_refused(tmp_path):
    train_path = tmp_path / "one.csv"
    train_path.write_bytes(
        (HEADER + "1,电梯,9栋电梯坏了,电梯\n2,电梯,电梯困人,电梯\n").encode("gbk")
    )
    with pytest.raises(CommandError, match="至少需要两个不同的类别"):
        call_command("triage_eval", "--train", str(train_path), "--test", str(train_path))
