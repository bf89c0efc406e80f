import dataclasses
import importlib

import pytest

from gongzhi.triage.suggestion import Suggestion, suggest
from gongzhi.triage.taxonomy import CATEGORIES, URGENCY_LEVELS

suggestmod = importlib.import_module("gongzhi.triage.suggestion")

CLEAR = [
    ("电梯", "9栋电梯又坏了，停运好几天，住高层的老人下不了楼", "电梯坏了"),
    ("物业费与收费", "物业突然要涨物业费，没有开业主大会，也不公开成本", "物业费涨价"),
    ("噪音扰民", "楼上装修每天早上七点就开电钻，吵得没法休息", ""),
    ("停车管理", "外来车辆天天占用我的地下车位，物业不管", "车位被占"),
    ("业委会事务", "业委会任期到了一直不换届选举，请社区督促", ""),
]


@pytest.mark.parametrize(("expected", "text", "title"), CLEAR)
def test_clear_messages_get_their_category(tiny_model, expected, text, title):
    s = suggest(text, title, model=tiny_model)
    assert s.category == expected
    assert 0.0 <= s.confidence <= 1.0
    assert s.top_terms
    assert s.model_version == "test-tiny"
    assert s.no_suggestion_reason is None


def test_suggestion_is_frozen_with_alternatives(tiny_model):
    s = suggest("小区垃圾桶满了好几天没人清运，臭气熏天", model=tiny_model)
    assert isinstance(s, Suggestion)
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.category = "其他"
    assert s.category in CATEGORIES
    assert len(s.alternatives) == 2
    assert all(alt in CATEGORIES and 0 <= p <= s.confidence for alt, p in s.alternatives)
    assert s.urgency in URGENCY_LEVELS
    assert 0.0 <= s.urgency_confidence <= 1.0


@pytest.mark.parametrize(
    "text",
    [
        "楼道里闻到很浓的煤气味，敲门没人应",
        "12栋3楼起火了，楼道里全是烟",
        "电梯困人半小时了，里面有老人和小孩",
        "楼上水管爆裂，水一直往我家灌",
        "山墙上的裂缝越来越宽，晚上有咔咔的响声",
        "楼下小孩碰了配电箱触电了",
    ],
)
def test_emergency_messages_are_flagged(tiny_model, text):
    s = suggest(text, model=tiny_model)
    assert s.urgency == "emergency"
    assert s.urgency_confidence >= 0.9
    assert s.urgency_terms


def test_calm_message_is_not_an_emergency(tiny_model):
    s = suggest("建议物业在小区里多放几张长椅，方便老人休息", model=tiny_model)
    assert s.urgency != "emergency"


@pytest.mark.parametrize(
    ("text", "reason_word"),
    [
        ("", "为空"),
        ("   \n\t ", "为空"),
        ("😀😀😡👍", "表情"),
        ("!!!???。。。", "表情"),
        ("The elevator is broken again, please fix it", "中文"),
        ("12345678", "中文"),
        ("楼" * 5000, "重复的字"),
        ("啊啊啊啊啊！！", "重复的字"),
    ],
)
def test_bad_input_gives_no_suggestion_with_reason(tiny_model, text, reason_word):
    s = suggest(text, model=tiny_model)
    assert s.category is None
    assert not s.has_suggestion
    assert s.confidence == 0.0
    assert reason_word in s.no_suggestion_reason
    assert s.model_version == "test-tiny"


def test_none_text_does_not_crash(tiny_model):
    assert suggest(None, None, model=tiny_model).no_suggestion_reason


def test_very_long_text_is_truncated_and_says_so(tiny_model):
    text = "电梯坏了没人修，" * 3000  # 24,000 characters
    s = suggest(text, model=tiny_model)
    assert s.category == "电梯"
    assert any("10000" in note for note in s.notes)


def test_title_alone_is_enough(tiny_model):
    assert suggest("", "电梯困人", model=tiny_model).urgency == "emergency"


def test_model_failure_becomes_no_suggestion(tiny_model, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("boom")

    monkeypatch.setattr(suggestmod, "_predict", broken)
    s = suggest("电梯坏了", model=tiny_model)
    assert s.category is None
    assert "出错" in s.no_suggestion_reason


def test_package_suggest_is_the_function_whatever_the_import_order(tiny_model):
    import inspect

    from gongzhi import triage
    from gongzhi.triage import suggest as from_package

    importlib.import_module("gongzhi.triage.suggestion")  # importing the module must not shadow it
    assert inspect.isfunction(triage.suggest) and triage.suggest is from_package is suggest
    assert triage.suggest("电梯坏了", model=tiny_model).category


def test_an_english_emergency_is_flagged_while_the_category_stays_open(tiny_model):
    s = suggest(
        "There is a fire in building 3 and smoke everywhere, people are trapped in the lift! "
        "Please send help.",
        "Fire",
        model=tiny_model,
    )
    assert s.category is None and s.no_suggestion_reason  # the model reads Chinese only
    assert s.urgency == "emergency" and s.urgency_confidence >= 0.9
    assert "起火" in s.urgency_terms and "电梯困人" in s.urgency_terms
    # An English message without a sign, or about a past or a drill, raises nothing.
    for calm in (
        "The street light at the north gate is broken.",
        "Last week someone was trapped in the lift. Will the lift be checked?",
        "When is the next fire drill? The fire extinguisher on floor 5 is missing.",
    ):
        quiet = suggest(calm, model=tiny_model)
        assert quiet.category is None and quiet.urgency is None, calm


def test_explanation_words_leave_out_filler_but_the_prediction_is_unchanged(tiny_model):
    text = "3栋2单元楼道里闻到很浓的煤气味，好像是哪家燃气漏气了，大家都不敢开灯，我家就在旁边"
    s = suggest(text, model=tiny_model)
    filler = {"很浓", "哪家", "不敢", "开灯", "旁边", "我家", "大家", "好像"}
    assert s.top_terms and not filler & set(s.top_terms)
    assert not filler & set(s.urgency_terms)
    # Explanation only: the same model gives the same category and confidence as before.
    X = tiny_model.category.transform([text])
    assert s.confidence == round(float(tiny_model.category.proba(X)[0].max()), 3)
