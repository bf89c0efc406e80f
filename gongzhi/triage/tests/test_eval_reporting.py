"""triage_eval's report: per-class F1 for the test set's classes (predicted-only ones said apart),
a one-class training file refused before any test-set warning, a ';' file recognised."""

import dataclasses
import io
import json

import pytest
from django.core.management import CommandError, call_command

from .conftest import csv_bytes, tiny_rows

KEYS = {"n_train", "n_test", "accuracy", "macro_f1", "train_seconds", "predict_seconds_per_1000"}


def _write(path, rows) -> str:
    path.write_bytes(csv_bytes(rows))
    return str(path)


def test_per_class_f1_lists_the_test_sets_classes_and_says_which_were_only_predicted(tmp_path):
    train = tiny_rows()
    # Lift texts the model learnt as 电梯, labelled 噪音扰民 here: 电梯 is only predicted.
    lifts = [r for r in train if r.label == "电梯"][:3]
    test = [dataclasses.replace(r, id=f"t{i}", label="噪音扰民") for i, r in enumerate(lifts)]
    args = ["--train", _write(tmp_path / "train.csv", train)]
    args += ["--test", _write(tmp_path / "test.csv", test)]
    out = io.StringIO()
    call_command("triage_eval", *args, stdout=out, stderr=io.StringIO())
    text = out.getvalue()
    per_class = text.split("各类别 F1：\n", 1)[1].splitlines()
    assert per_class[0] == "  噪音扰民: 0.0000（测试 3 条）"
    assert "（测试 0 条）" not in text
    assert per_class[1].startswith("测试集中没有、只出现在预测中的类别：电梯（预测 ")
    assert "宏平均 F1 把它们按 0 计入" in per_class[1]

    json_out = io.StringIO()
    call_command("triage_eval", *args, "--json", stdout=json_out, stderr=io.StringIO())
    assert set(json.loads(json_out.getvalue())) == KEYS  # the contract is unchanged


def test_a_one_class_training_file_is_refused_before_any_test_set_warning(tmp_path):
    rows = tiny_rows()
    train = [r for r in rows if r.label == "电梯"]
    test = [r for r in rows if r.label == "噪音扰民"]  # unseen by the training set
    err = io.StringIO()
    with pytest.raises(CommandError, match="至少需要两个不同的类别"):
        call_command(
            "triage_eval",
            "--train",
            _write(tmp_path / "train.csv", train),
            "--test",
            _write(tmp_path / "test.csv", test),
            stderr=err,
        )
    assert err.getvalue() == ""


def test_a_semicolon_separated_file_is_named_as_such(tmp_path):
    path = tmp_path / "train.csv"
    path.write_text("id;title;text;label\n1;电梯;电梯坏了三天;电梯\n", encoding="utf-8")
    with pytest.raises(CommandError) as raised:
        call_command("triage_eval", "--train", str(path), "--test", str(path))
    message = str(raised.value)
    assert "各列之间用的是分号（;），不是逗号" in message
    assert "缺少必需的列" not in message
