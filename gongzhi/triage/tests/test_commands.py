import json

import pytest
from django.core.management import CommandError, call_command

from gongzhi.triage import default
from gongzhi.triage import model as modelmod

from .conftest import csv_bytes, seed_rows, tiny_rows

KEYS = {"n_train", "n_test", "accuracy", "macro_f1", "train_seconds", "predict_seconds_per_1000"}


@pytest.fixture
def split_csvs(tmp_path):
    train = tiny_rows()
    taken = {r.id for r in train}
    test = [r for r in seed_rows() if r.id not in taken][::12]
    train_path, test_path = tmp_path / "train.csv", tmp_path / "test.csv"
    train_path.write_bytes(csv_bytes(train))
    test_path.write_bytes(b"\xef\xbb\xbf" + csv_bytes(test))
    return train_path, test_path, len(train), len(test)


def test_triage_eval_json_contract(split_csvs, capsys):
    train_path, test_path, n_train, n_test = split_csvs
    call_command("triage_eval", "--train", str(train_path), "--test", str(test_path), "--json")
    result = json.loads(capsys.readouterr().out)
    assert set(result) == KEYS
    assert (result["n_train"], result["n_test"]) == (n_train, n_test)
    assert 0.3 < result["accuracy"] <= 1.0  # a tiny model, but far above chance (1/17)
    assert 0.0 < result["macro_f1"] <= 1.0
    assert result["train_seconds"] > 0 and result["predict_seconds_per_1000"] > 0


def test_triage_eval_readable_summary(split_csvs, capsys):
    train_path, test_path, _, _ = split_csvs
    call_command("triage_eval", "--train", str(train_path), "--test", str(test_path))
    out = capsys.readouterr().out
    assert "准确率" in out and "宏平均 F1" in out and "电梯" in out


def test_triage_eval_refuses_bad_csv(tmp_path, split_csvs):
    train_path, _, _, _ = split_csvs
    bad = tmp_path / "bad.csv"
    bad.write_text("id,content\n1,x\n", encoding="utf-8")
    with pytest.raises(CommandError, match="缺少必需的列"):
        call_command("triage_eval", "--train", str(train_path), "--test", str(bad), "--json")
    with pytest.raises(CommandError, match="找不到该文件"):
        call_command("triage_eval", "--train", str(tmp_path / "nope.csv"), "--test", str(bad))


@pytest.fixture
def small_seed(tmp_path, monkeypatch):
    """Point the default model at a small seed file so building it takes seconds."""
    seed = tmp_path / "seed.csv"
    rows = tiny_rows()
    seed.write_bytes(csv_bytes(rows, columns=("id", "title", "text", "label", "urgency")))
    monkeypatch.setattr(modelmod, "SEED_CORPUS", seed)
    default.clear_cache()
    yield seed
    default.clear_cache()


def test_triage_build_then_lazy_load(small_seed, tmp_path, capsys):
    directory = tmp_path / "triage-models"
    call_command("triage_build")
    version = default.default_version()
    path = directory / f"model-{version}.joblib"
    assert path.exists() and version.startswith(modelmod.ALGORITHM)
    call_command("triage_build")
    assert "已存在" in capsys.readouterr().out

    model = default.get_model()
    assert model.version == version and default.get_model() is model  # per-process cache
    from gongzhi.triage import suggest

    assert suggest("9栋电梯坏了三天没人修").model_version == version


def test_suggest_trains_the_default_model_when_missing(small_seed, tmp_path):
    from gongzhi.triage import suggest

    s = suggest("楼上装修电钻声吵得睡不着")
    assert s.category is not None
    assert list((tmp_path / "triage-models").glob("model-*.joblib"))


def _eval(train, test):
    call_command("triage_eval", "--train", str(train), "--test", str(test), "--json")


def test_triage_eval_reads_a_message_longer_than_csv_allows_by_default(split_csvs, capsys):
    """Python's csv stops at 131,072 characters a field: that was a traceback."""
    train_path, test_path, n_train, _ = split_csvs
    long_one = train_path.with_name("long.csv")
    long_one.write_bytes(
        csv_bytes(tiny_rows()) + f"L1,,{'楼道灯坏了' * 40_000},设施设备维修\n".encode()
    )
    _eval(long_one, test_path)
    assert json.loads(capsys.readouterr().out)["n_train"] == n_train + 1


def test_triage_eval_names_the_file_and_says_why_in_chinese(split_csvs, tmp_path):
    train_path, test_path, _, _ = split_csvs
    one_class = tmp_path / "one.csv"
    one_class.write_text("id,title,text,label\n1,,楼道灯坏了,A\n2,,电梯坏了,A\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"^训练集 .*one.csv：至少需要两个不同的类别"):
        _eval(one_class, test_path)
    with pytest.raises(CommandError, match=r"^测试集 .*nope.csv：找不到该文件"):
        _eval(train_path, tmp_path / "nope.csv")
    with pytest.raises(CommandError, match="这是一个文件夹"):
        _eval(tmp_path, test_path)
    bad = tmp_path / "bad.csv"
    bad.write_text("id,content\n1,x\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"^测试集 .*bad.csv：缺少必需的列"):
        _eval(train_path, bad)
