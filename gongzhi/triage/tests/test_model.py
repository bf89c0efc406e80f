import numpy as np

from gongzhi.triage import model as modelmod
from gongzhi.triage.text import MAX_CHARS, combine, normalise, words

from .conftest import tiny_rows


def test_save_load_roundtrip_predicts_the_same(tiny_model, tmp_path):
    path = modelmod.save(tiny_model, tmp_path / "m.joblib")
    loaded = modelmod.load(path)
    docs = [combine(r.title, r.text) for r in tiny_rows()[:10]]
    X1, X2 = tiny_model.category.transform(docs), loaded.category.transform(docs)
    assert np.allclose(tiny_model.category.proba(X1), loaded.category.proba(X2))


def test_training_is_deterministic(tiny_model):
    rows = tiny_rows()
    again, _ = modelmod.train_category(
        [r.title for r in rows], [r.text for r in rows], [r.label for r in rows]
    )
    assert np.array_equal(again.coef_t, tiny_model.category.coef_t)


def test_probabilities_are_distributions(tiny_model):
    X = tiny_model.category.transform(["电梯坏了", "物业费太贵", "随便说点什么"])
    p = tiny_model.category.proba(X)
    assert np.allclose(p.sum(axis=1), 1.0) and (p >= 0).all()


def test_version_changes_with_the_corpus():
    assert modelmod.version_for(b"a") != modelmod.version_for(b"b")
    assert modelmod.version_for(b"a").startswith(modelmod.ALGORITHM + "-")


def test_text_normalisation():
    assert normalise("ＡＢＣ　１２３\n\n电梯") == "abc 123 电梯"
    assert len(normalise("字" * (MAX_CHARS + 50))) == MAX_CHARS
    assert "业委会" in words("业委会不作为")
    assert "的" not in words("物业的服务")


def test_models_of_another_method_are_refused(tiny_model, tmp_path):
    import dataclasses

    import pytest

    old = dataclasses.replace(tiny_model, algorithm="older")
    path = modelmod.save(old, tmp_path / "old.joblib")
    with pytest.raises(TypeError, match="another method"):
        modelmod.load(path)


def test_rust_and_python_jieba_segment_alike():
    """rjieba (fast path) and Python jieba (fallback) must give the model the same words."""
    import pytest

    from gongzhi.triage import text as textmod

    if textmod.rjieba is None:
        pytest.skip("rjieba not installed")
    python_cut = textmod._python_jieba_cut()
    for sentence in (
        "业委会任期到了一直不换届选举，请社区督促。",
        "9栋2单元电梯困人半小时，燃气泄漏的味道也很重，消防通道被电动车堵住",
        "南湖花园物业费从每平米1.2元涨到1.8元，没有开业主大会",
    ):
        assert textmod._get_cut()(sentence) == python_cut(sentence)


def test_fast_transform_equals_scikit_learn(tiny_model):
    cat = tiny_model.category
    docs = [
        "",
        "😀",
        "zzzz qqqq",
        "电梯坏了三天没人修",
        combine("物业费涨价", "没有开业主大会" * 20),
    ]
    fast, reference = cat.transform(docs), cat.features.transform(docs)
    assert fast.shape == reference.shape
    assert np.allclose(fast.toarray(), reference.toarray(), atol=1e-6)
    assert fast[0].nnz == 0 and fast[3].nnz > 0


def test_calibration_matches_scikit_learn_without_neighbours(tiny_model):
    """Our sigmoid calibration is scikit-learn's (CalibratedClassifierCV, same folds)."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.svm import LinearSVC

    rows = tiny_rows()
    labels = [r.label for r in rows]
    features = tiny_model.category.features
    X = features.transform([combine(r.title, r.text) for r in rows])
    ours = modelmod._fit_linear(X, labels, features, neighbours=False)
    reference = CalibratedClassifierCV(
        LinearSVC(C=modelmod.SVM_C, random_state=0),
        method="sigmoid",
        cv=modelmod.calibration_folds(labels),
        ensemble=False,
    ).fit(X, labels)
    assert ours.calibrated and list(ours.classes) == list(reference.classes_)
    assert np.allclose(ours.proba(X), reference.predict_proba(X), atol=1e-4)


def test_neighbour_votes_follow_the_most_similar_messages(tiny_model):
    from gongzhi.triage.neighbours import Neighbours

    cat = tiny_model.category
    rows = tiny_rows()
    X = cat.transform([combine(r.title, r.text) for r in rows])[:, : cat.n_word_features]
    truth = np.array([cat.classes.index(r.label) for r in rows])
    near = Neighbours.fit(X, truth, len(cat.classes), k=3)
    votes = near.votes(X)
    # a training message is its own nearest neighbour (cosine 1): its class gets the most votes
    assert (votes.argmax(axis=1) == truth).mean() > 0.9
    assert np.allclose(votes.sum(axis=1), 1.0)
    nothing = cat.transform(["zzzz qqqq"])[:, : cat.n_word_features]
    assert np.allclose(near.votes(nothing), 0.0)


def test_neighbour_weight_is_chosen_out_of_fold():
    y = np.array([0, 1, 2, 0, 1, 2])
    right = np.eye(3)[y]
    wrong = np.eye(3)[(y + 1) % 3]
    # margins already right, votes wrong: no neighbours
    assert modelmod._best_weight(right, wrong, y) == 0.0
    # margins slightly wrong, votes right: the smallest weight that fixes them
    assert modelmod._best_weight(0.2 * wrong, right, y) == 0.25
