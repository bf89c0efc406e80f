"""`triage_train`: a Chinese summary of what was learned, a clear refusal when it cannot learn."""

import io

import pytest
from django.core.management import CommandError, call_command

from gongzhi.cases import triage_link
from gongzhi.triage import model as modelmod
from gongzhi.triage.tests.conftest import csv_bytes, tiny_rows

COLUMNS = ("id", "title", "text", "label", "urgency")


@pytest.fixture
def small_seed(tmp_path, monkeypatch):
    """A small seed corpus (every category but 设施设备维修) so training takes seconds."""
    monkeypatch.setenv("GONGZHI_TRIAGE_DIR", str(tmp_path / "models"))

    def use(rows):
        seed = tmp_path / "seed.csv"
        seed.write_bytes(csv_bytes(rows, columns=COLUMNS))
        monkeypatch.setattr(modelmod, "SEED_CORPUS", seed)

    use(tiny_rows())
    return use


def _train() -> str:
    out = io.StringIO()
    call_command("triage_train", stdout=out)
    return out.getvalue()


def test_summary_names_the_confirmed_cases_per_category(small_seed, make):
    for _ in range(2):
        make.assessed()  # 设施设备维修, confirmed at 研判
    out = _train()
    assert "已确认诉求 2 条" in out
    assert "已确认诉求按类别：设施设备维修 2 条" in out
    assert "新受理的诉求将使用该模型给出建议" in out


def test_refuses_without_confirmed_cases(small_seed, db):
    with pytest.raises(CommandError, match="还没有已确认分类的诉求"):
        _train()
    assert not triage_link.current_model_pointer().exists()


def test_refuses_a_category_with_too_few_examples(small_seed, make):
    small_seed([r for r in tiny_rows() if r.label != "设施设备维修"])
    for _ in range(2):
        make.assessed()
    with pytest.raises(CommandError) as err:
        _train()
    assert "设施设备维修（2 条）" in str(err.value) and "未生成新模型" in str(err.value)
    assert not triage_link.current_model_pointer().exists()


def test_an_unwritable_model_directory_is_a_clear_error(small_seed, make, tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")  # a file where the directory should be: unwritable even for root
    monkeypatch.setenv("GONGZHI_TRIAGE_DIR", str(blocker / "models"))
    for _ in range(2):
        make.assessed()
    with pytest.raises(CommandError) as err:
        _train()
    message = str(err.value)
    assert "无法写入模型目录" in message and "GONGZHI_TRIAGE_DIR" in message
    assert "继续使用当前模型" in message
